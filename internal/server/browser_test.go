package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kioku/internal/demo"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// chromium finds the browser for the browser test: $KIOKU_CHROMIUM, or chromium on the PATH.
// CI installs it; elsewhere the test is skipped when there is none.
func chromium(t *testing.T) string {
	if p := os.Getenv("KIOKU_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have chromium for the browser test")
		}
		t.Skip("no chromium here; .ci/run installs it")
	}
	return p
}

// TestBrowserAddsCredit signs in and adds a credit to Memories in a real headless Chromium,
// through the page's own form, and sees it on the page.
func TestBrowserAddsCredit(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	c := s.signedIn(t, "ann")
	_, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})

	ctx := browser(t, exe)
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/login?next="+url.QueryEscape(path)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "ann"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
		// A new work has no credits section, only a link in its one line of sections to add.
		chromedp.Click(chromedp.CSS(`#add a[data-section="credits"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="add.0.person"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.person"]`), "Satoshi Kon"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.role"]`), "Writer"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.note"]`), "Screenplay"),
		chromedp.SendKeys(chromedp.CSS(`input[name=edit_summary]`), "Added the writer"),
		chromedp.Click(chromedp.CSS(`#edit-form button.save`)),
		chromedp.WaitVisible(chromedp.CSS(`#credits tr.credit`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	credit, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#credits tr.credit`)))
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1#name`)))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(credit), " ")
	if heading != "Memories" || got != "Satoshi Kon Writer Screenplay" {
		t.Errorf("after saving in the browser: heading %q, credit row %q", heading, got)
	}
}

// browser starts a headless Chromium for one test, closed when the test ends.
func browser(t *testing.T, exe string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestBrowserSearchSuggestions types into the search box of the home page in a real headless
// Chromium: suggestions appear as the reader types, and choosing one opens its page.
func TestBrowserSearchSuggestions(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	if _, err := demo.Load(context.Background(), s.Instance.App.Edits(), cheap); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, exe)
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`header.site input[name=q]`)),
		chromedp.SendKeys(chromedp.CSS(`header.site input[name=q]`), "めもり"),
		chromedp.WaitVisible(chromedp.CSS(`header.site ul.suggestions a`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`header.site ul.suggestions li:first-child a`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ToLower(strings.Join(strings.Fields(first), " ")); !strings.HasPrefix(got, "memories work · film · 1995") {
		t.Errorf("first suggestion %q, want Memories with its kind, type and year", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`header.site ul.suggestions li:first-child a`)),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1#name`)))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Memories" {
		t.Errorf("choosing the suggestion opened %q", heading)
	}
}

// TestBrowserNoPolicyViolations opens the main pages of the demo wiki in a real headless
// Chromium, as a reader and signed in, under the site's own headers: the browser reports no
// violation of the content security policy (no inline style or script anywhere, no event
// handler attribute, nothing loaded from elsewhere) and logs no error or warning, such as a
// feature of the permissions policy it does not know.
func TestBrowserNoPolicyViolations(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	if _, err := demo.Load(context.Background(), s.Instance.App.Edits(), cheap); err != nil {
		t.Fatal(err)
	}
	c := s.signedIn(t, "ann")
	memories := entityNamed(t, s, wiki.KindWork, "Memories")
	otomo := entityNamed(t, s, wiki.KindPerson, "Katsuhiro Otomo")
	// A diff needs two revisions.
	id, _, _ := wiki.ParseRef(memories[strings.LastIndex(memories, "/")+1:])
	c.section(s, id, "aliases", url.Values{"aliases": {"Magnetic Rose"}, "edit_summary": {"alias"}})

	ctx := browser(t, exe)
	// The listener goes into every document before its own scripts run; CDP's script is not
	// subject to the page's policy.
	const listen = `window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
}, true);`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: listen}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logged []string
	if err := chromedp.Listen(ctx, func(ev any) {
		// Failed loads are the network's (the error page's own 404, the favicon the site lacks).
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && e.Entry.Source != cdplog.EntrySourceNetwork &&
			(e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning) {
			mu.Lock()
			logged = append(logged, string(e.Entry.Level)+": "+e.Entry.Text+" ("+e.Entry.URL+")")
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	visit := func(who, path, ready string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS(ready)))
		if err != nil {
			t.Fatalf("%s %s: %v", who, path, err)
		}
		// Typing into the search box runs the suggestion script and builds its list.
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`header.site input[name=q]`), "mem"),
			chromedp.WaitVisible(chromedp.CSS(`header.site ul.suggestions a`)))
		if err != nil {
			t.Fatalf("%s %s: suggestions: %v", who, path, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__violations`))
		if err != nil {
			t.Fatalf("%s %s: %v", who, path, err)
		}
		for _, v := range got {
			t.Errorf("%s %s: policy violation: %s", who, path, v)
		}
		// The style sheet applies: the header is laid out as a row.
		display, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.site")).display`))
		if err != nil || display != "flex" {
			t.Errorf("%s %s: the header's display is %q (%v), want flex from the style sheet", who, path, display, err)
		}
	}
	pages := []struct{ path, ready string }{
		{"/", "#size"},
		{memories, "h1#name"},
		{otomo, "h1#name"},
		{memories + "/history", "main"},
		{memories + "/diff?from=1&to=2", "main"},
		{"/search?list=1&q=memories", ".results"},
		{"/recent-changes", "main"},
		{"/leaderboard", "main"},
		{"/season/1995", "main"},
		{"/no-such-page", "main"},
	}
	for _, p := range append(pages, struct{ path, ready string }{"/login", "input[name=name]"},
		struct{ path, ready string }{"/signup", "input[name=name]"}) {
		visit("reader", p.path, p.ready)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "ann"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.user`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(pages,
		struct{ path, ready string }{memories + "/edit", "#edit-form"},
		struct{ path, ready string }{memories + "/edit/credits", "#edit-form"},
		struct{ path, ready string }{"/new/work", "form"},
		struct{ path, ready string }{"/account", "main"},
		struct{ path, ready string }{"/watchlist", "main"},
	) {
		visit("ann", p.path, p.ready)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, l := range logged {
		t.Errorf("the browser logged %s", l)
	}
}
