package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/lists"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// benchSite is a demo wiki served over loopback HTTP, with the Memories page's address and a
// signed-in reader's cookie.
type benchSite struct {
	url, path, cookie string
	store             *store.Store
	work              int64
	reader            store.User
}

func newBenchSite(b *testing.B) *benchSite {
	b.Helper()
	ctx := context.Background()
	st := storetest.Open(b, store.SQLite)
	app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Settings{Password: cheap})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Load(ctx, app.Edits(), cheap); err != nil {
		b.Fatal(err)
	}
	works, err := st.EntitiesByName(ctx, wiki.KindWork, "Memories")
	if err != nil || len(works) != 1 {
		b.Fatalf("Memories: %v", err)
	}
	srv := httptest.NewServer(server.Routes(app))
	b.Cleanup(srv.Close)
	id, err := st.CreateUser(ctx, "reader", auth.Hash("correct horse battery", cheap), string(auth.RoleReader))
	if err != nil {
		b.Fatal(err)
	}
	reader, _ := st.UserByID(ctx, id)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(srv.URL+"/login", url.Values{"name": {"reader"}, "password": {"correct horse battery"}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	s := &benchSite{url: srv.URL, path: works[0].Path(), store: st, work: works[0].ID, reader: reader}
	for _, c := range res.Cookies() {
		if c.Name == web.SessionCookie {
			s.cookie = c.Name + "=" + c.Value
		}
	}
	if s.cookie == "" {
		b.Fatalf("sign in: status %d and no session cookie", res.StatusCode)
	}
	return s
}

// BenchmarkWorkPageReaders measures the Memories page with its readers' part full (500 readers'
// scores, 40 public lists holding it with likes, and the signed-in reader's own tracking and
// lists) against the same page of a second demo wiki where no reader scored or listed anything,
// in the same run, in turns. "ratio" is the full page's requests per second as a share of the
// empty one's for a reader not signed in (whose readers' part is kept a few seconds);
// "signed-in-ratio" the same for a signed-in reader, whose part is read on every request.
func BenchmarkWorkPageReaders(b *testing.B) {
	ctx := context.Background()
	empty, full := newBenchSite(b), newBenchSite(b)
	svc := &lists.Service{Store: full.store}
	var owners []store.User
	for i := range 500 {
		id, err := full.store.CreateUser(ctx, fmt.Sprintf("fan%d", i), "x", "")
		if err != nil {
			b.Fatal(err)
		}
		u, _ := full.store.UserByID(ctx, id)
		owners = append(owners, u)
		if err := svc.Track(ctx, u, full.work, lists.TrackInput{Status: lists.Completed, Score: 1 + i%10}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 40 {
		l, err := svc.CreateList(ctx, owners[i], lists.ListInput{Name: fmt.Sprintf("Anthologies %d", i), Public: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.AddItem(ctx, owners[i], l, full.work, "one of the best"); err != nil {
			b.Fatal(err)
		}
		for j := range i % 7 {
			if err := svc.Like(ctx, owners[100+j], l, true); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range 3 {
		l, err := svc.CreateList(ctx, full.reader, lists.ListInput{Name: fmt.Sprintf("Mine %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			if err := svc.AddItem(ctx, full.reader, l, full.work, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := svc.Track(ctx, full.reader, full.work, lists.TrackInput{Status: lists.Watching, Score: 8}); err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	const turns = 10
	n := max(b.N/turns, 1)
	var emptyTime, fullTime, emptySigned, fullSigned float64
	for range turns {
		emptyTime += float64(n) / loadAll(b, []string{empty.url + empty.path}, n, "")
		fullTime += float64(n) / loadAll(b, []string{full.url + full.path}, n, "")
		emptySigned += float64(n) / loadAll(b, []string{empty.url + empty.path}, n, empty.cookie)
		fullSigned += float64(n) / loadAll(b, []string{full.url + full.path}, n, full.cookie)
	}
	b.StopTimer()
	rate := func(t float64) float64 { return turns * float64(n) / t }
	b.ReportMetric(rate(emptyTime), "empty-req/s")
	b.ReportMetric(rate(fullTime), "full-req/s")
	b.ReportMetric(rate(emptySigned), "empty-signed-in-req/s")
	b.ReportMetric(rate(fullSigned), "full-signed-in-req/s")
	b.ReportMetric(emptyTime/fullTime, "ratio")
	b.ReportMetric(emptySigned/fullSigned, "signed-in-ratio")
}
