package edit_test

import (
	"context"
	"errors"
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

		// Reindex rebuilds the index from the documents.
		if _, err := svc.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if !has(find("大友"), otomo) {
			t.Error("after reindex, 大友 finds nothing")
		}
	})
}
