package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"kioku/internal/demo"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// BenchmarkAPI measures, over loopback HTTP on the demo data (with its slice of real data), the API's answer for Memories
// and a list page of 100 works, each as a share of the HTML page of Memories in the same run
// (which anonymous readers get from the page cache): "detail-ratio" and "list-ratio" are the
// API's requests per second over the page's. "list-documents" is a page of 100 works with
// their credits, for which the documents are read. Both the page and the API's answers are kept
// until the next accepted edit; the "-cold" figures are of requests made one at a time, each
// after retiring them, as the first request after an edit is.
func BenchmarkAPI(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b, store.SQLite)
	app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Settings{Password: cheap, APIReads: 1 << 30, APIWrites: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Load(ctx, app.Edits(), cheap); err != nil {
		b.Fatal(err)
	}
	// The slice of real data gives the list its hundred works.
	if err := demo.LoadSlice(ctx, app.Edits()); err != nil {
		b.Fatal(err)
	}
	works, err := st.EntitiesByName(ctx, wiki.KindWork, "Memories")
	if err != nil || len(works) != 1 {
		b.Fatalf("Memories: %v", err)
	}
	srv := httptest.NewServer(server.Routes(app))
	defer srv.Close()
	urls := map[string]string{
		"page":           srv.URL + works[0].Path(),
		"detail":         fmt.Sprintf("%s/api/v1/works/%d", srv.URL, works[0].ID),
		"list":           srv.URL + "/api/v1/works?limit=100&sort=name",
		"list-documents": srv.URL + "/api/v1/works?limit=100&sort=name&fields=name,credits",
	}
	order := []string{"page", "detail", "list", "list-documents"}
	sizes := map[string]int{}
	for _, name := range order {
		res, err := http.Get(urls[name])
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(body) < 1000 {
			b.Fatalf("%s: %d, %d bytes", name, res.StatusCode, len(body))
		}
		sizes[name] = len(body)
	}

	// Measured in turns, a tenth of the requests at a time, so that a busy neighbour slows
	// all alike and the ratios stay fair.
	b.ResetTimer()
	seconds, cold := map[string]float64{}, map[string]float64{}
	const turns = 10
	n := max(b.N/turns, 1)
	nCold := max(n/10, 1)
	for range turns {
		for _, name := range order {
			seconds[name] += load(b, urls[name], n)
			cold[name] += loadCold(b, app, urls[name], nCold)
		}
	}
	b.StopTimer()
	rate := func(name string) float64 { return turns * float64(n) / seconds[name] }
	coldRate := func(name string) float64 { return turns * float64(nCold) / cold[name] }
	b.ReportMetric(rate("page"), "page-req/s")
	b.ReportMetric(coldRate("page"), "page-cold-req/s")
	for _, name := range order[1:] {
		b.ReportMetric(rate(name), name+"-req/s")
		b.ReportMetric(rate(name)/rate("page"), name+"-ratio")
		b.ReportMetric(coldRate(name)/coldRate("page"), name+"-cold-ratio")
		b.ReportMetric(float64(sizes[name]), name+"-bytes")
	}
}

// loadCold makes n requests for u one after another, each after retiring every cached page and
// answer (as an accepted edit does), and returns the seconds they took.
func loadCold(b *testing.B, app *web.App, u string, n int) float64 {
	var took time.Duration
	for range n {
		app.Invalidate()
		start := time.Now()
		res, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		took += time.Since(start)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", u, res.StatusCode)
		}
	}
	return took.Seconds()
}

// load makes n requests for u from eight clients at once and returns the seconds they took.
func load(b *testing.B, u string, n int) float64 {
	const workers = 8
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range next {
				res, err := client.Get(u)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("GET %s: %d", u, res.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start).Seconds()
}
