package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"kioku/internal/api"
	"kioku/internal/client"
	"kioku/internal/demo"
	"kioku/internal/server"
	"kioku/internal/storetest"
	"kioku/internal/web"
)

// BenchmarkChangeFeed follows the change feed of the demo wiki (with its slice of real data)
// through the Go client over loopback HTTP, a page of 100 changes per round, starting again from
// the beginning at its end, on each engine, each page read from the store (no cached answer);
// it reports changes per second.
func BenchmarkChangeFeed(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, engine)
			app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Settings{Password: cheap, APIReads: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := demo.Load(ctx, app.Edits(), cheap); err != nil {
				b.Fatal(err)
			}
			if err := demo.LoadSlice(ctx, app.Edits()); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(server.Routes(app))
			defer srv.Close()
			c := client.New(srv.URL, "")
			since, changes := "", 0
			start := time.Now()
			b.ResetTimer()
			for b.Loop() {
				// Answers are kept until the next accepted edit: each page is read from the
				// store, as by a follower at the head of a changing wiki.
				app.Invalidate()
				p, err := c.Changes(ctx, since, api.MaxLimit)
				if err != nil {
					b.Fatal(err)
				}
				changes += p.Count
				since = p.NextSince
				if p.Count < api.MaxLimit {
					since = ""
				}
			}
			b.ReportMetric(float64(changes)/time.Since(start).Seconds(), "changes/s")
		})
	}
}
