package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"kioku/internal/store"
	"kioku/internal/storetest"
)

// Statements the tests below fail or stall the database at, as PostgreSQL receives them.
const (
	// revisionRead reads one revision of an entity: an edit's base revision, among others.
	revisionRead = "r.entity_id = $1 AND r.number = $2"
	// linkLookup finds the page a [[link]] of wiki text points to.
	linkLookup = "FROM entities WHERE name_key = $1 AND head > 0 AND merged_into = 0 ORDER BY id"
)

// proxiedSite starts an instance whose connections to a fresh PostgreSQL database go through a
// proxy that the test can cut or stall.
func proxiedSite(t *testing.T) (*site, *storetest.Proxy) {
	t.Helper()
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("database outages need PostgreSQL; set %s", storetest.EnvPostgres)
	}
	proxy, viaProxy := storetest.NewProxy(t, storetest.DSN(t, store.Postgres))
	return startSite(t, openStore(t, viaProxy)), proxy
}

func deckForm(deck string) url.Values {
	return url.Values{"name": {"Memories"}, "medium": {"film"}, "deck": {deck}, "edit_summary": {"deck: " + deck}}
}

// answer is what a request made from another goroutine got, and how long it took.
type answer struct {
	what       string
	status     int
	retryAfter string
	body       string
	took       time.Duration
	err        error
}

// ask sends a request with c's cookies (and its CSRF token in a form) without failing the test,
// so that it can run beside others.
func ask(c *client, what, method, path string, form url.Values) answer {
	start := time.Now()
	var body io.Reader
	if form != nil {
		if c.csrf != "" {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return answer{what: what, err: err}
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{what: what, err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{what: what, status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: string(b),
		took: time.Since(start), err: err}
}

// TestSilentPartition cuts PostgreSQL off without a word: packets are held, nothing is reset,
// as when a network partition drops them. Requests must not wait for the partition to end:
// each gets a 503 within a few seconds, and once the network is back, everything works again
// and nothing acknowledged is lost.
func TestSilentPartition(t *testing.T) {
	s, proxy := proxiedSite(t)
	editor := s.signedIn(t, "kai")
	s.addUser(t, "mei", "correct horse battery")
	id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	_, akira := newWork(t, editor, "Akira", url.Values{"medium": {"film"}}) // never read anonymously: not cached
	editor.section(s, id, "basics", deckForm("before"))

	// The partition begins as an edit reads the revision it was made from, in the middle of
	// its transaction; a reader and someone signing in come while it lasts.
	stalled := proxy.StallOn(revisionRead)
	answers := make(chan answer, 3)
	go func() {
		answers <- ask(editor, "an edit", http.MethodPost, path+"/edit/basics", withBase(deckForm("during"), 2))
	}()
	select {
	case <-stalled:
	case <-time.After(10 * time.Second):
		t.Fatal("the edit never read its base revision")
	}
	go func() { answers <- ask(s.anonymous(t), "a page not in the cache", http.MethodGet, akira, nil) }()
	go func() {
		answers <- ask(s.anonymous(t), "signing in", http.MethodPost, "/login",
			url.Values{"name": {"mei"}, "password": {"correct horse battery"}})
	}()
	timeout := time.After(10 * time.Second)
	for range 3 {
		var a answer
		select {
		case a = <-answers:
		case <-timeout:
			proxy.Restore() // let what still waits finish
			t.Fatal("requests during the partition still wait after 10 s")
		}
		switch {
		case a.err != nil:
			t.Errorf("%s during the partition: %v after %v", a.what, a.err, a.took)
		case a.status != http.StatusServiceUnavailable || a.retryAfter == "":
			t.Errorf("%s during the partition: status %d, Retry-After %q, want 503 with Retry-After\n%s",
				a.what, a.status, a.retryAfter, a.body)
		case a.took > 5*time.Second:
			t.Errorf("%s during the partition: 503 after %v, want within 5 s", a.what, a.took.Round(time.Millisecond))
		default:
			t.Logf("%s during the partition: 503 after %v", a.what, a.took.Round(time.Millisecond))
		}
	}

	// The network is back: the pool recovers at once.
	proxy.Restore()
	reader := s.anonymous(t)
	if got := text(reader.page(akira, http.StatusOK).Find("h1")); !strings.Contains(got, "Akira") {
		t.Errorf("the page after the partition has the heading %q", got)
	}
	if res := s.anonymous(t).postRaw("/login", url.Values{"name": {"mei"}, "password": {"correct horse battery"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in after the partition: status %d, want 303", res.StatusCode)
	} else {
		res.Body.Close()
	}
	editor.section(s, id, "basics", deckForm("after"))
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "after" {
		t.Errorf("deck after the partition = %q, want after", got)
	}
	revs, err := s.Store.Revisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var summaries []string
	for _, r := range revs {
		summaries = append(summaries, r.Summary)
	}
	if got, want := strings.Join(summaries, "|"), "deck: after|deck: before|new"; got != want {
		t.Errorf("revisions = %s, want %s: every acknowledged edit, and the refused one not at all", got, want)
	}
}

// TestCommitAnswerLost stalls the database just as an edit commits. The editor is told that the
// edit was not acknowledged; the commit goes through when the network is back, all the same.
// Readers must then see it: the instance may not keep serving the page it had cached.
func TestCommitAnswerLost(t *testing.T) {
	s, proxy := proxiedSite(t)
	ctx := context.Background()
	editor := s.signedIn(t, "kai")
	id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	editor.section(s, id, "basics", deckForm("before"))
	reader := s.anonymous(t)
	if got := text(reader.page(path, http.StatusOK).Find("p.deck")); got != "before" {
		t.Fatalf("deck before = %q", got)
	}

	stalled := proxy.StallOn("commit")
	answers := make(chan answer, 1)
	go func() {
		answers <- ask(editor, "an edit", http.MethodPost, path+"/edit/basics", withBase(deckForm("during"), 2))
	}()
	select {
	case a := <-answers:
		if a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "not acknowledged") {
			t.Errorf("edit whose commit was not answered: status %d (%v), want 503 saying it was not acknowledged\n%s",
				a.status, a.err, a.body)
		}
	case <-time.After(10 * time.Second):
		proxy.Restore()
		t.Fatal("the edit whose commit was not answered still waits after 10 s")
	}
	select {
	case <-stalled:
	default:
		t.Fatal("the edit never committed")
	}
	proxy.Restore()

	// Wait until the database has decided the stalled transaction, then ask it what it decided.
	eventually(t, "the stalled transaction is over", func() bool {
		var open int
		err := s.Store.DB().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&open)
		return err == nil && open == 0
	})
	e, err := s.Store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := "before"
	if e.Head == 3 {
		want = "during"
	} else {
		t.Log("the commit was cancelled before it was carried out; nothing to retire")
	}
	eventually(t, "readers see the deck the database has", func() bool {
		return text(reader.page(path, http.StatusOK).Find("p.deck")) == want
	})
}

// TestRedLinkDuringOutageIsNotCached fails the database just as a page looks up where a
// [[link]] of its description points. The page must not be kept with a link to a missing page:
// once the database answers again, readers see the link as it is.
func TestRedLinkDuringOutageIsNotCached(t *testing.T) {
	s, proxy := proxiedSite(t)
	editor := s.signedIn(t, "kai")
	_, akira := newWork(t, editor, "Akira", url.Values{"medium": {"film"}})
	id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	form := deckForm("three tales")
	form.Set("description", "Katsuhiro Otomo also directed [[Akira]].")
	editor.section(s, id, "basics", form)

	reader := s.anonymous(t)
	failed := proxy.FailOn(linkLookup)
	res := reader.get(path)
	res.Body.Close()
	select {
	case <-failed:
	default:
		t.Fatal("the page did not look up its link")
	}
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("page whose link could not be looked up: status %d, want 503", res.StatusCode)
	}
	link := reader.page(path, http.StatusOK).Find("a.wikilink")
	href, _ := link.Attr("href")
	class, _ := link.Attr("class")
	if href != akira || class != "wikilink" {
		t.Errorf("link to Akira once the database is back: href %q, class %q; want %q, wikilink", href, class, akira)
	}
}

// TestBaseRevisionReadDuringOutage fails the database just as an edit reads the revision it was
// made from. That is the database's fault, not the form's: a 503, not "revision 2 does not exist".
func TestBaseRevisionReadDuringOutage(t *testing.T) {
	s, proxy := proxiedSite(t)
	editor := s.signedIn(t, "kai")
	id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	editor.section(s, id, "basics", deckForm("one"))

	failed := proxy.FailOn(revisionRead)
	res, body := editor.post(path+"/edit/basics", withBase(deckForm("two"), 2))
	select {
	case <-failed:
	default:
		t.Fatal("the edit did not read its base revision")
	}
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("edit whose base revision could not be read: status %d, want 503 with Retry-After\n%s", res.StatusCode, body)
	}
	if res, body := editor.post(path+"/edit/basics", withBase(deckForm("two"), 2)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the same edit again: status %d, want 303\n%s", res.StatusCode, body)
	}
}
