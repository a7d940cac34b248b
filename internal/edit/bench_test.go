package edit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// BenchmarkEditValidation saves accepted edits of a work with 60 credits, 30 characters and
// their voices into SQLite, and in the same run checks the same document as every edit does
// (wiki.Clean and Validate): it reports edits per second, the check's share of an edit, and the
// edits per second the path would make without it.
func BenchmarkEditValidation(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, store.SQLite)
	id, err := s.CreateUser(ctx, "bench", auth.Hash("x", auth.Params{Time: 1, Memory: 64, Threads: 1}), string(auth.RoleTrusted))
	if err != nil {
		b.Fatal(err)
	}
	svc := &edit.Service{Store: s}
	work := &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm, OriginalTitle: "MEMORIES", StartDate: "1995-12-23",
		Description: "Three stories of [[memory]], **dreams** and ''loss''.", Aliases: []string{"Magnetic Rose", "Stink Bomb"}}
	var workID int64
	_, err = svc.Apply(ctx, id, "setup", func(c *edit.Changes) error {
		for i := range 60 {
			p, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: fmt.Sprintf("Person %d", i)})
			if err != nil {
				return err
			}
			work.Credits = append(work.Credits, wiki.Credit{Key: fmt.Sprint("c", i), Person: wiki.Ref(p), Role: "Key animation", Note: "episodes 1-3"})
		}
		for i := range 30 {
			ch, err := c.Create(ctx, wiki.KindCharacter, &wiki.Character{Name: fmt.Sprintf("Character %d", i)})
			if err != nil {
				return err
			}
			work.Cast = append(work.Cast, wiki.CastMember{Key: fmt.Sprint("m", i), Character: wiki.Ref(ch), Role: "Main",
				Voices: []wiki.Voice{{Language: "ja", Person: work.Credits[i].Person}}})
		}
		var err error
		workID, err = c.Create(ctx, wiki.KindWork, wiki.Clone(work))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	head := 1
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		doc := wiki.Clone(work)
		doc.Deck = fmt.Sprint("Edit ", i)
		if _, err := svc.Apply(ctx, id, "deck", func(c *edit.Changes) error { return c.Update(ctx, workID, head, doc) }); err != nil {
			b.Fatal(err)
		}
		head++
	}
	perEdit := time.Since(start) / time.Duration(b.N)
	b.StopTimer()
	docs := make([]*wiki.Work, b.N)
	for i := range docs {
		docs[i] = wiki.Clone(work)
	}
	start = time.Now()
	for _, doc := range docs {
		if err := wiki.Clean(doc); err != nil {
			b.Fatal(err)
		}
		if err := doc.Validate(); err != nil {
			b.Fatal(err)
		}
	}
	check := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(time.Second)/float64(perEdit), "edits/s")
	b.ReportMetric(float64(check.Microseconds()), "check-µs")
	b.ReportMetric(float64(check)/float64(perEdit), "check/edit")
	b.ReportMetric(float64(time.Second)/float64(perEdit-check), "edits/s-unchecked")
}
