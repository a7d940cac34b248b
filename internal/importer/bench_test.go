package importer_test

import (
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// The import benchmarks import whole data sets once per run, whatever b.N: `make bench` runs
// them with -benchtime=1x. Reading the files is timed apart from importing them.

// BenchmarkImport imports each data set alone into a fresh store of each engine and reports
// works per second (revisions, projections and the pages made for people included).
func BenchmarkImport(b *testing.B) {
	for _, source := range []string{dataset.Bangumi, dataset.AniDB, dataset.MADB} {
		for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
			b.Run(source+"/"+string(engine), func(b *testing.B) {
				if engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
					b.Skipf("%s is not set", storetest.EnvPostgres)
				}
				start := time.Now()
				set := readWhole(b, source)
				read := time.Since(start)
				s := storetest.Open(b, engine)
				defer importer.BulkGC()() // as the import command runs
				b.ResetTimer()
				sum, err := (&importer.Importer{Edits: &edit.Service{Store: s}}).Run(context.Background(), set)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(float64(len(set.Works))/sum.Elapsed.Seconds(), "works/s")
				b.ReportMetric(float64(sum.Read)/sum.Elapsed.Seconds(), "records/s")
				b.ReportMetric(sum.Elapsed.Seconds(), "import-s")
				b.ReportMetric(read.Seconds(), "read-s")
			})
		}
	}
}

// BenchmarkImportAll reads and imports the three data sets in turn into one fresh SQLite store,
// as a person setting up a wiki would, and reports the total time and the process's peak memory.
func BenchmarkImportAll(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	im := &importer.Importer{Edits: &edit.Service{Store: s}}
	defer importer.BulkGC()() // as the import command runs
	runtime.GC()
	b.ResetTimer()
	start := time.Now()
	works := 0
	for _, source := range []string{dataset.Bangumi, dataset.AniDB, dataset.MADB} {
		set := readWhole(b, source)
		if _, err := im.Run(context.Background(), set); err != nil {
			b.Fatal(err)
		}
		works += len(set.Works)
	}
	total := time.Since(start)
	b.StopTimer()
	b.ReportMetric(total.Seconds(), "total-s")
	b.ReportMetric(float64(works)/total.Seconds(), "works/s")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
