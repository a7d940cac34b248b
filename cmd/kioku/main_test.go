package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// demoStore returns the path of an SQLite store holding the demo wiki, entered through package
// edit as the site's forms enter edits, and a queued job.
func demoStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := demoOn(t, store.SQLite)
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.EnqueueJob(ctx, "reindex", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCopyCommand(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			if engine == store.Postgres {
				storetest.RequirePostgres(t)
			}
			t.Parallel()
			ctx := context.Background()
			from, to := demoStore(t), storetest.DSN(t, engine)
			src, err := store.Open(ctx, from)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			sums, err := store.Checksum(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			for _, s := range sums {
				rows += s.Rows
			}

			var stdout, stderr bytes.Buffer
			start := time.Now()
			if err := run(ctx, []string{"copy", "--from", from, "--to", to}, nil, &stdout, &stderr); err != nil {
				t.Fatalf("copy: %v\n%s", err, stderr.String())
			}
			t.Logf("kioku copy to %s: %d rows in %v", engine, rows, time.Since(start).Round(time.Millisecond))
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if got, want := lines[len(lines)-1], "copied "+strconv.FormatInt(rows, 10)+" rows; checksums match"; got != want {
				t.Errorf("last line = %q, want %q\n%s", got, want, stdout.String())
			}
			if got, want := len(lines), len(store.Tables())+1; got != want {
				t.Errorf("%d lines of output, want one per table and a summary:\n%s", got, stdout.String())
			}
			if !strings.Contains(stdout.String(), "revisions:") {
				t.Errorf("output names no revisions:\n%s", stdout.String())
			}

			// A second copy into the now filled target is refused.
			stdout.Reset()
			err = run(ctx, []string{"copy", "--from", from, "--to", to}, nil, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("copy into a filled database: err = %v, want one saying it is not empty", err)
			}
		})
	}
}

func TestCopyCommandUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", []string{"copy"}, "both are required"},
		{"no target", []string{"copy", "--from", "a.db"}, "both are required"},
		{"no source", []string{"copy", "--to", "b.db"}, "both are required"},
		{"same database", []string{"copy", "--from", "a.db", "--to", "a.db"}, "same database"},
		{"missing source", []string{"copy", "--from", missing, "--to", filepath.Join(t.TempDir(), "b.db")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error saying %q", tt.args, err, tt.want)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("copy created the missing source %s", missing)
	}
}
