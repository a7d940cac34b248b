package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// On PostgreSQL a sample of the search keys tells common trigrams from rare ones, and a
// misspelt query's blocks are picked among the rare ones, in the order of the query.
func TestGramCounts(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres)
	err := s.Tx(ctx, func(tx *store.Tx) error {
		for i := range 40 {
			id, err := tx.CreateEntity(ctx, wiki.KindWork, "Work", "anime", 1)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("theking%02d", i)
			if err := tx.ReplaceSearchTerms(ctx, id, []search.Term{{Kind: wiki.KindWork, Field: search.FieldName, Key: key, Text: key}}, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `ANALYZE search_terms`); err != nil {
		t.Fatal(err)
	}
	counts, err := s.SampleGrams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["the"] != 40 || counts["kin"] != 40 {
		t.Errorf("sampled counts of the and kin: %d, %d, want 40 each", counts["the"], counts["kin"])
	}
	if _, ok := counts["g07"]; ok {
		t.Errorf("a trigram of one key was kept: %v", counts["g07"])
	}
	grams := []string{"the", "kin", "gdo", "mof", "xyz"}
	if got := store.RarestInOrder(grams, 3, counts); !slices.Equal(got, []string{"gdo", "mof", "xyz"}) {
		t.Errorf("rarest = %q, want the three that no sampled key holds, in order", got)
	}
	if got := store.RarestInOrder(grams, 2, nil); !slices.Equal(got, []string{"the", "xyz"}) {
		t.Errorf("without counts = %q, want the first and the last", got)
	}
}
