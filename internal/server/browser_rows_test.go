package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// robotCarnival is an anthology film of nine segments: its staff, as a person pastes it.
const (
	robotCarnivalStaff = `Director (Opening, Ending): Katsuhiro Otomo
Director (Franken's Gears): Koji Morimoto
Director (Deprive): Hidetoshi Omori
Director (Presence): Yasuomi Umetsu
Director (Star Light Angel): Hiroyuki Kitazume
Director (Cloud): Mao Lamdo
Director (A Tale of Two Robots): Hiroyuki Kitakubo
Director (Nightmare): Takashi Nakamura
Music: Joe Hisaishi, Isaku Fujita`
	robotCarnivalSegments = `1. Opening
2. Franken's Gears
#3 Deprive
Episode 4: Presence
Star Light Angel
Cloud
Strange Tales of Meiji Machine Culture: Tale of Two Robots / 明治からくり文明奇譚～紅毛人襲来之巻～
Nightmare
Ending`
)

// browserSignIn signs ann in through the browser's own sign-in form.
func browserSignIn(ctx context.Context, base string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "ann"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.user`)),
	)
}

// TestBrowserAnthology enters an anthology film in a real headless Chromium, script on, as a
// person would: the new page, its staff pasted and checked, its segments pasted and checked,
// two releases in two rows. It logs how many saves and how long that took (the issue counted 26
// saves for such a film when each form added one item).
func TestBrowserAnthology(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	s.addUser(t, "ann", "correct horse battery")
	ctx := browser(t, exe)
	if err := browserSignIn(ctx, s.URL); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	saves := 0
	save := func() chromedp.Action[chromedp.Void] {
		saves++
		return chromedp.Click(chromedp.CSS(`#edit-form button.save`))
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/new/work"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Robot Carnival"),
		chromedp.SetValue(chromedp.CSS(`select[name=medium]`), "film"),
		chromedp.SendKeys(chromedp.CSS(`input[name=start_date]`), "1987-07-21"),
		chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
	)
	saves++
	if err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := wiki.ParseRef(path[strings.LastIndex(path, "/")+1:])
	if err != nil {
		t.Fatalf("the new work is at %q", path)
	}
	err = chromedp.Do(ctx,
		// The staff, pasted, checked as rows, saved.
		chromedp.Navigate(s.URL+path+"/edit/credits"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=paste]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name=paste]`), robotCarnivalStaff),
		chromedp.Click(chromedp.CSS(`button.check-list`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="add.9.person"]`)),
		save(),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
		// The segments, pasted as segments, checked, saved.
		chromedp.Navigate(s.URL+path+"/edit/episodes"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=paste]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name=paste]`), robotCarnivalSegments),
		chromedp.Click(chromedp.CSS(`input[name=paste_segment]`)),
		chromedp.Click(chromedp.CSS(`button.check-list`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="add.8.name"]`)),
		save(),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
		// Two releases in the form's two rows; a third row added by the script stays blank.
		chromedp.Navigate(s.URL+path+"/edit/releases"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="add.1.region"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// With script, "Add another row" adds it on the page: a mark set on the page stays.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.kiokuMark = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button.add-row`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="add.2.region"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if marked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.kiokuMark === true`)); err != nil || !marked {
		t.Errorf("adding a row with script loaded a page (%v, %v)", marked, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="add.0.region"]`), "JP"),
		chromedp.SetValue(chromedp.CSS(`select[name="add.0.language"]`), "ja"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.title"]`), "ロボットカーニバル"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.date"]`), "1987-07-21"),
		chromedp.SetValue(chromedp.CSS(`select[name="add.1.region"]`), "US"),
		chromedp.SetValue(chromedp.CSS(`select[name="add.1.language"]`), "en"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.1.title"]`), "Robot Carnival"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.1.date"]`), "1991"),
		save(),
		chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)

	w := workDoc(t, s, id)
	links, err := s.Store.LinksTo(context.Background(), id, wiki.RelEpisodeOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Credits) != 10 || len(links) != 9 || len(w.Releases) != 2 {
		t.Fatalf("Robot Carnival: %d credits, %d segments, %d releases; want 10, 9 and 2", len(w.Credits), len(links), len(w.Releases))
	}
	seven := entityID(t, s, wiki.KindEpisode, "Strange Tales of Meiji Machine Culture: Tale of Two Robots")
	if ep := episodeDoc(t, s, seven); ep.Number != 7 || !ep.Segment || ep.OriginalName != "明治からくり文明奇譚～紅毛人襲来之巻～" {
		t.Errorf("segment 7: %+v", ep)
	}
	t.Logf("an anthology film of 9 segments, 10 credits and 2 releases: %d saves (26 before), %s in the browser", saves, elapsed.Round(time.Millisecond))
}

// TestBrowserAddRowWithoutScript uses "Add another row" with script disabled: the form comes
// back from the server with one more row and what was typed, and nothing is saved.
func TestBrowserAddRowWithoutScript(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	c := s.signedIn(t, "ann")
	id, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
	ctx := browser(t, exe)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := browserSignIn(ctx, s.URL); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+path+"/edit/credits"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="add.2.person"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.person"]`), "Katsuhiro Otomo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="add.0.role"]`), "Director"),
		chromedp.SendKeys(chromedp.CSS(`input[name=edit_summary]`), "the director"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// A mark on the page as it is: gone once the server has sent the form back.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.kiokuMark = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button.add-row`)), chromedp.WaitVisible(chromedp.CSS(`input[name="add.3.person"]`)))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".rows .row").length === 4 && window.kiokuMark === undefined`))
	if err != nil || !ok {
		t.Errorf("after adding a row without script, not a new page of 4 rows: %v, %v", ok, err)
	}
	for sel, want := range map[string]string{`input[name="add.0.person"]`: "Katsuhiro Otomo", `input[name="add.0.role"]`: "Director",
		`input[name=edit_summary]`: "the director"} {
		got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil || got != want {
			t.Errorf("%s = %q (%v) after adding a row, want %q", sel, got, err, want)
		}
	}
	if e, _ := s.Store.Entity(context.Background(), id); e.Head != 1 {
		t.Errorf("head %d after adding a row, want 1: nothing saved", e.Head)
	}
	// Saved from there, the typed row is a credit.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#edit-form button.save`)), chromedp.WaitVisible(chromedp.CSS(`#credits tr.credit`)))
	if err != nil {
		t.Fatal(err)
	}
	if w := workDoc(t, s, id); len(w.Credits) != 1 {
		t.Errorf("credits %+v after saving, want the director", w.Credits)
	}
}

// episodeDoc is the current document of episode id.
func episodeDoc(t *testing.T, s *site, id int64) *wiki.Episode {
	t.Helper()
	ctx := context.Background()
	e, err := s.Store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Store.Revision(ctx, id, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(wiki.KindEpisode, r.Document)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(*wiki.Episode)
}
