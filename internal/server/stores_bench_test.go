package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kioku/internal/demo"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// BenchmarkStores compares the engines and the number of instances in one run: the Memories
// page read anonymously (served from the page cache) and signed in (rendered from the store on
// every request, after a session lookup), and accepted edits per second from eight editors
// adding credits to the same work at once. Each figure is reported for SQLite, for PostgreSQL,
// and for two PostgreSQL instances with requests spread over both, with ratios to SQLite and to
// one instance. The PostgreSQL half needs KIOKU_TEST_POSTGRES.
func BenchmarkStores(b *testing.B) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		b.Skipf("comparing the stores needs PostgreSQL; set %s", storetest.EnvPostgres)
	}
	n := max(b.N, 200)
	measure := func(sites []*site) (cached, rendered, edits float64) {
		path, cookie := prepare(b, sites[0])
		urls := make([]string, len(sites))
		for i, s := range sites {
			urls[i] = s.URL + path
		}
		cached = loadAll(b, urls, n, "")
		rendered = loadAll(b, urls, n, cookie)
		edits = editLoad(b, sites, path, n/4)
		return
	}

	b.ResetTimer()
	sqCached, sqRendered, sqEdits := measure([]*site{newSite(b, store.SQLite)})
	pgCached, pgRendered, pgEdits := measure([]*site{newSite(b, store.Postgres)})
	dsn := storetest.DSN(b, store.Postgres)
	two := []*site{startSite(b, openStore(b, dsn)), startSite(b, openStore(b, dsn))}
	twoCached, twoRendered, twoEdits := measure(two)
	b.StopTimer()

	for _, m := range []struct {
		name  string
		value float64
	}{
		{"sqlite-cached-page/s", sqCached}, {"sqlite-rendered-page/s", sqRendered}, {"sqlite-edits/s", sqEdits},
		{"pg-cached-page/s", pgCached}, {"pg-rendered-page/s", pgRendered}, {"pg-edits/s", pgEdits},
		{"pg2-cached-page/s", twoCached}, {"pg2-rendered-page/s", twoRendered}, {"pg2-edits/s", twoEdits},
		{"pg/sqlite-rendered", pgRendered / sqRendered}, {"pg/sqlite-edits", pgEdits / sqEdits},
		{"pg2/pg-rendered", twoRendered / pgRendered}, {"pg2/pg-edits", twoEdits / pgEdits},
	} {
		b.ReportMetric(m.value, m.name)
	}
}

// prepare loads the Memories demo into the site's store and returns the work's path and the
// session cookie of a signed-in reader.
func prepare(b *testing.B, s *site) (path, cookie string) {
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.Instance.App.Edits(), cheap); err != nil {
		b.Fatal(err)
	}
	works, err := s.Store.EntitiesByName(ctx, wiki.KindWork, "Memories")
	if err != nil || len(works) != 1 {
		b.Fatalf("Memories: %v", err)
	}
	reader := s.signedIn(b, "reader")
	u, _ := url.Parse(s.URL)
	for _, c := range reader.http.Jar.Cookies(u) {
		cookie = c.Name + "=" + c.Value
	}
	return works[0].Path(), cookie
}

// loadAll sends n GET requests, spread over urls in turn, from 8 keep-alive connections at once,
// with the cookie if one is given, and returns requests per second.
func loadAll(b *testing.B, urls []string, n int, cookie string) float64 {
	const workers = 8
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	next := make(chan string, n)
	for i := range n {
		next <- urls[i%len(urls)]
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for u := range next {
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				res, err := client.Do(req)
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
	return float64(n) / time.Since(start).Seconds()
}

// editLoad has eight editors, each on its own connection and spread over the sites, add n
// credits in all to the work at path, and returns accepted edits per second. Every edit must be
// accepted: they touch different credits, so a stale base merges.
func editLoad(b *testing.B, sites []*site, path string, n int) float64 {
	const editors = 8
	id, _, err := wiki.ParseRef(path[strings.LastIndex(path, "/")+1:])
	if err != nil {
		b.Fatal(err)
	}
	clients := make([]*client, editors)
	for i := range clients {
		s := sites[i%len(sites)]
		clients[i] = s.signedIn(b, fmt.Sprintf("editor-%d-%d", i, time.Now().UnixNano()))
	}
	var accepted, refused sync.Map
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range clients {
		s := sites[i%len(sites)]
		wg.Go(func() {
			for j := i; j < n; j += editors {
				e, err := s.Store.Entity(context.Background(), id)
				if err != nil {
					b.Error(err)
					return
				}
				v := url.Values{"person": {fmt.Sprintf("Animator %d-%d", i, j)}, "role": {"Key Animator"},
					"base": {strconv.Itoa(e.Head)}, "edit_summary": {"key animator"}, "csrf": {c.csrf}}
				res := c.postRaw(path+"/edit/credits", v)
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					accepted.Store(j, true)
				} else {
					refused.Store(j, res.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	count := 0
	accepted.Range(func(any, any) bool { count++; return true })
	refused.Range(func(k, v any) bool { b.Errorf("edit %v refused with %v", k, v); return true })
	return float64(count) / elapsed.Seconds()
}
