package server_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// The PostgreSQL backup and restore commands, exactly as docs/deploy.md gives them: the test
// fails when the guide no longer has them, so that the two change together. The restore names
// the dump of an example day, which the test replaces with the name of the dump it made.
const (
	pgDumpCommand    = `pg_dump --format=custom --file=kioku-$(date +%F).dump "$DB"`
	pgRestoreCommand = `pg_restore --single-transaction --dbname="$NEW_DB" kioku-2026-11-24.dump`
	exampleDump      = "kioku-2026-11-24.dump"
)

// requirePostgresTools skips the test, or fails it on CI, when there is no PostgreSQL server to
// test with or no pg_dump and pg_restore.
func requirePostgresTools(t *testing.T) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") != "" {
		fail = t.Fatalf
	}
	if os.Getenv(storetest.EnvPostgres) == "" {
		fail("NOT TESTED: the PostgreSQL backup and restore commands of docs/deploy.md; set %s to a PostgreSQL server to test them", storetest.EnvPostgres)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			fail("NOT TESTED: the PostgreSQL backup and restore commands of docs/deploy.md, for want of %s (Debian package postgresql-client): %v", tool, err)
		}
	}
}

// ownedDatabases returns the addresses of n fresh PostgreSQL databases owned by a new role
// without superuser rights, through which the addresses connect: the role that owns Kioku's
// database in docs/deploy.md. The role is dropped after the databases when the test ends.
func ownedDatabases(t *testing.T, n int) []string {
	t.Helper()
	server := os.Getenv(storetest.EnvPostgres)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	role := "kioku_test_owner_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE ROLE ` + role + ` LOGIN`); err != nil {
		t.Fatal(err)
	}
	// Registered before the databases are made, so that it runs after they are dropped.
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP ROLE IF EXISTS ` + role)
	})
	var dsns []string
	for range n {
		u, err := url.Parse(storetest.DSN(t, store.Postgres))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(`ALTER DATABASE ` + strings.TrimPrefix(u.Path, "/") + ` OWNER TO ` + role); err != nil {
			t.Fatal(err)
		}
		u.User = url.User(role) // the test server trusts local connections
		dsns = append(dsns, u.String())
	}
	return dsns
}

// TestPostgresDumpRestore backs a PostgreSQL wiki up and restores it with the commands of
// docs/deploy.md, run by a shell as the guide shows them and as the role that owns the database,
// then serves the restored database and compares it with the original, page by page and row by
// row, and goes on editing it.
func TestPostgresDumpRestore(t *testing.T) {
	requirePostgresTools(t)
	t.Parallel()
	guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, command := range []string{pgDumpCommand, pgRestoreCommand} {
		if !strings.Contains("\n"+string(guide)+"\n", "\n"+command+"\n") {
			t.Fatalf("docs/deploy.md has no line %q: change this test and the guide together", command)
		}
	}
	ctx := context.Background()
	dsns := ownedDatabases(t, 2)
	from, into := dsns[0], dsns[1]

	// A small wiki, entered through the site: accepted edits, credits that make people, a
	// Japanese title for pg_trgm, an edit waiting for review, and sessions.
	orig := startSite(t, openStore(t, from))
	ann := orig.signedIn(t, "ann")
	memories, _ := newWork(t, ann, "Memories", url.Values{"medium": {"film"}, "rating": {"PG-13"}})
	ann.section(orig, memories, "titles", url.Values{"title_language": {"ja"}, "title_kind": {"official"}, "title_text": {"メモリーズ"}, "edit_summary": {"title"}})
	ann.section(orig, memories, "credits", url.Values{"person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"writer"}})
	ann.section(orig, memories, "basics", basics("Three tales of memory", "PG-13", 0))
	akira, _ := newWork(t, ann, "Akira", url.Values{"medium": {"film"}})
	ann.section(orig, akira, "credits", url.Values{"person": {"Katsuhiro Otomo"}, "role": {"Director"}, "edit_summary": {"director"}})
	ann.section(orig, memories, "credits", url.Values{"person": {"Katsuhiro Otomo"}, "role": {"Director"}, "edit_summary": {"director"}})
	newcomer := orig.signedInAs(t, "newcomer", auth.RoleEditor)
	newcomer.section(orig, memories, "basics", basics("A proposal", "R", 0))
	pending := pendingID(t, orig)

	dir := t.TempDir()
	shell := func(command string, env ...string) {
		t.Helper()
		cmd := exec.Command("sh", "-c", command)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", command, err, out)
		}
	}
	shell(pgDumpCommand, "DB="+from)
	dumps, err := filepath.Glob(filepath.Join(dir, "kioku-*.dump"))
	if err != nil || len(dumps) != 1 {
		t.Fatalf("the dump made %v (%v), want one kioku-DATE.dump", dumps, err)
	}
	shell(strings.Replace(pgRestoreCommand, exampleDump, filepath.Base(dumps[0]), 1), "NEW_DB="+into)

	restored := startSite(t, openStore(t, into))
	sumsFrom, err := store.Checksum(ctx, orig.Store)
	if err != nil {
		t.Fatal(err)
	}
	sumsInto, err := store.Checksum(ctx, restored.Store)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sumsFrom, sumsInto); diff != "" {
		t.Errorf("the restored database differs from the original (-original +restored):\n%s", diff)
	}

	// Search runs on pg_trgm, which the dump carries as an extension of the database.
	finds := map[string]string{"/search?q=" + url.QueryEscape("めもりーず"): "Memories", "/search?q=otomo": "Katsuhiro Otomo",
		"/search?q=memoires": "Memories"}
	paths := []string{"/", "/recent-changes", "/leaderboard", fmt.Sprintf("/changes/%d", pending), "/users/ann"}
	for path := range finds {
		paths = append(paths, path)
	}
	rows, err := restored.Store.DB().QueryContext(ctx, `SELECT id FROM entities ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(ids) != 4 {
		t.Errorf("%d entities restored, want 2 works and 2 people", len(ids))
	}
	for _, id := range ids {
		e, err := restored.Store.Entity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, view := range pageViews {
			paths = append(paths, e.Path()+view)
		}
	}
	for _, path := range paths {
		want, err := mainHTML(orig.URL, path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := mainHTML(restored.URL, path)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s differs between the restored site and the original:\n%s\nwant:\n%s", path, got, want)
		}
		if find, ok := finds[path]; ok && !strings.Contains(want, find) {
			t.Errorf("%s does not find %s, so compares little:\n%s", path, find, want)
		}
	}

	// Sessions come back too, and the restored wiki takes new pages: its ids go on from the
	// restored ones.
	again := ann.at(restored)
	if got := text(again.page("/account", http.StatusOK).Find("a.user")); got != "ann" {
		t.Errorf("signed in on the restored site as %q, want ann", got)
	}
	id, path := newWork(t, again, "Perfect Blue", url.Values{"medium": {"film"}})
	if id <= ids[len(ids)-1] {
		t.Errorf("a new work on the restored site got id %d, not past the restored ones (%v)", id, ids)
	}
	if got := text(again.page(path, http.StatusOK).Find("#name")); got != "Perfect Blue" {
		t.Errorf("the new work's page names %q", got)
	}
}
