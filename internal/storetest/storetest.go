// Package storetest opens fresh, migrated stores for tests: an SQLite file in the test's
// temporary folder, and, when KIOKU_TEST_POSTGRES names a server, a new PostgreSQL database on
// it, dropped when the test ends.
//
// Without KIOKU_TEST_POSTGRES the PostgreSQL cases are not run, and each test binary says so
// once on its standard error (shown by go test -v, or when the package fails). On CI (the
// environment variable CI is set) they must run: there the PostgreSQL cases fail instead.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"kioku/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL server URL for tests,
// such as postgres://postgres@127.0.0.1:5432/test.
const EnvPostgres = "KIOKU_TEST_POSTGRES"

// EnvCI names the environment variable that CI sets (.ci/run does), under which every engine
// must be tested.
const EnvCI = "CI"

// Engines lists the engines the tests run on: SQLite always, PostgreSQL when configured. On CI
// PostgreSQL is listed whether configured or not, so that its cases fail when it is not.
func Engines() []store.Engine {
	if os.Getenv(EnvPostgres) != "" || os.Getenv(EnvCI) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	notRun.Do(func() {
		fmt.Fprintf(os.Stderr, "storetest: %s is not set: the PostgreSQL cases of %s are NOT RUN\n", EnvPostgres, filepath.Base(os.Args[0]))
	})
	return []store.Engine{store.SQLite}
}

// notRun says once per test binary that the PostgreSQL cases are left out.
var notRun sync.Once

// RequirePostgres is for a test that only PostgreSQL can run (several instances over one
// database, say): without a server to test with it skips the test, saying why, and on CI it
// fails it.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvPostgres) != "" {
		return
	}
	if os.Getenv(EnvCI) != "" {
		t.Fatalf("%s is not set, and CI must test PostgreSQL (.ci/run sets it)", EnvPostgres)
	}
	t.Skipf("NOT TESTED: this test needs PostgreSQL; set %s to a server's URL", EnvPostgres)
}

// DSN returns the address of a fresh, empty database of the given engine that lives as long as
// the test.
func DSN(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return filepath.Join(t.TempDir(), "kioku.db")
	}
	RequirePostgres(t)
	server := os.Getenv(EnvPostgres)
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
