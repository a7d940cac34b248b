package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// BenchmarkWorkPage measures the Memories page over loopback HTTP with a warm store, against a
// handler in the same server that writes the same bytes with no work at all. The "ratio" metric
// is the page's requests per second as a share of that ceiling, for a reader who is not signed
// in; "signed-in-ratio" is the same for a signed-in reader, whose page is composed of the cached
// body and their own parts on every request.
func BenchmarkWorkPage(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b, store.SQLite)
	app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Settings{Password: cheap})
	if err != nil {
		b.Fatal(err)
	}
	site := server.Routes(app)
	if _, err := demo.Load(ctx, app.Edits(), cheap); err != nil {
		b.Fatal(err)
	}
	works, err := st.EntitiesByName(ctx, wiki.KindWork, "Memories")
	if err != nil || len(works) != 1 {
		b.Fatalf("Memories: %v", err)
	}
	path := works[0].Path()
	var body []byte
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.HandleFunc("GET /ceiling", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		b.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) < 1000 {
		b.Fatalf("work page: %d, %d bytes", res.StatusCode, len(body))
	}

	if _, err := st.CreateUser(ctx, "reader", auth.Hash("correct horse battery", cheap), string(auth.RoleEditor)); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.PostForm(srv.URL+"/login", url.Values{"name": {"reader"}, "password": {"correct horse battery"}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == web.SessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		b.Fatalf("sign in: status %d and no session cookie", res.StatusCode)
	}

	// The three are measured in turns, a tenth of the requests at a time, so that a neighbour
	// busy on the same cores for a while slows all three alike and the ratios stay fair.
	b.ResetTimer()
	var pageTime, signedInTime, ceilingTime float64
	const turns = 10
	n := max(b.N/turns, 1)
	for range turns {
		pageTime += float64(n) / loadAll(b, []string{srv.URL + path}, n, "")
		signedInTime += float64(n) / loadAll(b, []string{srv.URL + path}, n, cookie)
		ceilingTime += float64(n) / loadAll(b, []string{srv.URL + "/ceiling"}, n, "")
	}
	b.StopTimer()
	page, signedIn, ceiling := turns*float64(n)/pageTime, turns*float64(n)/signedInTime, turns*float64(n)/ceilingTime
	b.ReportMetric(page, "page-req/s")
	b.ReportMetric(signedIn, "signed-in-req/s")
	b.ReportMetric(ceiling, "ceiling-req/s")
	b.ReportMetric(page/ceiling, "ratio")
	b.ReportMetric(signedIn/ceiling, "signed-in-ratio")
	b.ReportMetric(float64(len(body)), "page-bytes")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
