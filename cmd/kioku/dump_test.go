package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// dumpLines reads a dump's lines, uncompressed.
func dumpLines(t *testing.T, dir string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, dumpFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDumpRestoreRoundTrip dumps the demo wiki from each engine, with and without history,
// restores each dump into a new store of each engine, and dumps that: the two dumps are the
// same, line for line, and the restored wiki has the same projections.
func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	projections := `SELECT (SELECT COUNT(*) FROM links) * 1000000 + (SELECT COUNT(*) FROM works) * 1000 + (SELECT COUNT(*) FROM external_ids)`
	for _, from := range storetest.Engines() {
		t.Run(string(from), func(t *testing.T) {
			src := demoOn(t, from)
			for _, history := range []bool{false, true} {
				dir := filepath.Join(t.TempDir(), "dump")
				args := []string{"dump", dir, "--database", src}
				if history {
					args = append(args, "--history")
				}
				var stdout, stderr bytes.Buffer
				if err := run(ctx, args, nil, &stdout, &stderr); err != nil {
					t.Fatalf("dump: %v\n%s", err, stderr.String())
				}
				if !strings.HasPrefix(stdout.String(), "wrote "+dir+": ") {
					t.Errorf("dump printed %q", stdout.String())
				}
				var m Manifest
				data, _ := os.ReadFile(filepath.Join(dir, dumpList))
				if err := json.Unmarshal(data, &m); err != nil || m.Format != DumpFormat || m.History != history || m.Counts["entities"] == 0 {
					t.Fatalf("manifest %s (%v)", data, err)
				}
				revisions := count(t, src, `SELECT COUNT(*) FROM revisions`)
				if history && m.Counts["revisions"] != revisions || !history && m.Counts["revisions"] != m.Counts["entities"] {
					t.Errorf("history %v: %d revisions dumped, %d in the store, %d entities", history, m.Counts["revisions"], revisions, m.Counts["entities"])
				}
				want := dumpLines(t, dir)
				for _, to := range storetest.Engines() {
					dst := storetest.DSN(t, to)
					stdout.Reset()
					if err := run(ctx, []string{"restore", dir, "--database", dst}, nil, &stdout, &stderr); err != nil {
						t.Fatalf("restore into %s: %v\n%s", to, err, stderr.String())
					}
					again := filepath.Join(t.TempDir(), "again")
					args := []string{"dump", again, "--database", dst}
					if history {
						args = append(args, "--history")
					}
					if err := run(ctx, args, nil, &stdout, &stderr); err != nil {
						t.Fatalf("dump of the restored %s: %v", to, err)
					}
					if got := dumpLines(t, again); !bytes.Equal(got, want) {
						t.Errorf("history %v, %s to %s: the dump of the restored wiki differs (%d bytes, want %d)", history, from, to, len(got), len(want))
					}
					if history {
						if got, want := count(t, dst, projections), count(t, src, projections); got != want {
							t.Errorf("%s to %s: projections %d, want %d", from, to, got, want)
						}
					}
					// A store that holds a wiki is not restored into.
					err := run(ctx, []string{"restore", dir, "--database", dst}, nil, &stdout, &stderr)
					if !errors.Is(err, store.ErrNotEmptyWiki) {
						t.Errorf("restore into a filled store: %v", err)
					}
				}
			}
		})
	}
}

// TestRestoreRefusesDamage changes a dump's manifest: the restore fails and leaves the store
// empty.
func TestRestoreRefusesDamage(t *testing.T) {
	ctx := context.Background()
	src := demoOn(t, store.SQLite)
	dir := filepath.Join(t.TempDir(), "dump")
	if err := run(ctx, []string{"dump", dir, "--database", src}, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, dumpList)
	data, _ := os.ReadFile(path)
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, want string
		change     func(m *Manifest)
	}{
		{"checksum", "damaged", func(m *Manifest) { m.SHA256 = strings.Repeat("0", 64) }},
		{"count", "the manifest says", func(m *Manifest) { m.Counts["entities"]++ }},
	} {
		changed := m
		changed.Counts = maps.Clone(m.Counts)
		tt.change(&changed)
		data, _ := json.Marshal(changed)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		dst := storetest.DSN(t, store.SQLite)
		err := run(ctx, []string{"restore", dir, "--database", dst}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("restore of a dump whose %s is wrong: %v, want %q", tt.name, err, tt.want)
		}
		if n := count(t, dst, `SELECT COUNT(*) FROM entities`); n != 0 {
			t.Errorf("a restore refused for its %s left %d entities", tt.name, n)
		}
	}
	if err := run(ctx, []string{"dump", filepath.Join(t.TempDir(), "x"), "--database", filepath.Join(t.TempDir(), "missing.db")}, nil, io.Discard, io.Discard); err == nil {
		t.Error("a dump of a missing store succeeded")
	}
}
