package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// dataDir is where the real data sets are, beside the project.
var dataDir = filepath.Join("..", "..", "..", "shared", "data")

// BenchmarkDumpRestoreWhole imports the three data sets whole into a SQLite wiki, as
// BenchmarkImportAll does (not timed), then dumps it with every revision and restores the dump
// into a new store of each engine under test, once whatever b.N (`make bench` runs it with
// -benchtime=1x). It reports the seconds of the dump and of each restore (projections rebuilt
// included), the dump's size, and what it holds; the current-only dump is timed too. A dump of
// the restored SQLite wiki must equal the first.
func BenchmarkDumpRestoreWhole(b *testing.B) {
	ctx := context.Background()
	sets := []struct {
		name string
		read func(string) (*dataset.Set, error)
		path string
	}{
		{dataset.Bangumi, dataset.ReadBangumi, filepath.Join(dataDir, "bangumi-data", "data.json")},
		{dataset.AniDB, dataset.ReadAniDB, filepath.Join(dataDir, "anidb-titles", "anime-titles.dat.gz")},
		{dataset.MADB, func(p string) (*dataset.Set, error) { return dataset.ReadMADB(p) }, filepath.Join(dataDir, "madb-anime")},
	}
	src := storetest.Open(b, store.SQLite)
	im := &importer.Importer{Edits: &edit.Service{Store: src}}
	restoreGC := importer.BulkGC() // as the import command runs
	for _, s := range sets {
		if _, err := os.Stat(s.path); err != nil {
			b.Skipf("data set not here: %v", err)
		}
		set, err := s.read(s.path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := im.Run(ctx, set); err != nil {
			b.Fatalf("import %s: %v", s.name, err)
		}
	}
	restoreGC()
	b.ResetTimer()

	dir := b.TempDir()
	t0 := time.Now()
	current, err := Dump(ctx, src, filepath.Join(dir, "current"), false)
	if err != nil {
		b.Fatal(err)
	}
	currentTime := time.Since(t0)
	t0 = time.Now()
	m, err := Dump(ctx, src, filepath.Join(dir, "history"), true)
	if err != nil {
		b.Fatal(err)
	}
	dumpTime := time.Since(t0)
	b.ReportMetric(currentTime.Seconds(), "dump-current-s")
	b.ReportMetric(fileMiB(b, filepath.Join(dir, "current", current.File)), "dump-current-MiB")
	b.ReportMetric(dumpTime.Seconds(), "dump-s")
	b.ReportMetric(fileMiB(b, filepath.Join(dir, "history", m.File)), "dump-MiB")
	b.ReportMetric(float64(m.Counts["revisions"]), "revisions")
	b.ReportMetric(float64(m.Counts["entities"]), "entities")

	for _, engine := range storetest.Engines() {
		dst := storetest.Open(b, engine)
		t0 = time.Now()
		if _, err := Restore(ctx, dst, filepath.Join(dir, "history")); err != nil {
			b.Fatalf("restore into %s: %v", engine, err)
		}
		took := time.Since(t0)
		b.ReportMetric(took.Seconds(), "restore-"+string(engine)+"-s")
		b.ReportMetric(float64(m.Counts["revisions"])/took.Seconds(), "revisions-restored/s-"+string(engine))
		if engine == store.SQLite {
			b.StopTimer()
			again, err := Dump(ctx, dst, filepath.Join(dir, "again"), true)
			if err != nil {
				b.Fatal(err)
			}
			if again.SHA256 != m.SHA256 || again.Counts["revisions"] != m.Counts["revisions"] {
				b.Errorf("a dump of the restored wiki differs: %v, first %v", again.Counts, m.Counts)
			}
			b.StartTimer()
		}
		dst.Close()
	}
}

// fileMiB is the size of a file in MiB.
func fileMiB(b *testing.B, path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return float64(fi.Size()) / (1 << 20)
}
