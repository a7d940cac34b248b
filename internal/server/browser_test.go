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
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

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
