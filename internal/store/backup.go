package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupEngine is what Backup returns for a PostgreSQL store, which PostgreSQL's own tools
// back up.
var ErrBackupEngine = errors.New("store: backup copies SQLite stores only; back PostgreSQL up with pg_dump: see docs/deploy.md")

// Backup writes a consistent copy of an SQLite store to path, while other connections and
// processes go on reading and writing it. The copy is the store as it was when the backup
// began: every transaction committed before then and none after. It is itself a complete
// store, which Open serves as it is.
//
// Backup refuses to overwrite anything: a path that exists is an error matching fs.ErrExist.
// It creates the folder of path when missing, and path never holds a partial copy: the copy is
// written beside it under a temporary name and linked into place when complete. The file is
// readable by its owner only, since it holds password hashes and sessions.
//
// Everything a store holds is in its database, uploaded images too (table image_blobs), so the
// copy is complete. A PostgreSQL store returns ErrBackupEngine.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return ErrBackupEngine
	}
	if path == "" {
		return errors.New("store: backup: no file named")
	}
	if err := refuseExisting(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// VACUUM INTO writes into a missing or empty file, so the empty temporary file it is given
	// keeps the permissions CreateTemp gave it (0600).
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	partial := tmp.Name()
	tmp.Close()
	// After the link below the copy has two names; removing the temporary one leaves the other.
	defer os.Remove(partial)

	// VACUUM INTO reads the whole store in one read transaction, which in WAL mode neither
	// waits for writers nor holds them up, and writes a compact copy of what it read. It takes
	// no place in the writer queue (s.writer): it writes nothing to this store.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncPath(partial); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Link(partial, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s appeared while the backup ran: %w", path, fs.ErrExist)
		}
		// Some file systems (FAT on a removable drive, some network shares) have no hard links:
		// rename instead, which would replace a file of that name made in the last instant.
		if err := refuseExisting(path); err != nil {
			return err
		}
		if err := os.Rename(partial, path); err != nil {
			return fmt.Errorf("store: backup: %w", err)
		}
	}
	// The new name is durable once the folder is synced: best effort, since not every system
	// can sync a folder, and the copy itself is synced already.
	_ = syncPath(dir)
	return nil
}

// refuseExisting returns an error matching fs.ErrExist when path names anything, even a broken
// symbolic link.
func refuseExisting(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("store: backup: %s already exists; name a new file: %w", path, fs.ErrExist)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("store: backup: %w", err)
	}
}

// syncPath flushes a file or folder to stable storage.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
