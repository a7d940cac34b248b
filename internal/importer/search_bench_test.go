package importer_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/search"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// BenchmarkSearch imports the three data sets whole into SQLite (and copies the wiki into
// PostgreSQL when one is configured), then asks every query of the search quality set through
// HTTP, as the results page and as the suggestions of the search box (the first half of the
// query, as typed so far), and fetches a work page by id as many times: the baseline of the
// ratios. It reports p50 and p99 in milliseconds, their ratios to the work page's, the index's
// size and the time to rebuild every projection (the search index among them). Runs once,
// whatever b.N: `make bench` gives -benchtime=1x.
func BenchmarkSearch(b *testing.B) {
	if raceEnabled {
		b.Skip("too slow under the race detector")
	}
	ctx := context.Background()
	s := storetest.Open(b, store.SQLite)
	im := &importer.Importer{Edits: &edit.Service{Store: s}}
	for _, source := range []string{dataset.Bangumi, dataset.AniDB, dataset.MADB} {
		if _, err := im.Run(ctx, readWhole(b, source)); err != nil {
			b.Fatal(err)
		}
	}
	cases := qualitySet(loadQualityData(b, s))
	start := time.Now()
	if _, err := (&edit.Service{Store: s}).Reindex(ctx); err != nil {
		b.Fatal(err)
	}
	reindex := time.Since(start)

	b.Run("sqlite", func(b *testing.B) {
		var bytes float64
		if err := s.DB().QueryRowContext(ctx, `SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'`).Scan(&bytes); err != nil {
			b.Logf("index size: %v", err)
		}
		searchLatency(b, s, cases)
		b.ReportMetric(bytes/(1<<20), "index-MiB")
		b.ReportMetric(reindex.Seconds(), "reindex-s")
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			b.Skipf("%s is not set", storetest.EnvPostgres)
		}
		pg := storetest.Open(b, store.Postgres)
		if _, err := store.Copy(ctx, s, pg); err != nil {
			b.Fatal(err)
		}
		if _, err := pg.DB().ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
		var bytes float64
		if err := pg.DB().QueryRowContext(ctx, `SELECT pg_total_relation_size('search_terms')`).Scan(&bytes); err != nil {
			b.Fatal(err)
		}
		searchLatency(b, pg, cases)
		b.ReportMetric(bytes/(1<<20), "index-MiB")
	})
}

// searchLatency serves st and times the quality set's queries against a work page.
func searchLatency(b *testing.B, st *store.Store, cases []searchCase) {
	ctx := context.Background()
	in, err := server.NewInstance(st, slog.New(slog.NewTextHandler(io.Discard, nil)),
		web.Settings{Password: auth.Params{Time: 1, Memory: 1024, Threads: 1}})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { in.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	srv := httptest.NewServer(in.Handler)
	defer srv.Close()
	work, err := st.Entity(ctx, cases[0].want)
	if err != nil {
		b.Fatal(err)
	}
	get := func(path string) time.Duration {
		start := time.Now()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return time.Since(start)
	}
	get(work.Path()) // rendered once, then served from the page cache as readers get it
	// A server that has been up a while: its connections, statements and samples are warm, from
	// searches for other works than the set's.
	for _, q := range warmUp(b, st, cases, 200) {
		get("/search?list=1&q=" + url.QueryEscape(q))
		get("/api/v1/search?limit=8&q=" + url.QueryEscape(q))
	}
	time.Sleep(time.Second) // for what the first searches started in the background
	var page, results, suggest []time.Duration
	b.ResetTimer()
	for _, c := range cases {
		page = append(page, get(work.Path()))
		results = append(results, get("/search?list=1&q="+url.QueryEscape(c.query)))
		typed := []rune(c.query)
		typed = typed[:min(len(typed), max(2, len(typed)/2))]
		suggest = append(suggest, get("/api/v1/search?limit=8&q="+url.QueryEscape(string(typed))))
	}
	b.StopTimer()
	// The slowest searches, which make the tail, named for whoever works on it.
	order := make([]int, len(cases))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return int(results[j] - results[i]) })
	for _, i := range order[:min(len(order), 5)] {
		b.Logf("slow search: %q took %v", cases[i].query, results[i])
	}
	found := 0
	for _, c := range cases {
		res, err := search.Search(ctx, st, search.Query{Text: c.query, Kinds: []wiki.Kind{wiki.KindWork}, Limit: 3})
		if err != nil {
			b.Fatal(err)
		}
		if rankOf(res.Results, c.want) > 0 {
			found++
		}
	}
	b.ReportMetric(float64(found)/float64(len(cases)), "recall@3")
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	p := func(list []time.Duration, q float64) time.Duration {
		slices.Sort(list)
		return list[min(len(list)-1, int(q*float64(len(list))))]
	}
	for _, m := range []struct {
		name string
		list []time.Duration
	}{{"search", results}, {"suggest", suggest}, {"page", page}} {
		b.ReportMetric(ms(p(m.list, 0.50)), m.name+"-p50-ms")
		b.ReportMetric(ms(p(m.list, 0.99)), m.name+"-p99-ms")
	}
	b.ReportMetric(float64(p(results, 0.50))/float64(p(page, 0.50)), "search/page-p50")
	b.ReportMetric(float64(p(results, 0.99))/float64(p(page, 0.99)), "search/page-p99")
	b.ReportMetric(float64(p(suggest, 0.99))/float64(p(page, 0.99)), "suggest/page-p99")
}

// warmUp picks n names of works that no query of the set looks for, the same at every run.
func warmUp(b *testing.B, st *store.Store, cases []searchCase, n int) []string {
	names, err := st.NamesOfKind(context.Background(), wiki.KindWork)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		delete(names, c.want)
	}
	ids := slices.Sorted(maps.Keys(names))
	r := rand.New(rand.NewPCG(9, 9))
	var out []string
	for range min(n, len(ids)) {
		out = append(out, names[ids[r.IntN(len(ids))]])
	}
	return out
}
