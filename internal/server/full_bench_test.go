package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// BenchmarkFullWiki serves a wiki holding the three data sets whole from the kioku binary, as
// it runs in production, and reports the work page's requests per second against a server
// that writes the same bytes with no work at all ("ratio"), and the serving process's memory
// after it served thousands of different pages. Importing the data sets takes a minute first.
func BenchmarkFullWiki(b *testing.B) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		b.Skipf("data sets not here: %v", err)
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "kioku")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/kioku").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "kioku.db")
	for _, args := range [][]string{
		{"bangumi-data", filepath.Join(data, "bangumi-data", "data.json")},
		{"anidb-titles", filepath.Join(data, "anidb-titles", "anime-titles.dat.gz")},
		{"madb", filepath.Join(data, "madb-anime")},
	} {
		if out, err := exec.Command(bin, append(append([]string{"import"}, args...), "--database", db)...).CombinedOutput(); err != nil {
			b.Fatalf("import %s: %v\n%s", args[0], err, out)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	works, err := st.RecentEntities(ctx, wiki.KindWork, 3000)
	if err != nil || len(works) < 3000 {
		b.Fatalf("works: %d, %v", len(works), err)
	}
	eva, err := st.EntityByExternalID(ctx, "bangumi", "265")
	if err != nil {
		b.Fatal(err)
	}
	st.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--database", db, "--addr", addr)
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	base := "http://" + addr
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			b.Fatal("the server did not come up")
		}
	}
	res, err := http.Get(base + eva.Path())
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("work page: %d", res.StatusCode)
	}
	ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	defer ceiling.Close()

	var crawl []string
	for _, w := range works {
		crawl = append(crawl, base+w.Path())
	}
	b.ResetTimer()
	page := loadAll(b, []string{base + eva.Path()}, b.N, "")
	top := loadAll(b, []string{ceiling.URL}, b.N, "")
	pages := loadAll(b, crawl, len(crawl), "")
	b.StopTimer()
	b.ReportMetric(page, "page-req/s")
	b.ReportMetric(top, "ceiling-req/s")
	b.ReportMetric(page/top, "ratio")
	b.ReportMetric(pages, "distinct-pages-req/s")
	rss, peak := processMemory(b, srv.Process.Pid)
	b.ReportMetric(rss, "server-RSS-MiB")
	b.ReportMetric(peak, "server-peak-RSS-MiB")
}

// processMemory reads a process's resident memory and its peak, in MiB, from /proc.
func processMemory(b *testing.B, pid int) (rss, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("no /proc: %v", err)
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}
