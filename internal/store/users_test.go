package store_test

import (
	"context"
	"testing"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// TestRekeyUsers: accounts made before names were keyed by their skeleton get the new key, except
// one whose new key an older account has: it keeps its old one, and both can still sign in.
func TestRekeyUsers(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, engine)
			old := map[string]string{"demo": "demo", "ｄｅｍｏ": "ｄｅｍｏ", "ＢＯＢ": "ｂｏｂ", "Ann": "ann"}
			for _, name := range []string{"demo", "ｄｅｍｏ", "ＢＯＢ", "Ann"} {
				if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO users (name, name_key, password_hash, role, created_at)
					VALUES (?, ?, 'x', 'editor', CURRENT_TIMESTAMP)`), name, old[name]); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Tx(ctx, func(tx *store.Tx) error { return store.RekeyUsers(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"demo": store.UserKey("demo"), "ｄｅｍｏ": "ｄｅｍｏ", "ＢＯＢ": store.UserKey("bob"), "Ann": store.UserKey("ann")}
			for name, key := range want {
				var got string
				if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT name_key FROM users WHERE name = ?`), name).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != key {
					t.Errorf("%q: key %q, want %q", name, got, key)
				}
			}
			for _, name := range []string{"ＢＯＢ", "bob", "Bob", "ann"} {
				if _, err := s.UserByName(ctx, name); err != nil {
					t.Errorf("UserByName(%q): %v", name, err)
				}
			}
		})
	}
}
