package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// TestAcknowledgedEchoes announces changes from two stores over one PostgreSQL database: a store
// recognises the echo of its own committed announcement, once, and nothing else.
func TestAcknowledgedEchoes(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("announcements need PostgreSQL; set %s", storetest.EnvPostgres)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := storetest.DSN(t, store.Postgres)
	open := func() *store.Store {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()

	heard, connected := make(chan store.Notification, 4), make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Listen(ctx, []string{store.ChannelChanges}, func(n store.Notification) { heard <- n }, func(err error) {
			if err == nil {
				connected <- struct{}{}
			}
		})
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not connect")
	}
	announce := func(s *store.Store, id int64) store.Notification {
		t.Helper()
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.Announce(ctx, []int64{id}) }); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-heard:
			return n
		case <-time.After(5 * time.Second):
			t.Fatalf("the announcement of %d was not heard", id)
			return store.Notification{}
		}
	}

	own := announce(a, 1)
	if own.Origin != a.Origin() || own.Payload != "1" || own.Tx == 0 {
		t.Errorf("own announcement = %+v, want origin %s, a transaction number and payload 1", own, a.Origin())
	}
	if !a.Acknowledged(own) {
		t.Error("the echo of a committed announcement is not acknowledged")
	}
	if a.Acknowledged(own) {
		t.Error("the same echo is acknowledged twice")
	}
	other := announce(b, 2)
	if other.Origin != b.Origin() || other.Payload != "2" {
		t.Errorf("other store's announcement = %+v, want origin %s and payload 2", other, b.Origin())
	}
	if a.Acknowledged(other) {
		t.Error("another store's announcement is acknowledged")
	}
}
