package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// TestDatabaseOutage cuts the connection between an instance and PostgreSQL, as a restart or a
// network failure would, and brings it back.
func TestDatabaseOutage(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("the outage test needs PostgreSQL; set %s", storetest.EnvPostgres)
	}
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	proxy, viaProxy := storetest.NewProxy(t, dsn)
	s := startSite(t, openStore(t, viaProxy))
	editor := s.signedIn(t, "kai")
	id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	basics := func(deck string) url.Values {
		return url.Values{"name": {"Memories"}, "medium": {"film"}, "deck": {deck}, "edit_summary": {"deck: " + deck}}
	}
	editor.section(s, id, "basics", basics("before"))
	reader := s.anonymous(t)
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "before" {
		t.Fatalf("deck before the outage = %q", got)
	}

	health := func() int {
		res := reader.get("/healthz")
		res.Body.Close()
		return res.StatusCode
	}
	if got := health(); got != http.StatusOK {
		t.Errorf("health check before the outage: %d, want 200", got)
	}

	// A request under way when the database goes: it waits on a stalled connection, which then drops.
	proxy.Stall()
	inFlight := make(chan *http.Response, 1)
	go func() {
		res, err := editor.http.Get(s.URL + path + "/edit/basics")
		if err != nil {
			t.Error(err)
		}
		inFlight <- res
	}()
	time.Sleep(200 * time.Millisecond)
	proxy.Cut()
	if res := <-inFlight; res != nil {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "briefly unavailable") {
			t.Errorf("request in flight when the database went: status %d, want 503 with an explanation\n%s", res.StatusCode, body)
		}
		if res.Header.Get("Retry-After") == "" {
			t.Error("the 503 has no Retry-After")
		}
	}

	// While the database is away, an edit is refused plainly, and readers still get cached pages.
	res, body := editor.post(path+"/edit/basics", withBase(basics("during"), 2))
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "not acknowledged") {
		t.Errorf("edit while the database is away: status %d, want 503 saying it was not acknowledged\n%s", res.StatusCode, body)
	}
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "before" {
		t.Errorf("cached page while the database is away shows deck %q", got)
	}

	if got := health(); got != http.StatusServiceUnavailable {
		t.Errorf("health check while the database is away: %d, want 503", got)
	}
	eventually(t, "the instance knows that it no longer hears the database", func() bool {
		select {
		case <-s.Instance.Listening():
			return false
		default:
			return true
		}
	})

	// Back: the very next requests work, without a restart.
	proxy.Restore()
	if got := health(); got != http.StatusOK {
		t.Errorf("health check after the outage: %d, want 200", got)
	}
	editor.section(s, id, "basics", basics("after"))
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "after" {
		t.Errorf("deck after the outage = %q, want after", got)
	}
	var summaries []string
	revs, err := s.Store.Revisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		summaries = append(summaries, r.Summary)
	}
	if got, want := strings.Join(summaries, "|"), "deck: after|deck: before|new"; got != want {
		t.Errorf("revisions = %s, want %s: every acknowledged edit, and the refused one not at all", got, want)
	}

	// The instance hears other instances again: its listener reconnected by itself. Once it
	// has, and has retired what it cached meanwhile, the page is cached afresh: from then on
	// only the other instance's announcement can retire it.
	select {
	case <-s.Instance.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not reconnect")
	}
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "after" {
		t.Fatalf("deck once the listener is back = %q, want after", got)
	}
	other := startSite(t, openStore(t, dsn))
	editor.at(other).section(other, id, "basics", basics("from the other instance"))
	eventually(t, "the instance that lost its database shows an edit made elsewhere", func() bool {
		return text(reader.page(path, http.StatusOK).Find("p.deck")) == "from the other instance"
	})
}

func withBase(v url.Values, base int) url.Values {
	v.Set("base", strconv.Itoa(base))
	return v
}
