package main

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/edit"
	"kioku/internal/storetest"
)

// BenchmarkDumpRestore dumps the demo wiki with its slice of real data, with every revision,
// and restores it into a new store, on each engine. A round takes a second or more, so at most
// three are made whatever the benchmark time asks; it reports the milliseconds of a dump and of
// a restore (with rebuilding the projections) and the revisions restored per second.
func BenchmarkDumpRestore(b *testing.B) {
	ctx := context.Background()
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			src := storetest.Open(b, engine)
			edits := &edit.Service{Store: src}
			if _, err := demo.Load(ctx, edits, auth.Params{Time: 1, Memory: 1024, Threads: 1}); err != nil {
				b.Fatal(err)
			}
			if err := demo.LoadSlice(ctx, edits); err != nil {
				b.Fatal(err)
			}
			var dumpTime, restoreTime time.Duration
			revisions, rounds := 0, min(b.N, 3)
			b.ResetTimer()
			for i := range rounds {
				dir := filepath.Join(b.TempDir(), "dump"+strconv.Itoa(i))
				t0 := time.Now()
				m, err := Dump(ctx, src, dir, true)
				if err != nil {
					b.Fatal(err)
				}
				dumpTime += time.Since(t0)
				dst := storetest.Open(b, engine)
				t0 = time.Now()
				if _, err := Restore(ctx, dst, dir); err != nil {
					b.Fatal(err)
				}
				restoreTime += time.Since(t0)
				revisions = m.Counts["revisions"]
				dst.Close()
			}
			b.ReportMetric(float64(dumpTime.Milliseconds())/float64(rounds), "dump-ms")
			b.ReportMetric(float64(restoreTime.Milliseconds())/float64(rounds), "restore-ms")
			b.ReportMetric(float64(revisions)*float64(rounds)/restoreTime.Seconds(), "revisions-restored/s")
			b.ReportMetric(float64(revisions), "revisions")
		})
	}
}
