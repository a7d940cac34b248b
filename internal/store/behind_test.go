package store_test

import (
	"context"
	"errors"
	"testing"

	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// Writes made behind a transaction (WriteBehind) are seen by its next read, new entities get the
// ids the database would have given them, and a write that fails fails the transaction: its
// error comes out by the next read at the latest, and nothing of the transaction is kept.
func TestWriteBehind(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, engine)
			create := func(tx *store.Tx, name string) int64 {
				t.Helper()
				id, err := tx.CreateEntity(ctx, wiki.KindPerson, name, "person", 0)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			var first, second, third int64
			err := s.Tx(ctx, func(tx *store.Tx) error {
				first = create(tx, "First")
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Tx(ctx, func(tx *store.Tx) error {
				return tx.WriteBehind(ctx, func() error {
					second, third = create(tx, "Second"), create(tx, "Third")
					ids := []wiki.ExternalID{{Site: "madb", ID: "C1"}}
					if err := tx.ReplaceExternalIDs(ctx, second, ids, true); err != nil {
						return err
					}
					got, err := tx.EntityForUpdate(ctx, third)
					if err != nil || got.Name != "Third" {
						t.Errorf("reading an entity written behind: %+v, %v", got, err)
					}
					if owners, err := tx.ExternalIDOwners(ctx, ids); err != nil || len(owners["madb:C1"]) != 1 {
						t.Errorf("reading an id written behind: %v, %v", owners, err)
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if engine == store.SQLite && (second != first+1 || third != first+2) {
				t.Errorf("ids given behind: %d and %d after %d, want the next two", second, third, first)
			}
			count := func() int {
				t.Helper()
				var n int
				if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM entities`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := count(); n != 3 {
				t.Fatalf("%d entities after the transaction, want 3", n)
			}

			// An id another entity has: the unique index refuses it, at once or by the next read.
			var seen error
			err = s.Tx(ctx, func(tx *store.Tx) error {
				return tx.WriteBehind(ctx, func() error {
					fourth := create(tx, "Fourth")
					seen = tx.ReplaceExternalIDs(ctx, fourth, []wiki.ExternalID{{Site: "madb", ID: "C1"}}, true)
					if seen == nil {
						_, seen = tx.EntityForUpdate(ctx, fourth)
					}
					if seen != nil && !tx.WriteFailed() && engine == store.SQLite {
						t.Error("WriteFailed is false after a write failed")
					}
					if _, err := tx.CreateEntity(ctx, wiki.KindPerson, "Fifth", "person", 0); err == nil && engine == store.SQLite {
						t.Error("a write after a failed one was accepted") // (queued, it would not be made)
					}
					return seen
				})
			})
			if !errors.Is(seen, store.ErrExists) {
				t.Errorf("the failed write's error, by the next read: %v, want ErrExists", seen)
			}
			if !errors.Is(err, store.ErrExists) {
				t.Errorf("the transaction with a failed write: %v, want ErrExists", err)
			}
			if n := count(); n != 3 {
				t.Errorf("%d entities after a failed transaction, want the 3 before it", n)
			}
			if engine != store.SQLite {
				return
			}
			// A write that fails after the last read fails the transaction all the same.
			err = s.Tx(ctx, func(tx *store.Tx) error {
				return tx.WriteBehind(ctx, func() error {
					_ = tx.ReplaceExternalIDs(ctx, create(tx, "Sixth"), []wiki.ExternalID{{Site: "madb", ID: "C1"}}, true)
					return nil
				})
			})
			if !errors.Is(err, store.ErrExists) || count() != 3 {
				t.Errorf("a transaction whose last write failed: %v, %d entities; want ErrExists and 3", err, count())
			}
		})
	}
}
