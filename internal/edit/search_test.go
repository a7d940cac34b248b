package edit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kioku/internal/edit"
	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// TestSearchIndex checks that what an edit accepts is searchable at once, under every name it
// gives, and no longer under a name it took away.
func TestSearchIndex(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		var memories, otomo, kanojo, rose int64
		_, err := svc.Apply(ctx, ann, "Memories", func(c *edit.Changes) error {
			var err error
			if otomo, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Katsuhiro Otomo",
				NativeName: "大友 克洋", NameKana: "おおとも かつひろ"}); err != nil {
				return err
			}
			if memories, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm,
				OriginalTitle: "MEMORIES", StartDate: "1995-12-23", Aliases: []string{"Magnetic Rose"},
				Releases: []wiki.Release{{Key: "r1", Region: "JP", Language: "ja", Title: "メモリーズ"}},
				Credits:  []wiki.Credit{{Key: "c1", Person: wiki.Ref(otomo), Role: "Director"}}}); err != nil {
				return err
			}
			if kanojo, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Her Memories", Medium: wiki.MediumFilm,
				OriginalTitle: "彼女の想いで", OriginalTitleKana: "かのじょのおもいで"}); err != nil {
				return err
			}
			rose, err = c.Create(ctx, wiki.KindEpisode, &wiki.Episode{Work: wiki.Ref(memories), Number: 1,
				Segment: true, Name: "Magnetic Rose", OriginalName: "彼女の想いで"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		find := func(q string, kinds ...wiki.Kind) search.Results {
			t.Helper()
			res, err := search.Search(ctx, s, search.Query{Text: q, Kinds: kinds, Limit: 10})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			return res
		}
		has := func(res search.Results, id int64) bool {
			for _, r := range res.Results {
				if r.ID == id {
					return true
				}
			}
			return false
		}
		for _, tt := range []struct {
			q    string
			want int64
		}{
			{"Memories", memories},
			{"ｍｅｍｏｒｉｅｓ", memories},
			{"めもりーず", memories},
			{"Magnetic Rose", memories},
			{"Magnetic Rose", rose},
			{"大友", otomo},
			{"Otomo Katsuhiro", otomo},
			{"katsuhiro otomo", otomo},
			{"otomo memories", memories},
			{"彼女の想いで", kanojo},
			{"memo", memories},
			{"Memoires", memories},       // two letters swapped
			{"Magnetc Rose", memories},   // one dropped
			{"おおとも", otomo},              // the reading
			{"Ōtomo", otomo},             // with a macron, as the reading's romanisation has none
			{"kanojo no omoide", kanojo}, // the romanised reading of 彼女の想いで
		} {
			if res := find(tt.q); !has(res, tt.want) {
				t.Errorf("search %q: %d not among %v", tt.q, tt.want, res.Results)
			}
		}
		if res := find("Memories", wiki.KindWork); res.Exact != memories || res.Results[0].ID != memories {
			t.Errorf("search Memories among works: exact %d, first %v; want %d, the one work of that title", res.Exact, res.Results, memories)
		}
		if res := find("Magnetic Rose"); res.Exact != 0 {
			t.Errorf("Magnetic Rose names a segment and an alias of a film, but the search went straight to %d", res.Exact)
		}

		// Renamed: found under the new name at once, not under the old one.
		_, err = svc.Update(ctx, ann, "Rename", kanojo, 1, func(ctx context.Context, c *edit.Changes, doc wiki.Document) error {
			doc.(*wiki.Work).Name = "Kanojo Recollections"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !has(find("Kanojo Recollections"), kanojo) {
			t.Error("a renamed work is not found under its new name")
		}
		if has(find("Her Memories"), kanojo) {
			t.Error("a renamed work is still found under its old name")
		}

		// Hostile and odd queries: an answer or ErrTooLong, never a failure of the store.
		for _, q := range []string{"", " ", "a", "字", `" OR 1=1 --`, "NEAR(", "*", `"`, "\x00", "\xff\xfe",
			"\xed\xa0\x80", "%_%", `\`, "AND OR NOT", strings.Repeat("ab", 100)} {
			if _, err := search.Search(ctx, s, search.Query{Text: q}); err != nil {
				t.Errorf("search %q: %v", q, err)
			}
		}
		if _, err := search.Search(ctx, s, search.Query{Text: strings.Repeat("x", 10_000)}); !errors.Is(err, search.ErrTooLong) {
			t.Errorf("search of 10,000 characters: %v, want ErrTooLong", err)
		}

		// In a batch, a changeset that fails leaves no term behind, in the trigram index either;
		// the others are found, and a title renamed twice in one batch is found by its last.
		err = svc.Batch(ctx, func(b *edit.Batch) error {
			if _, err := b.Apply(ctx, ann, "Kept", false, func(c *edit.Changes) error {
				_, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Perfect Blue", Medium: wiki.MediumFilm})
				return err
			}); err != nil {
				return err
			}
			_, err := b.Apply(ctx, ann, "Failed", false, func(c *edit.Changes) error {
				if _, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Paprika", Medium: wiki.MediumFilm}); err != nil {
					return err
				}
				return errors.New("refused")
			})
			if err == nil {
				return errors.New("a failing changeset succeeded")
			}
			for _, name := range []string{"Tokyo Godfathers", "Millennium Actress"} {
				if _, err := b.Apply(ctx, ann, "Rename", false, func(c *edit.Changes) error {
					e, err := b.Tx().Entity(ctx, kanojo)
					if err != nil {
						return err
					}
					return c.Update(ctx, kanojo, e.Head, &wiki.Work{Name: name, Medium: wiki.MediumFilm})
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]bool{"Perfect Blue": true, "Paprika": false, "Millennium Actress": true, "Tokyo Godfathers": false} {
			if got := len(find(q).Results) > 0; got != want {
				t.Errorf("after the batch, %q found: %v, want %v", q, got, want)
			}
		}
		checkTrigrams(t, s)

		// A wiki whose index is empty (as one from before the index was), or made by another
		// version of the search terms, says so, and reindex rebuilds the index from the documents.
		current := func() bool {
			t.Helper()
			ok, err := svc.SearchIndexCurrent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if current() {
			t.Fatal("a wiki never reindexed says its terms are of this version")
		}
		if _, err := svc.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if !current() {
			t.Fatal("after reindex, the index is not current")
		}
		if err := s.SetSetting(ctx, "search.version", "1"); err != nil {
			t.Fatal(err)
		}
		if current() {
			t.Fatal("an index of another version is current")
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM search_terms`); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if !current() {
			t.Fatal("after reindex, the index is not current")
		}
		if !has(find("大友"), otomo) {
			t.Error("after reindex, 大友 finds nothing")
		}
		checkTrigrams(t, s)
	})
}

// TestSearchFilters checks the filters and the paging of Search on both stores.
func TestSearchFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		var sf int64
		works := map[string]int64{}
		_, err := svc.Apply(ctx, ann, "Rose films", func(c *edit.Changes) error {
			var err error
			if sf, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Science fiction"}); err != nil {
				return err
			}
			for i, w := range []struct {
				name, start string
				medium      wiki.Medium
				genre       bool
			}{
				{"Rose of Versailles", "1979-10-10", wiki.MediumTV, false},
				{"Rose Hip Zero", "2005-01-01", wiki.MediumOVA, false},
				{"Space Rose", "1995-12-23", wiki.MediumFilm, true},
				{"Rose Garden", "1995", wiki.MediumFilm, false},
			} {
				doc := &wiki.Work{Name: w.name, Medium: w.medium, StartDate: w.start}
				if w.genre {
					doc.Genres = []wiki.Ref{wiki.Ref(sf)}
				}
				id, err := c.Create(ctx, wiki.KindWork, doc)
				if err != nil {
					return fmt.Errorf("work %d: %w", i, err)
				}
				works[w.name] = id
			}
			for i := range 25 {
				if _, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: fmt.Sprintf("Rosalind Page %02d", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		names := func(q search.Query) []string {
			t.Helper()
			res, err := search.Search(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range res.Results {
				out = append(out, r.Name)
			}
			slices.Sort(out)
			return out
		}
		for _, tt := range []struct {
			q    search.Query
			want []string
		}{
			{search.Query{Text: "rose", Media: []wiki.Medium{wiki.MediumFilm}}, []string{"Rose Garden", "Space Rose"}},
			{search.Query{Text: "rose", FromYear: 1990, ToYear: 1999}, []string{"Rose Garden", "Space Rose"}},
			{search.Query{Text: "rose", FromYear: 2000}, []string{"Rose Hip Zero"}},
			{search.Query{Text: "rose", Topics: []int64{sf}}, []string{"Space Rose"}},
			{search.Query{Text: "rose", Media: []wiki.Medium{wiki.MediumTV, wiki.MediumOVA}}, []string{"Rose Hip Zero", "Rose of Versailles"}},
			{search.Query{Text: "rose", Kinds: []wiki.Kind{wiki.KindWork}, Media: []wiki.Medium{wiki.MediumSpecial}}, nil},
		} {
			if got := names(tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("%+v: %q, want %q", tt.q, got, tt.want)
			}
		}

		// Paging: 25 people and 4 works start with "ros"; pages of 10 hold each once.
		seen := map[string]bool{}
		total := 0
		for page := 0; page < 4; page++ {
			res, err := search.Search(ctx, s, search.Query{Text: "ros", Offset: page * 10, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			total = res.Total
			for _, r := range res.Results {
				if seen[r.Name] {
					t.Errorf("page %d repeats %s", page+1, r.Name)
				}
				seen[r.Name] = true
			}
		}
		if total != 29 || len(seen) != 29 {
			t.Errorf("paging: total %d, %d seen; want 29 of each", total, len(seen))
		}
	})
}

// checkTrigrams has SQLite check that its trigram index holds exactly the search terms.
func checkTrigrams(t *testing.T, s *store.Store) {
	t.Helper()
	if s.Engine() != store.SQLite {
		return
	}
	if _, err := s.DB().ExecContext(context.Background(),
		`INSERT INTO search_trigrams (search_trigrams, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("the trigram index does not match the search terms: %v", err)
	}
}
