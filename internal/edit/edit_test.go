package edit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

func forEachEngine(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, engine))
		})
	}
}

// mustUser makes a trusted editor, whose edits are accepted at once.
func mustUser(t *testing.T, s *store.Store, name string) int64 {
	t.Helper()
	return mustUserAs(t, s, name, auth.RoleTrusted)
}

func mustUserAs(t *testing.T, s *store.Store, name string, role auth.Role) int64 {
	t.Helper()
	id, err := s.CreateUser(context.Background(), name, "x", string(role))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRevisionsMergeConflictRevert(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		var workID, kon int64
		_, err := svc.Apply(ctx, ann, "New film", func(c *edit.Changes) error {
			var err error
			kon, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
			if err != nil {
				return err
			}
			workID, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm,
				Credits: []wiki.Credit{{Key: "k1", Person: wiki.Ref(kon), Role: "Writer"}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Entity(ctx, workID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := e.Path(), "/anime/"+itoa(workID)+"-memories"; got != want {
			t.Errorf("path = %q, want %q", got, want)
		}
		// Two edits from revision 1: one sets the rating, one adds a release. Both land.
		base := &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm, Credits: []wiki.Credit{{Key: "k1", Person: wiki.Ref(kon), Role: "Writer"}}}
		a := wiki.Clone(base)
		a.Rating = "R"
		b := wiki.Clone(base)
		b.Releases = []wiki.Release{{Key: "r1", Region: "JP", Language: "ja", Title: "メモリーズ", Date: "1995-12-23"}}
		for _, d := range []*wiki.Work{a, b} {
			if _, err := svc.Apply(ctx, ann, "change", func(c *edit.Changes) error { return c.Update(ctx, workID, 1, d) }); err != nil {
				t.Fatalf("update from base 1: %v", err)
			}
		}
		r, err := s.Revision(ctx, workID, 3)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := wiki.Decode(wiki.KindWork, r.Document)
		w := doc.(*wiki.Work)
		if w.Rating != "R" || len(w.Releases) != 1 {
			t.Fatalf("merged revision 3 = rating %q, %d releases; want R and 1", w.Rating, len(w.Releases))
		}
		// A third edit from revision 1 sets another rating: a real conflict, nothing saved.
		c := wiki.Clone(base)
		c.Rating = "PG"
		_, err = svc.Apply(ctx, ann, "change", func(ch *edit.Changes) error { return ch.Update(ctx, workID, 1, c) })
		var ce *edit.ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, edit.ErrConflict) || ce.Conflicts[0].Field != "Rating" {
			t.Fatalf("conflicting update: err = %v, want a conflict on Rating", err)
		}
		if e, _ := s.Entity(ctx, workID); e.Head != 3 {
			t.Fatalf("head after conflict = %d, want 3", e.Head)
		}
		// Revert to revision 1 makes revision 4 with revision 1's document.
		if _, err := svc.Revert(ctx, ann, workID, 1, ""); err != nil {
			t.Fatal(err)
		}
		r4, err := s.Revision(ctx, workID, 4)
		if err != nil {
			t.Fatal(err)
		}
		r1, _ := s.Revision(ctx, workID, 1)
		if string(r4.Document) != string(r1.Document) || r4.Summary != "Reverted to revision 1" {
			t.Errorf("revision 4 = %s (%q), want the document of revision 1", r4.Document, r4.Summary)
		}
		// The projection follows, and is rebuilt the same by Reindex.
		links, err := s.LinksTo(ctx, kon, wiki.RelCredit)
		if err != nil || len(links) != 1 || links[0].From.ID != workID || links[0].Role != "Writer" {
			t.Fatalf("links to Kon = %+v, %v", links, err)
		}
		if _, err := s.DB().Exec(`DELETE FROM links`); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.Reindex(ctx); err != nil || n != 2 {
			t.Fatalf("reindex = %d, %v; want 2 entities", n, err)
		}
		if again, _ := s.LinksTo(ctx, kon, wiki.RelCredit); len(again) != 1 {
			t.Errorf("after reindex, links to Kon = %d, want 1", len(again))
		}
		editors, err := s.TopEditors(ctx, workID, 5)
		if err != nil || len(editors) != 1 || editors[0].Edits != 4 {
			t.Errorf("top editors = %+v, %v; want ann with 4", editors, err)
		}
	})
}

func TestApplyRefusesBadEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		var genre int64
		if _, err := svc.Apply(ctx, ann, "genre", func(c *edit.Changes) error {
			var err error
			genre, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Drama"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			summary string
			doc     wiki.Document
		}{
			{"summary too long", strings.Repeat("x", 501), &wiki.Work{Name: "X", Medium: wiki.MediumTV}},
			{"summary with a control character", "a\x1bb", &wiki.Work{Name: "X", Medium: wiki.MediumTV}},
			{"no name", "s", &wiki.Work{Medium: wiki.MediumTV}},
			{"unknown medium", "s", &wiki.Work{Name: "X", Medium: "radio"}},
			{"missing person", "s", &wiki.Work{Name: "X", Medium: wiki.MediumTV, Credits: []wiki.Credit{{Key: "a", Person: 999, Role: "Director"}}}},
			{"genre as person", "s", &wiki.Work{Name: "X", Medium: wiki.MediumTV, Credits: []wiki.Credit{{Key: "a", Person: wiki.Ref(genre), Role: "Director"}}}},
			{"bad date", "s", &wiki.Work{Name: "X", Medium: wiki.MediumTV, Releases: []wiki.Release{{Key: "a", Region: "JP", Title: "X", Date: "23/12/1995"}}}},
		}
		for _, tt := range tests {
			_, err := svc.Apply(ctx, ann, tt.summary, func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindWork, tt.doc)
				return err
			})
			var ve *wiki.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%s: err = %v, want a validation error", tt.name, err)
			}
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM entities`).Scan(&n); err != nil || n != 1 {
			t.Errorf("entities after refused edits = %d (%v), want 1", n, err)
		}
	})
}

func itoa(id int64) string { return wiki.Ref(id).ItemKey() }

// TestBatchChecksReferences: in a batch, which remembers the pages its changesets made or
// checked, a reference of the wrong kind is still refused, and so is one to a page made by a
// changeset of the batch that failed.
func TestBatchChecksReferences(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		credit := func(person int64) wiki.Document {
			return &wiki.Work{Name: "Work", Medium: wiki.MediumTV, Credits: []wiki.Credit{{Key: "a", Person: wiki.Ref(person), Role: "Director"}}}
		}
		err := svc.Batch(ctx, func(b *edit.Batch) error {
			var person, genre, lost int64
			if _, err := b.Apply(ctx, ann, "made", false, func(c *edit.Changes) error {
				var err error
				if person, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"}); err != nil {
					return err
				}
				genre, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Drama"})
				return err
			}); err != nil {
				return err
			}
			refused := errors.New("refused")
			if _, err := b.Apply(ctx, ann, "failed", false, func(c *edit.Changes) error {
				var err error
				if lost, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Lost"}); err != nil {
					return err
				}
				return refused
			}); !errors.Is(err, refused) {
				return fmt.Errorf("a failing changeset: %v", err)
			}
			for _, tt := range []struct {
				name  string
				doc   wiki.Document
				valid bool
			}{
				{"person made by the batch", credit(person), true},
				{"person again", credit(person), true},
				{"genre as person", credit(genre), false},
				{"person of a failed changeset", credit(lost), false},
			} {
				_, err := b.Apply(ctx, ann, tt.name, false, func(c *edit.Changes) error {
					_, err := c.Create(ctx, wiki.KindWork, tt.doc)
					return err
				})
				var ve *wiki.ValidationError
				if tt.valid && err != nil || !tt.valid && !errors.As(err, &ve) {
					t.Errorf("%s: err = %v, want valid %v", tt.name, err, tt.valid)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM entities WHERE kind = 'work'`).Scan(&n); err != nil || n != 2 {
			t.Errorf("works after the batch = %d (%v), want 2", n, err)
		}
	})
}

// A FastBatch commits like a Batch when every changeset succeeds; one that fails after writing
// rolls the whole batch back and says so, while a changeset refused before it writes anything,
// or one that changes nothing, leaves the batch standing. An edit that changes nothing writes
// no changeset.
func TestFastBatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		counts := func() (entities, changesets int) {
			t.Helper()
			for q, n := range map[string]*int{`SELECT COUNT(*) FROM entities`: &entities, `SELECT COUNT(*) FROM changesets`: &changesets} {
				if err := s.DB().QueryRow(q).Scan(n); err != nil {
					t.Fatal(err)
				}
			}
			return entities, changesets
		}
		var kon int64
		err := svc.FastBatch(ctx, func(b *edit.Batch) error {
			if _, err := b.Apply(ctx, ann, "made", false, func(c *edit.Changes) error {
				var err error
				kon, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
				return err
			}); err != nil {
				return err
			}
			// Nothing changed, nothing written: the batch goes on.
			_, err := b.Apply(ctx, ann, "again", false, func(c *edit.Changes) error {
				e, doc, err := c.Current(ctx, kon)
				if err != nil {
					return err
				}
				return c.Update(ctx, kon, e.Head, doc)
			})
			var ve *wiki.ValidationError
			if !errors.As(err, &ve) {
				return fmt.Errorf("an edit changing nothing: %v", err)
			}
			_, err = b.Apply(ctx, ann, "bad\x00summary", false, func(c *edit.Changes) error {
				t.Error("a changeset with a bad summary ran")
				return nil
			})
			if err == nil || errors.Is(err, edit.ErrBatchFailed) {
				return fmt.Errorf("a refused summary: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if e, cs := counts(); e != 1 || cs != 1 {
			t.Fatalf("after a good fast batch: %d entities, %d changesets; want 1 and 1", e, cs)
		}

		refused := errors.New("refused")
		err = svc.FastBatch(ctx, func(b *edit.Batch) error {
			if _, err := b.Apply(ctx, ann, "made", false, func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Mamoru Oshii"})
				return err
			}); err != nil {
				return err
			}
			_, err := b.Apply(ctx, ann, "fails", false, func(c *edit.Changes) error {
				if _, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Lost"}); err != nil {
					return err
				}
				return refused
			})
			if !errors.Is(err, edit.ErrBatchFailed) || !errors.Is(err, refused) {
				t.Errorf("the failing changeset: %v, want ErrBatchFailed and its cause", err)
			}
			// The caller may go on; what it does is not saved.
			if _, err := b.Apply(ctx, ann, "after", false, func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "After"})
				return err
			}); !errors.Is(err, edit.ErrBatchFailed) {
				t.Errorf("a changeset after the failure: %v, want ErrBatchFailed", err)
			}
			return nil
		})
		if !errors.Is(err, edit.ErrBatchFailed) {
			t.Fatalf("FastBatch with a failed changeset = %v, want ErrBatchFailed", err)
		}
		if e, cs := counts(); e != 1 || cs != 1 {
			t.Errorf("after a failed fast batch: %d entities, %d changesets; want 1 and 1 as before", e, cs)
		}

		// An id on another site that another page has: a fast batch leaves it to the database's
		// unique index, and fails; a batch run again says whose it is.
		err = svc.Batch(ctx, func(b *edit.Batch) error {
			_, err := b.Apply(ctx, ann, "id", false, func(c *edit.Changes) error {
				e, doc, err := c.Current(ctx, kon)
				if err != nil {
					return err
				}
				doc.(*wiki.Person).ExternalIDs = []wiki.ExternalID{{Site: "madb", ID: "C44670"}}
				return c.Update(ctx, kon, e.Head, doc)
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		twin := func(b *edit.Batch) (edit.Result, error) {
			return b.Apply(ctx, ann, "twin", false, func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Kon Satoshi", ExternalIDs: []wiki.ExternalID{{Site: "madb", ID: "C44670"}}})
				return err
			})
		}
		err = svc.FastBatch(ctx, func(b *edit.Batch) error {
			_, err := twin(b)
			return err
		})
		if !errors.Is(err, edit.ErrBatchFailed) {
			t.Errorf("a fast batch giving a taken id: %v, want ErrBatchFailed", err)
		}
		err = svc.Batch(ctx, func(b *edit.Batch) error {
			if _, err := twin(b); err == nil || !strings.Contains(err.Error(), "Satoshi Kon") {
				t.Errorf("a batch giving a taken id: %v, want it to name the page that has it", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := counts(); e != 1 {
			t.Errorf("after the taken id: %d entities, want 1", e)
		}
	})
}

// A batch carries what it learnt of the entities' kinds to the next batch, unless another
// transaction accepted an edit in between: then a reference to a page merged meanwhile follows
// the merge.
func TestBatchKindsAcrossBatches(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		mod := mustUserAs(t, s, "mod", auth.RoleModerator)
		batch := func(fn func(c *edit.Changes) error) error {
			return svc.Batch(ctx, func(b *edit.Batch) error {
				_, err := b.Apply(ctx, ann, "batch", false, fn)
				return err
			})
		}
		var kon, kon2 int64
		err := batch(func(c *edit.Changes) error {
			var err error
			if kon, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"}); err != nil {
				return err
			}
			kon2, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Kon Satoshi"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		work := func(name string, person int64) func(c *edit.Changes) error {
			return func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: name, Medium: wiki.MediumFilm,
					Credits: []wiki.Credit{{Key: "a", Person: wiki.Ref(person), Role: "Director"}}})
				return err
			}
		}
		// Nobody else edited: the next batch knows kon2 is a person without reading it, even
		// though, behind the wiki's back, the table now says otherwise.
		if _, err := s.DB().Exec(`UPDATE entities SET kind = 'company' WHERE id = $1`, kon2); err != nil {
			t.Fatal(err)
		}
		if err := batch(work("Paprika", kon2)); err != nil {
			t.Errorf("a batch after a batch read a kind it knew: %v", err)
		}
		if _, err := s.DB().Exec(`UPDATE entities SET kind = 'person' WHERE id = $1`, kon2); err != nil {
			t.Fatal(err)
		}
		// A moderator merges one into the other: the next batch reads them again.
		if _, err := svc.Merge(ctx, mod, "", kon2, kon); err != nil {
			t.Fatal(err)
		}
		if err := batch(work("Millennium Actress", kon2)); err != nil {
			t.Fatal(err)
		}
		var credited int64
		err = s.DB().QueryRow(`SELECT l.target_id FROM links l JOIN entities e ON e.id = l.source_id
			WHERE e.name = $1 AND l.rel = 'credit'`, "Millennium Actress").Scan(&credited)
		if err != nil {
			t.Fatal(err)
		}
		if credited != kon {
			t.Errorf("a credit of the merged page points to #%d, want the kept page #%d", credited, kon)
		}
	})
}

// A document of another type cannot become an entity's next revision, whoever calls Update.
func TestUpdateRefusesAnotherKind(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		_, err := svc.Apply(ctx, ann, "a person onto a work", func(c *edit.Changes) error {
			return c.Update(ctx, work, 1, &wiki.Person{Name: "Katsuhiro Otomo"})
		})
		var ve *wiki.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("a person's document for a work: %v, want a validation error", err)
		}
		e, err := s.Entity(ctx, work)
		if err != nil || e.Head != 1 || e.Name != "Memories" {
			t.Errorf("the work after the refused edit: %+v (%v)", e, err)
		}
	})
}
