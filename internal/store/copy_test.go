package store_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// TestCopyCoversEveryTable fails when a migration adds a table that Copy does not copy.
func TestCopyCoversEveryTable(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			s := storetest.Open(t, engine)
			// A full-text index is a virtual table over shadow tables: derived, rebuilt by the
			// triggers of the table it indexes as Copy fills it.
			q := `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
				AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
			if engine == store.Postgres {
				q = `SELECT table_name FROM information_schema.tables
					WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
			}
			rows, err := s.DB().QueryContext(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var present []string
			for rows.Next() {
				var name string
				if err := rows.Scan(&name); err != nil {
					t.Fatal(err)
				}
				if name != "schema_migrations" {
					present = append(present, name)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			copied := store.Tables()
			for _, name := range present {
				if !slices.Contains(copied, name) {
					t.Errorf("table %s is not copied: add it to the tables list in internal/store/copy.go, after the tables it references, and give fill in copy_test.go a row of it", name)
				}
			}
			for _, name := range copied {
				if !slices.Contains(present, name) {
					t.Errorf("the copy lists table %s, which the schema does not have", name)
				}
			}
		})
	}
}

// Times the fill writes directly, with microseconds, to check that they survive exactly.
var (
	claimedAt  = time.Date(2024, 2, 29, 23, 59, 58, 654321000, time.UTC)
	finishedAt = time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC)
)

// filled names what fill made, for the spot checks.
type filled struct {
	work, kon         int64
	approved, pending int64 // changesets
	token             string
}

// fill enters a small wiki into an SQLite store through the real edit path, and a row into every
// other table through store methods or, where there is none, plain SQL.
func fill(t *testing.T, s *store.Store) filled {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	user := func(name, role string) int64 {
		id, err := s.CreateUser(ctx, name, "hash of "+name, role)
		must(err)
		return id
	}
	ann, cy, bo := user("Ann", "admin"), user("Cy", "trusted"), user("Bō", "editor")
	spam := user("Spam", "editor")
	svc := &edit.Service{Store: s}
	var f filled
	var drama int64
	_, err := svc.Apply(ctx, ann, "New film", func(c *edit.Changes) error {
		var err error
		if f.kon, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", NativeName: "今 敏"}); err != nil {
			return err
		}
		if drama, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Drama"}); err != nil {
			return err
		}
		f.work, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm,
			Genres: []wiki.Ref{wiki.Ref(drama)}, Credits: []wiki.Credit{{Key: "k1", Person: wiki.Ref(f.kon), Role: "Writer"}},
			ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "1240"}}})
		return err
	})
	must(err)
	work := &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm, Genres: []wiki.Ref{wiki.Ref(drama)},
		ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "1240"}},
		Credits:     []wiki.Credit{{Key: "k1", Person: wiki.Ref(f.kon), Role: "Writer", Note: "“Magnetic Rose”"}}}
	edits := []struct {
		author int64
		change func(w *wiki.Work)
	}{
		{ann, func(w *wiki.Work) { w.Rating = "PG-13" }},
		{cy, func(w *wiki.Work) {
			w.Releases = []wiki.Release{{Key: "r1", Region: "JP", Language: "ja", Title: "メモリーズ", Date: "1995-12-23"}}
		}},
		{cy, func(w *wiki.Work) { w.Deck = "Three stories, a tab\t, a line\nand \\ “quotes” 🎞." }},
	}
	for i, e := range edits {
		e.change(work)
		_, err := svc.Apply(ctx, e.author, "change", func(c *edit.Changes) error { return c.Update(ctx, f.work, i+1, wiki.Clone(work)) })
		must(err)
	}
	_, err = svc.Apply(ctx, cy, "summary", func(c *edit.Changes) error {
		return c.Update(ctx, f.kon, 1, &wiki.Person{Name: "Satoshi Kon", NativeName: "今 敏", Summary: "Director."})
	})
	must(err)
	// An editor's changesets wait for review: one is approved, one stays in the queue.
	var queued []int64
	for _, rating := range []string{"R", "PG"} {
		w := wiki.Clone(work)
		w.Rating = rating
		res, err := svc.Apply(ctx, bo, "rating", func(c *edit.Changes) error { return c.Update(ctx, f.work, len(edits)+1, w) })
		must(err)
		queued = append(queued, res.Changeset)
	}
	f.approved, f.pending = queued[0], queued[1]
	_, err = svc.Approve(ctx, f.approved, ann)
	must(err)
	must(s.SetLocked(ctx, f.kon, true))

	f.token = "hash of a session token"
	must(s.CreateSession(ctx, f.token, ann, "csrf", time.Now().Add(time.Hour)))
	must(s.SetSetting(ctx, "site.name", "Kioku 記憶"))
	must(s.SetSetting(ctx, "empty", ""))
	_, err = s.EnqueueJob(ctx, "reindex", "", time.Now())
	must(err)
	tok, err := s.CreateAPIToken(ctx, store.APIToken{UserID: ann, Name: "bot", TokenHash: "hash of an API token", Scopes: "read,edit"})
	must(err)
	must(s.TouchAPIToken(ctx, tok, claimedAt))
	_, err = s.AddHits(ctx, "token:1", time.Minute, claimedAt, 1)
	must(err)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO jobs (kind, payload, state, attempts, run_after, claimed_by, claimed_at, finished_at, error, created_at)
			VALUES ('thumbnail', '{"id": 7}', 'done', 1, ?, 'instance-a', ?, ?, '', ?)`,
			[]any{claimedAt.Add(-time.Second), claimedAt, finishedAt, claimedAt.Add(-time.Hour)}},
		{`UPDATE users SET banned_at = ?, ban_reason = 'spam' WHERE id = ?`, []any{finishedAt, spam}},
		{`INSERT INTO watches (user_id, entity_id, created_at) VALUES (?, ?, ?)`, []any{ann, f.work, claimedAt}},
		{`INSERT INTO reader_lists (user_id, name, description, ranked, public, likes, items, created_at, updated_at)
			VALUES (?, 'Best of 1995', 'Films “of the year”', 1, 1, 1, 1, ?, ?)`, []any{cy, claimedAt, finishedAt}},
		{`INSERT INTO reader_list_items (list_id, entity_id, position, note, added_at)
			SELECT id, ?, 1, 'The first one', ? FROM reader_lists`, []any{f.work, claimedAt}},
		{`INSERT INTO reader_list_likes (list_id, user_id, created_at) SELECT id, ?, ? FROM reader_lists`, []any{ann, claimedAt}},
		{`INSERT INTO tracking (user_id, work_id, status, episodes, score, started, finished, updated_at)
			VALUES (?, ?, 'completed', 1, 9, '1996-01', '', ?)`, []any{cy, f.work, finishedAt}},
		{`INSERT INTO score_counts (work_id, score, n) VALUES (?, 9, 1)`, []any{f.work}},
		{`INSERT INTO login_failures (account_key, address, at) VALUES ('ann', '192.0.2.1', ?)`, []any{finishedAt}},
		{`INSERT INTO import_records (source, record, entity_id, version, hash, contribution, updated_at)
			VALUES ('madb', 'M3652', ?, '1.1', 'abc', '{"name": "風の名はアムネジア"}', ?)`, []any{f.work, finishedAt}},
	} {
		_, err := s.DB().ExecContext(ctx, q.sql, q.args...)
		must(err)
	}
	// A picture's bytes, with a NUL and bytes that are not UTF-8, as the work's main image.
	hash := strings.Repeat("ab", 32)
	must(s.Tx(ctx, func(tx *store.Tx) error {
		err := tx.PutImageBlobs(ctx, []store.ImageBlob{
			{Hash: hash, ContentType: "image/png", PixelWidth: 2, PixelHeight: 1, Data: []byte("\x89PNG\r\n\x1a\n\x00\xff\xfe")},
			{Hash: hash, Width: 160, ContentType: "image/jpeg", PixelWidth: 160, PixelHeight: 80, Data: []byte{0xff, 0xd8, 0xff, 0}},
		})
		if err != nil {
			return err
		}
		return tx.ReplaceMainImage(ctx, f.work, &store.MainImage{Hash: hash, Width: 2, Height: 1}, false)
	}))
	return f
}

func checksum(t *testing.T, s *store.Store) map[string]store.TableSum {
	t.Helper()
	sums, err := store.Checksum(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// openEmpty opens a new database that has not been migrated.
func openEmpty(t *testing.T, engine store.Engine) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), storetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func skipWithoutPostgres(t *testing.T, engines ...store.Engine) {
	t.Helper()
	if slices.Contains(engines, store.Postgres) && os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
}

func TestCopyRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		chain []store.Engine // the first store is filled, each next one copied from the one before
	}{
		{"sqlite to sqlite", []store.Engine{store.SQLite, store.SQLite}},
		{"sqlite to postgres to sqlite", []store.Engine{store.SQLite, store.Postgres, store.SQLite}},
		{"sqlite to postgres to postgres", []store.Engine{store.SQLite, store.Postgres, store.Postgres}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			skipWithoutPostgres(t, tt.chain...)
			t.Parallel()
			ctx := context.Background()
			first := storetest.Open(t, store.SQLite)
			f := fill(t, first)
			want := checksum(t, first)
			wantCounts := make(map[string]int64)
			for name, sum := range want {
				if sum.Rows == 0 {
					t.Errorf("fill left table %s empty; give it a row so that the copy of it is tested", name)
				}
				wantCounts[name] = sum.Rows
			}
			stores := []*store.Store{first}
			for _, engine := range tt.chain[1:] {
				from, to := stores[len(stores)-1], openEmpty(t, engine)
				start := time.Now()
				counts, err := store.Copy(ctx, from, to)
				if err != nil {
					t.Fatalf("copy %s to %s: %v", from.Engine(), engine, err)
				}
				t.Logf("copied %s to %s: %d rows in %v", from.Engine(), engine, sumRows(counts), time.Since(start).Round(time.Microsecond))
				if diff := cmp.Diff(wantCounts, counts); diff != "" {
					t.Errorf("copy %s to %s: rows copied (-want +got):\n%s", from.Engine(), engine, diff)
				}
				if diff := cmp.Diff(want, checksum(t, to)); diff != "" {
					t.Errorf("copy %s to %s: checksums (-want +got):\n%s", from.Engine(), engine, diff)
				}
				spotCheck(t, first, to, f)
				stores = append(stores, to)
			}
			for _, s := range stores[1:] {
				if s.Engine() == store.Postgres {
					newRowsFollow(t, s)
				}
			}
		})
	}
}

func sumRows(counts map[string]int64) int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// spotCheck reads the same things from the original store and a copy through store methods.
func spotCheck(t *testing.T, orig, copied *store.Store, f filled) {
	t.Helper()
	ctx := context.Background()
	same := func(what string, read func(s *store.Store) (any, error), opts ...cmp.Option) {
		t.Helper()
		want, err := read(orig)
		if err != nil {
			t.Fatalf("%s in the original: %v", what, err)
		}
		got, err := read(copied)
		if err != nil {
			t.Fatalf("%s in the %s copy: %v", what, copied.Engine(), err)
		}
		if diff := cmp.Diff(want, got, opts...); diff != "" {
			t.Errorf("%s in the %s copy (-want +got):\n%s", what, copied.Engine(), diff)
		}
	}
	same("entity", func(s *store.Store) (any, error) { return s.Entity(ctx, f.work) })
	same("revisions", func(s *store.Store) (any, error) { return s.Revisions(ctx, f.work) })
	e, err := copied.Entity(ctx, f.work)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= e.Head; n++ {
		same("revision", func(s *store.Store) (any, error) {
			r, err := s.Revision(ctx, f.work, n)
			return string(r.Document), err
		})
	}
	same("links", func(s *store.Store) (any, error) { return s.LinksTo(ctx, f.kon, wiki.RelCredit) })
	// CreateSession keeps the nanoseconds of the expiry it is given; SQLite stores them and
	// PostgreSQL, like the checksum, keeps microseconds.
	micro := cmp.Comparer(func(a, b time.Time) bool { return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond)) })
	same("session", func(s *store.Store) (any, error) { return s.SessionByToken(ctx, f.token) }, micro)
	same("setting", func(s *store.Store) (any, error) { return s.Setting(ctx, "site.name") })
	same("proposals", func(s *store.Store) (any, error) { return s.Proposals(ctx, f.pending) })
	same("approved changeset", func(s *store.Store) (any, error) { return s.Changeset(ctx, f.approved) })
	same("locked entity", func(s *store.Store) (any, error) { return s.Entity(ctx, f.kon) })
	same("banned user", func(s *store.Store) (any, error) { return s.UserByName(ctx, "Spam") })

	// Times come back exactly, to the microsecond, and SQLite keeps them as UTC text, whose
	// order is their order in time.
	var claimed, finished time.Time
	err = copied.DB().QueryRowContext(ctx, `SELECT claimed_at, finished_at FROM jobs WHERE kind = 'thumbnail'`).Scan(&claimed, &finished)
	if err != nil {
		t.Fatal(err)
	}
	if !claimed.Equal(claimedAt) || !finished.Equal(finishedAt) {
		t.Errorf("job times = %v, %v; want %v, %v", claimed, finished, claimedAt, finishedAt)
	}
	var n int
	if err := copied.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE claimed_at IS NULL AND finished_at IS NULL`).Scan(&n); err != nil || n != 1 {
		t.Errorf("jobs with NULL times = %d, %v; want 1", n, err)
	}
	if copied.Engine() == store.SQLite {
		var text string
		if err := copied.DB().QueryRowContext(ctx, `SELECT CAST(finished_at AS TEXT) FROM jobs WHERE kind = 'thumbnail'`).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if want := "2024-02-29 23:59:59.123456+00:00"; text != want {
			t.Errorf("finished_at stored as %q, want %q", text, want)
		}
	}
}

// newRowsFollow checks that rows added to a PostgreSQL copy get ids after the copied ones.
func newRowsFollow(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	maxID := func(table string) int64 {
		var id int64
		if err := s.DB().QueryRowContext(ctx, `SELECT MAX(id) FROM `+table).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	users, entities, changesets, jobs := maxID("users"), maxID("entities"), maxID("changesets"), maxID("jobs")
	failures := maxID("login_failures")
	user, err := s.CreateUser(ctx, "Dee", "hash", "admin")
	if err != nil {
		t.Fatalf("new user in the copy: %v", err)
	}
	var entity int64
	res, err := (&edit.Service{Store: s}).Apply(ctx, user, "new", func(c *edit.Changes) error {
		var err error
		entity, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Katsuhiro Otomo"})
		return err
	})
	if err != nil {
		t.Fatalf("new entity in the copy: %v", err)
	}
	job, err := s.EnqueueJob(ctx, "reindex", "", time.Now())
	if err != nil {
		t.Fatalf("new job in the copy: %v", err)
	}
	var failure int64
	if err := s.DB().QueryRowContext(ctx, `INSERT INTO login_failures (account_key, address, at)
		VALUES ('dee', '192.0.2.2', now()) RETURNING id`).Scan(&failure); err != nil {
		t.Fatalf("new login failure in the copy: %v", err)
	}
	for _, c := range []struct {
		table   string
		got, to int64
	}{{"users", user, users}, {"entities", entity, entities}, {"changesets", res.Changeset, changesets}, {"jobs", job, jobs},
		{"login_failures", failure, failures}} {
		if c.got != c.to+1 {
			t.Errorf("new row in %s has id %d, want %d, after the copied ones", c.table, c.got, c.to+1)
		}
	}
}

func TestCopyRefuses(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, from, to *store.Store) // from is filled, to is empty and not migrated
		wantErr error
		wantMsg string
	}{
		{"target has a user", func(t *testing.T, _, to *store.Store) {
			migrate(t, to)
			if _, err := to.CreateUser(context.Background(), "ann", "x", "editor"); err != nil {
				t.Fatal(err)
			}
		}, store.ErrNotEmpty, "users already hold rows"},
		{"target has settings only", func(t *testing.T, _, to *store.Store) {
			migrate(t, to)
			if err := to.SetSetting(context.Background(), "a", "b"); err != nil {
				t.Fatal(err)
			}
		}, store.ErrNotEmpty, "settings already hold rows"},
		{"target is an unmigrated database with rows", func(t *testing.T, _, to *store.Store) {
			if _, err := to.DB().Exec(`CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			if _, err := to.DB().Exec(`INSERT INTO settings VALUES ('a', 'b')`); err != nil {
				t.Fatal(err)
			}
		}, store.ErrNotEmpty, "not empty"},
		{"target at a newer schema", func(t *testing.T, _, to *store.Store) {
			migrate(t, to)
			if _, err := to.DB().Exec(`INSERT INTO schema_migrations (version) VALUES (9999)`); err != nil {
				t.Fatal(err)
			}
		}, store.ErrSchemaMismatch, "migrate the source first"},
		{"source at a newer schema", func(t *testing.T, from, _ *store.Store) {
			if _, err := from.DB().Exec(`INSERT INTO schema_migrations (version) VALUES (9999)`); err != nil {
				t.Fatal(err)
			}
		}, store.ErrSchemaMismatch, "copy with a newer kioku"},
	}
	for _, engine := range storetest.Engines() {
		for _, tt := range tests {
			t.Run(string(engine)+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				from, to := storetest.Open(t, store.SQLite), openEmpty(t, engine)
				fill(t, from)
				tt.setup(t, from, to)
				before, beforeTables := checksum(t, from), dump(t, to)
				_, err := store.Copy(ctx, from, to)
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("copy: err = %v, want %v saying %q", err, tt.wantErr, tt.wantMsg)
				}
				if diff := cmp.Diff(before, checksum(t, from)); diff != "" {
					t.Errorf("the source changed (-before +after):\n%s", diff)
				}
				// A migrated target stays as it was; an unmigrated one is left unmigrated.
				if diff := cmp.Diff(beforeTables, dump(t, to)); diff != "" {
					t.Errorf("the target changed (-before +after):\n%s", diff)
				}
			})
		}
	}
}

func migrate(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// dump fingerprints a database that may not be migrated: its checksums if it is, else which
// migration-log table it lacks.
func dump(t *testing.T, s *store.Store) any {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return "not migrated"
	}
	var versions []int
	rows, err := s.DB().Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	return struct {
		Versions []int
		Sums     map[string]store.TableSum
	}{versions, checksum(t, s)}
}

// TestCopyRollsBack checks that a copy failing part way leaves the target without a row: here
// on a text PostgreSQL cannot hold, which SQLite took.
func TestCopyRollsBack(t *testing.T) {
	skipWithoutPostgres(t, store.Postgres)
	t.Parallel()
	ctx := context.Background()
	from, to := storetest.Open(t, store.SQLite), openEmpty(t, store.Postgres)
	fill(t, from)
	if err := from.SetSetting(ctx, "zero", "a\x00b"); err != nil {
		t.Fatal(err)
	}
	_, err := store.Copy(ctx, from, to)
	if err == nil || !strings.Contains(err.Error(), "copy settings") {
		t.Fatalf("copy of a NUL character into PostgreSQL: err = %v, want a failure on settings", err)
	}
	for name, sum := range checksum(t, to) {
		if sum.Rows != 0 {
			t.Errorf("after the failed copy the target's %s holds %d rows, want none", name, sum.Rows)
		}
	}
}
