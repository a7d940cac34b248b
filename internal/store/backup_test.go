package store_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// TestBackup checks that a backup holds every row of every table, is a sound SQLite file that
// opens as a store, and leaves nothing else behind.
func TestBackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	f := fill(t, src)
	dir := filepath.Join(t.TempDir(), "backups", "nightly") // made by Backup
	path := filepath.Join(dir, "kioku.db")
	if err := src.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"kioku.db"}, names); diff != "" {
		t.Errorf("files in the backup folder (-want +got):\n%s", diff)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); runtime.GOOS != "windows" && mode != 0o600 {
		t.Errorf("backup file mode = %v, want -rw------- (it holds password hashes)", mode)
	}

	dst, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var check string
	if err := dst.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the backup = %q, %v; want ok", check, err)
	}
	if diff := cmp.Diff(checksum(t, src), checksum(t, dst)); diff != "" {
		t.Errorf("checksums of source and backup differ (-source +backup):\n%s", diff)
	}
	// The backup is a store at the source's schema version: migrating it changes nothing.
	if err := dst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Entity(ctx, f.work); err != nil {
		t.Errorf("the work is not in the backup: %v", err)
	}
}

// TestBackupRefusesExistingFiles checks that Backup never overwrites: not a store, not an empty
// file, not a symbolic link, not the store it backs up.
func TestBackupRefusesExistingFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	src, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dangling := filepath.Join(dir, "dangling.db")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, content string
	}{
		{"a file", write("old.db", "an older backup"), "an older backup"},
		{"an empty file", write("empty.db", ""), ""},
		{"a dangling symbolic link", dangling, ""},
		{"the store itself", dsn, ""},
		{"a folder", dir, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.Lstat(tt.path)
			err := src.Backup(ctx, tt.path)
			if !errors.Is(err, fs.ErrExist) {
				t.Fatalf("Backup(%s) = %v, want an error matching fs.ErrExist", tt.path, err)
			}
			after, _ := os.Lstat(tt.path)
			if before.Size() != after.Size() || before.ModTime() != after.ModTime() || before.Mode() != after.Mode() {
				t.Errorf("Backup changed %s although it refused", tt.path)
			}
		})
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Backup wrote through the dangling link: %v", err)
	}
}

// TestBackupCanceled checks that a backup stopped by its context leaves no file.
func TestBackupCanceled(t *testing.T) {
	t.Parallel()
	src := storetest.Open(t, store.SQLite)
	fill(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if err := src.Backup(ctx, filepath.Join(dir, "kioku.db")); err == nil {
		t.Fatal("a backup with a canceled context succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a canceled backup left %d files behind", len(entries))
	}
}

// TestBackupPostgres checks that a PostgreSQL store points to pg_dump.
func TestBackupPostgres(t *testing.T) {
	skipWithoutPostgres(t, store.Postgres)
	t.Parallel()
	s := storetest.Open(t, store.Postgres)
	path := filepath.Join(t.TempDir(), "kioku.db")
	if err := s.Backup(context.Background(), path); !errors.Is(err, store.ErrBackupEngine) {
		t.Fatalf("Backup of a PostgreSQL store = %v, want ErrBackupEngine", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Backup of a PostgreSQL store made a file: %v", err)
	}
}
