// Package storetest opens fresh, migrated stores for tests: an SQLite file in the test's
// temporary folder, and, when KIOKU_TEST_POSTGRES names a server, a new PostgreSQL database on
// it, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"kioku/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL server URL for tests,
// such as postgres://postgres@127.0.0.1:5432/test.
const EnvPostgres = "KIOKU_TEST_POSTGRES"

// Engines lists the engines the tests run on: SQLite always, PostgreSQL when configured.
func Engines() []store.Engine {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// DSN returns the address of a fresh, empty database of the given engine that lives as long as
// the test.
func DSN(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return filepath.Join(t.TempDir(), "kioku.db")
	}
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Fatalf("%s is not set", EnvPostgres)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kioku_test_" + hex.EncodeToString(b)
	// A UTF-8 character type lets pg_trgm make trigrams of Japanese text.
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a fresh, migrated store of the given engine, closed when the test ends.
func Open(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
