package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"kioku/internal/store"
)

// backupStore is the backup command: it writes a consistent copy of a live SQLite store to a
// new file, while a server may go on writing to the store. It neither migrates the store nor
// creates it: a backup taken by a newer binary must not change the schema under an older
// server.
func backupStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, target, err := pathCommand("backup", "usage: kioku backup PATH [--data DIR] [--database DB] (PATH: a new file)", args, stderr, nil)
	if err != nil {
		return err
	}
	dsn := cfg.DSN()
	if err := storeExists(dsn, "backup: the store"); err != nil {
		return err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, target); err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", target, byteSize(info.Size()))
	return nil
}

// byteSize writes a file size for people: bytes exactly, with the size in KiB, MiB or GiB
// beside them from a KiB up.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	size, prefix := float64(n)/unit, "KiB"
	for _, p := range []string{"MiB", "GiB", "TiB"} {
		if size < unit {
			break
		}
		size, prefix = size/unit, p
	}
	return fmt.Sprintf("%.1f %s, %d bytes", size, prefix, n)
}
