package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kioku/internal/edit"
	"kioku/internal/store"
)

// DumpFormat names the format of a dump's manifest, and DumpVersion its version: a restore
// refuses any other.
const (
	DumpFormat  = "kioku-dump"
	DumpVersion = 1
	dumpFile    = "wiki.jsonl.gz"
	dumpList    = "manifest.json"
)

// Manifest describes a dump: what it holds, and the SHA-256 of its lines (uncompressed), which
// a restore checks before it commits.
type Manifest struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	History   bool           `json:"history"`
	File      string         `json:"file"`
	SHA256    string         `json:"sha256"`
	Counts    map[string]int `json:"counts"`
}

// dumpStore is the dump command: it writes the wiki's content (current documents, or with
// --history every revision) to a new folder as gzip-compressed JSON lines and a manifest.
func dumpStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var history bool
	cfg, dir, err := pathCommand("dump", "usage: kioku dump DIR [--history] [--data DIR] [--database DB] (DIR: a new folder)", args, stderr,
		func(fs *flag.FlagSet) {
			fs.BoolVar(&history, "history", false, "dump every accepted revision, not only the current ones")
		})
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, cfg.DSN(), "dump")
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := Dump(ctx, st, dir, history)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d entities, %d revisions, %d changesets, %d authors\n", dir,
		m.Counts["entities"], m.Counts["revisions"], m.Counts["changesets"], m.Counts["users"])
	return nil
}

// openExisting opens a store that must exist, and migrates it.
func openExisting(ctx context.Context, dsn, what string) (*store.Store, error) {
	if err := storeExists(dsn, what+": the store"); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// storeExists checks, for a command that reads a store, that an SQLite store's file is there:
// store.Open would create a missing one, empty. The error starts with what. A PostgreSQL
// database is not checked; connecting to it says whether it is there.
func storeExists(dsn, what string) error {
	if isPostgres(dsn) {
		return nil
	}
	if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Dump writes a store's dump into dir, which must not exist yet or be empty.
func Dump(ctx context.Context, st *store.Store, dir string, history bool) (Manifest, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Manifest{}, fmt.Errorf("dump: %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("dump: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, dumpFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return Manifest{}, fmt.Errorf("dump: %w", err)
	}
	defer f.Close()
	m := Manifest{Format: DumpFormat, Version: DumpVersion, CreatedAt: time.Now().UTC().Truncate(time.Second),
		History: history, File: dumpFile, Counts: map[string]int{"users": 0, "changesets": 0, "entities": 0, "revisions": 0}}
	buf := bufio.NewWriterSize(f, 1<<16)
	zw := gzip.NewWriter(buf)
	sum := sha256.New()
	enc := json.NewEncoder(io.MultiWriter(zw, sum))
	enc.SetEscapeHTML(false)
	err = st.Dump(ctx, history, func(l store.DumpLine) error {
		m.Counts[lineKind(l)]++
		return enc.Encode(l)
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("dump: %w", err)
	}
	m.SHA256 = hex.EncodeToString(sum.Sum(nil))
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	// The manifest is written last: a folder without one holds no finished dump.
	if err := os.WriteFile(filepath.Join(dir, dumpList), append(data, '\n'), 0o644); err != nil {
		return Manifest{}, fmt.Errorf("dump: %w", err)
	}
	return m, nil
}

func lineKind(l store.DumpLine) string {
	switch {
	case l.User != nil:
		return "users"
	case l.Changeset != nil:
		return "changesets"
	case l.Entity != nil:
		return "entities"
	}
	return "revisions"
}

// restoreStore is the restore command: it loads a dump into an empty store and rebuilds the
// projections.
func restoreStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, dir, err := pathCommand("restore", "usage: kioku restore DIR [--data DIR] [--database DB] (DIR: a dump's folder; the store must be empty)",
		args, stderr, nil)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	m, err := Restore(ctx, st, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s: %d entities, %d revisions, %d changesets, %d authors\n", dir,
		m.Counts["entities"], m.Counts["revisions"], m.Counts["changesets"], m.Counts["users"])
	return nil
}

// Restore loads the dump in dir into an empty store, checking its manifest's format, counts and
// checksum before committing, then rebuilds the projections.
func Restore(ctx context.Context, st *store.Store, dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, dumpList))
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("restore: the manifest: %w", err)
	}
	if m.Format != DumpFormat || m.Version != DumpVersion || filepath.Base(m.File) != m.File || m.File == "" {
		return m, fmt.Errorf("restore: %s is not a dump this version of Kioku reads (format %q, version %d)", dir, m.Format, m.Version)
	}
	f, err := os.Open(filepath.Join(dir, m.File))
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	sum := sha256.New()
	dec := json.NewDecoder(io.TeeReader(zr, sum))
	dec.DisallowUnknownFields()
	next := func() (store.DumpLine, error) {
		var l store.DumpLine
		if err := dec.Decode(&l); err != nil {
			if errors.Is(err, io.EOF) {
				return l, io.EOF
			}
			return l, fmt.Errorf("restore: %w", err)
		}
		return l, nil
	}
	check := func(counts map[string]int) error {
		if got := hex.EncodeToString(sum.Sum(nil)); got != m.SHA256 {
			return fmt.Errorf("restore: the dump's checksum is %s, its manifest says %s: it is damaged", got, m.SHA256)
		}
		for _, k := range []string{"users", "changesets", "entities", "revisions"} {
			if counts[k] != m.Counts[k] {
				return fmt.Errorf("restore: %d %s restored, the manifest says %d", counts[k], k, m.Counts[k])
			}
		}
		return nil
	}
	if _, err := st.Restore(ctx, next, check); err != nil {
		return m, err
	}
	if _, err := (&edit.Service{Store: st}).Reindex(ctx); err != nil {
		return m, fmt.Errorf("restore: rebuild the projections: %w", err)
	}
	return m, nil
}
