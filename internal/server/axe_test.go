package server_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/images/imagetest"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// axeScript reads axe-core, the accessibility checker, from $KIOKU_AXE (its axe.min.js, from
// the npm package; .ci/run installs it). Elsewhere the test is skipped when it is not there.
func axeScript(t *testing.T) string {
	path := os.Getenv("KIOKU_AXE")
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must set KIOKU_AXE to axe-core's axe.min.js")
		}
		t.Skip("KIOKU_AXE is not set; .ci/run installs axe-core and sets it")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// axeViolation is one rule a page breaks, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core on every main page of the demo wiki in a real headless
// Chromium, as a reader and as a signed-in moderator, at desktop and phone width and in the dark
// colour scheme: no page breaks a rule whose impact is serious or critical.
func TestAccessibility(t *testing.T) {
	exe := chromium(t)
	axe := axeScript(t)
	s := newSite(t, store.SQLite)
	if _, err := demo.Load(context.Background(), s.Instance.App.Edits(), cheap); err != nil {
		t.Fatal(err)
	}
	s.addUserAs(t, "mika", "correct horse battery", auth.RoleModerator)
	c := s.signInWith(t, "mika", "correct horse battery")
	memories := entityNamed(t, s, wiki.KindWork, "Memories")
	id, _, _ := wiki.ParseRef(memories[strings.LastIndex(memories, "/")+1:])
	c.section(s, id, "basics", url.Values{"name": {"Memories"}, "medium": {"film"}, "deck": {"An anthology of three short films."}, "edit_summary": {"deck"}})
	pending := pendingID(t, s)
	list := seedReaders(t, c, id, memories)
	c.mustUpload(memories, "poster.jpg", imagetest.JPEG(400, 560), url.Values{"caption": {"Japanese poster"}})
	c.mustUpload(memories, "still.png", imagetest.PNG(320, 180), url.Values{"kind": {"screenshot"}})

	reader := []string{"/", memories, entityNamed(t, s, wiki.KindPerson, "Katsuhiro Otomo"), "/search?q=memories",
		"/search?q=otomo", memories + "/history", memories + "/diff", "/recent-changes", fmt.Sprintf("/changes/%d", pending),
		"/login", "/signup", list, "/users/mika", "/users/mika/lists", "/users/mika/anime", memories + "/images"}
	signedIn := []string{"/", memories, "/queue", memories + "/edit/credits", memories + "/edit/characters", memories + "/edit/releases",
		memories + "/edit/basics", "/new/work", "/users/mika", "/account", entityNamed(t, s, wiki.KindPerson, "Satoshi Kon") + "/merge",
		list, "/users/mika/lists", "/users/mika/anime?status=completed", "/import/myanimelist", memories + "/images"}

	ctx := browser(t, exe)
	check := func(who, path, scheme string, width int64) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(s.URL+path),
			chromedp.WaitReady("body"),
		)
		if err != nil {
			t.Fatalf("%s %s: %v", who, path, err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+"\ntrue")); err != nil {
			t.Fatalf("loading axe-core into %s: %v", path, err)
		}
		run := `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`
		found, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", path, err)
		}
		for _, v := range found {
			if v.Impact != "serious" && v.Impact != "critical" {
				continue
			}
			var where []string
			for _, n := range v.Nodes[:min(len(v.Nodes), 3)] {
				where = append(where, n.HTML)
			}
			t.Errorf("%s, %s, %s, %dpx: %s (%s, %d places: %s), e.g. %s", who, path, scheme, width, v.ID, v.Impact, len(v.Nodes), v.Help, strings.Join(where, " | "))
		}
	}
	for _, path := range reader {
		check("reader", path, "light", 1280)
	}
	check("reader", memories, "dark", 1280)
	check("reader", memories, "light", 390)
	check("reader", "/recent-changes", "dark", 390)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "mika"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.account`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range signedIn {
		check("moderator", path, "light", 1280)
	}
	check("moderator", "/queue", "dark", 390)
}
