package store_test

import (
	"context"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// During a bulk load, a connection keeps the large page cache a batch gave it, for the next
// batch; outside one, and once it ends, connections have the usual small cache.
func TestBulkLoadKeepsCaches(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	s.DB().SetMaxOpenConns(1) // every transaction below on the one connection
	cache := func() int {
		t.Helper()
		var kib int
		if err := s.DB().QueryRow(`PRAGMA cache_size`).Scan(&kib); err != nil {
			t.Fatal(err)
		}
		return kib
	}
	batch := func() {
		t.Helper()
		err := s.Tx(ctx, func(tx *store.Tx) error {
			return tx.WithLargeCache(ctx, 32, func() error { return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	batch()
	if got := cache(); got != -2000 {
		t.Errorf("cache after a batch = %d, want the usual -2000", got)
	}
	stop := s.BulkLoad(time.Hour)
	batch()
	if got := cache(); got != -32*1024 {
		t.Errorf("cache after a batch of a bulk load = %d, want -%d", got, 32*1024)
	}
	stop()
	if got := cache(); got != -2000 {
		t.Errorf("cache after the bulk load = %d, want the usual -2000", got)
	}
}
