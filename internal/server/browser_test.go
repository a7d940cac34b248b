package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kioku/internal/demo"
	"kioku/internal/store"
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
		chromedp.Click(chromedp.CSS(`#credits .empty a`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=person]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=person]`), "Satoshi Kon"),
		chromedp.SendKeys(chromedp.CSS(`input[name=role]`), "Writer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=note]`), "Screenplay"),
		chromedp.SendKeys(chromedp.CSS(`input[name=edit_summary]`), "Added the writer"),
		chromedp.Click(chromedp.CSS(`#edit-form button[type=submit]`)),
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
