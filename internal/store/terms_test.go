package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// TestSearchTermsJournal follows search terms through a transaction that writes some of them
// half way (as a reindex or a long batch does), replaces terms it wrote, and rolls a savepoint
// back across such a write: what commits is exactly the terms last set, and SQLite's trigram
// index holds exactly them.
func TestSearchTermsJournal(t *testing.T) {
	defer store.SetFlushTermsAt(4)()
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, engine)
			terms := func(keys ...string) []search.Term {
				var out []search.Term
				for _, k := range keys {
					out = append(out, search.Term{Kind: wiki.KindWork, Field: search.FieldName, Key: k, Text: k})
				}
				return out
			}
			var a, b, c int64
			err := s.Tx(ctx, func(tx *store.Tx) error {
				for _, id := range []*int64{&a, &b, &c} {
					var err error
					if *id, err = tx.CreateEntity(ctx, wiki.KindWork, "Work", "anime", 1); err != nil {
						return err
					}
				}
				if err := tx.ReplaceSearchTerms(ctx, a, terms("alpha"), true); err != nil {
					return err
				}
				return tx.ReplaceSearchTerms(ctx, b, terms("bravo", "bravissimo"), true)
			})
			if err != nil {
				t.Fatal(err)
			}
			refused := errors.New("refused")
			err = s.Tx(ctx, func(tx *store.Tx) error {
				if err := tx.Savepoint(ctx, func() error {
					return tx.ReplaceSearchTerms(ctx, a, terms("alpine", "altitude", "alps"), false)
				}); err != nil {
					return err
				}
				// Four changes wait: they are written before the next savepoint, which replaces
				// them and is rolled back.
				err := tx.Savepoint(ctx, func() error {
					if err := tx.ReplaceSearchTerms(ctx, a, terms("almond"), false); err != nil {
						return err
					}
					if err := tx.ReplaceSearchTerms(ctx, c, terms("charlie"), true); err != nil {
						return err
					}
					return refused
				})
				if !errors.Is(err, refused) {
					return err
				}
				// Terms written in this transaction are replaced: they never were in the
				// trigram index, and do not leave it.
				return tx.Savepoint(ctx, func() error {
					if err := tx.ReplaceSearchTerms(ctx, a, terms("alps", "alto"), false); err != nil {
						return err
					}
					return tx.ReplaceSearchTerms(ctx, b, terms("beta"), false)
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := s.DB().QueryContext(ctx, `SELECT entity_id, key FROM search_terms ORDER BY entity_id, key`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var id int64
				var key string
				if err := rows.Scan(&id, &key); err != nil {
					t.Fatal(err)
				}
				got = append(got, map[int64]string{a: "a", b: "b", c: "c"}[id]+":"+key)
			}
			if want := []string{"a:alps", "a:alto", "b:beta"}; !slices.Equal(got, want) {
				t.Errorf("search terms %q, want %q", got, want)
			}
			if engine != store.SQLite {
				return
			}
			if _, err := s.DB().ExecContext(ctx,
				`INSERT INTO search_trigrams (search_trigrams, rank) VALUES ('integrity-check', 1)`); err != nil {
				t.Errorf("the trigram index does not match the search terms: %v", err)
			}
			for gram, want := range map[string]int{"alp": 1, "lto": 1, "bet": 1, "tit": 0, "lph": 0, "bra": 0, "mon": 0, "cha": 0} {
				var n int
				if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM search_trigrams WHERE search_trigrams MATCH ?`,
					gram).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("%d terms hold the trigram %q, want %d", n, gram, want)
				}
			}
		})
	}
}
