package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
)

// slice holds the demo's slice of the real data sets, written by ./slice from the full ones,
// with their licence notes.
//
//go:embed data/bangumi-data.json.gz data/madb.json.gz data/LICENSE.md
var slice embed.FS

// settingSlice records that the slice was imported, so that a restart does not import it again.
const settingSlice = "demo.slice"

// LoadSlice imports the slice of real data once per store: bangumi-data first, then the Media
// Arts Database, whose records join the pages of the same works, Memories among them.
func LoadSlice(ctx context.Context, edits *edit.Service) error {
	if _, err := edits.Store.Setting(ctx, settingSlice); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := importSlice(ctx, edits); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return edits.Store.SetSetting(ctx, settingSlice, "1")
}

func importSlice(ctx context.Context, edits *edit.Service) error {
	dir, err := os.MkdirTemp("", "kioku-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	im := &importer.Importer{Edits: edits}
	for _, name := range []string{"bangumi-data.json.gz", "madb.json.gz"} {
		data, err := slice.ReadFile("data/" + name)
		if err != nil {
			return err
		}
		// The readers read files, as `kioku import` does.
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return err
		}
		var set *dataset.Set
		if bytes.HasPrefix([]byte(name), []byte("bangumi")) {
			set, err = dataset.ReadBangumi(path)
		} else {
			set, err = dataset.ReadMADB(path)
		}
		if err != nil {
			return fmt.Errorf("slice %s: %w", name, err)
		}
		if _, err := im.Run(ctx, set); err != nil {
			return fmt.Errorf("slice %s: %w", name, err)
		}
	}
	return nil
}
