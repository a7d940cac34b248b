package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/images"
	"kioku/internal/images/imagetest"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// BenchmarkThumbnail measures a poster's 320-pixel copy served over loopback HTTP from the
// store, against a handler in the same server that writes the same bytes with the same headers
// and no work at all: "ratio" is the thumbnail's requests per second as a share of that ceiling.
func BenchmarkThumbnail(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b, store.SQLite)
	app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Settings{Password: cheap})
	if err != nil {
		b.Fatal(err)
	}
	author, err := st.CreateUser(ctx, "ann", auth.Hash("correct horse battery", cheap), string(auth.RoleTrusted))
	if err != nil {
		b.Fatal(err)
	}
	var work int64
	if _, err := app.Edits().Apply(ctx, author, "new", func(c *edit.Changes) error {
		work, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	pic, err := images.Process(imagetest.JPEG(1000, 1400))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.Edits().Upload(ctx, author, work, pic, edit.ImageInput{Kind: "poster"}, ""); err != nil {
		b.Fatal(err)
	}
	thumb := "/images/" + pic.Hash + "/320"
	var body []byte
	mux := http.NewServeMux()
	mux.Handle("/", server.Routes(app))
	mux.HandleFunc("GET /ceiling", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+pic.Hash+`-320"`)
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res, err := http.Get(srv.URL + thumb)
	if err != nil {
		b.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) < 1000 {
		b.Fatalf("thumbnail: %d, %d bytes", res.StatusCode, len(body))
	}

	// In turns, as BenchmarkWorkPage does, so that a busy neighbour slows both alike.
	b.ResetTimer()
	var thumbTime, ceilingTime float64
	const turns = 10
	n := max(b.N/turns, 1)
	for range turns {
		thumbTime += float64(n) / loadAll(b, []string{srv.URL + thumb}, n, "")
		ceilingTime += float64(n) / loadAll(b, []string{srv.URL + "/ceiling"}, n, "")
	}
	b.StopTimer()
	served, ceiling := turns*float64(n)/thumbTime, turns*float64(n)/ceilingTime
	b.ReportMetric(served, "thumb-req/s")
	b.ReportMetric(ceiling, "ceiling-req/s")
	b.ReportMetric(served/ceiling, "ratio")
	b.ReportMetric(float64(len(body)), "thumb-bytes")
}

// BenchmarkUpload measures accepting a 3000×4000 JPEG through the gallery's form over loopback
// HTTP, each to a new work: reading, checking, re-encoding, the copies, storing and the edit. It
// uploads at most five, whatever the benchtime, and reports the time per upload.
func BenchmarkUpload(b *testing.B) {
	s := newSite(b, store.SQLite)
	c := s.signedIn(b, "ann")
	data := imagetest.JPEG(3000, 4000)
	n := min(b.N, 5)
	var spent time.Duration
	b.ResetTimer()
	for i := range n {
		b.StopTimer()
		_, work := newWork(b, c, "Memories "+string(rune('A'+i)), nil)
		b.StartTimer()
		start := time.Now()
		c.mustUpload(work, "photo.jpg", data, nil)
		spent += time.Since(start)
	}
	b.ReportMetric(float64(spent.Milliseconds())/float64(n), "ms/upload")
	b.ReportMetric(float64(len(data))/(1<<20), "upload-MiB")
}
