package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kioku/internal/store"
)

// TestBrowserReordersList makes a ranked list in a real headless Chromium and fills it from the
// works' own pages, then reorders it with the buttons and by dragging an item (the drag's events
// are dispatched to the page, as the browser would for a mouse).
func TestBrowserReordersList(t *testing.T) {
	exe := chromium(t)
	s := newSite(t, store.SQLite)
	c := s.signedIn(t, "ann")
	var paths []string
	var ids []int64
	for _, name := range []string{"Memories", "Akira", "Perfect Blue", "Paprika"} {
		id, p := newWork(t, c, name, url.Values{"medium": {"film"}})
		paths, ids = append(paths, p), append(ids, id)
	}
	// first waits for the list page whose first item is work id, once the form sent reloads it.
	first := func(id int64) chromedp.Action[struct{}] {
		return chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#items li.list-item:first-child[data-entity="%d"]`, id)))
	}
	ctx := browser(t, exe)
	if err := browserSignIn(ctx, s.URL); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/users/ann/lists"),
		chromedp.WaitVisible(chromedp.CSS(`#new-list input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`#new-list input[name=name]`), "Films of 1995 to 2006"),
		chromedp.Click(chromedp.CSS(`#new-list input[name=ranked]`)),
		chromedp.Click(chromedp.CSS(`#new-list button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.reader-list h1#name`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+p),
			chromedp.WaitVisible(chromedp.CSS(`#add-to-list button[type=submit]`)),
			chromedp.Click(chromedp.CSS(`#add-to-list button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#top-lists li.top-list`)),
		)
		if err != nil {
			t.Fatalf("add %s: %v", p, err)
		}
	}
	order := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#items li.list-item .item-name")).map(a => a.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ", ")
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#top-lists li.top-list > a`)),
		chromedp.WaitVisible(chromedp.CSS(`#items li.list-item`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "Memories, Akira, Perfect Blue, Paprika" {
		t.Fatalf("the list holds %q", got)
	}
	// The first down button: Memories goes below Akira.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#items li.list-item:first-child button.move-down`)),
		first(ids[1]),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "Akira, Memories, Perfect Blue, Paprika" {
		t.Errorf("after the down button: %q", got)
	}
	// Drag Paprika onto the top half of Akira: it goes first.
	drag := `(() => {
		const items = document.querySelectorAll("#items li.list-item");
		const from = items[3], onto = items[0];
		const box = onto.getBoundingClientRect();
		const dt = new DataTransfer();
		const at = {bubbles: true, cancelable: true, dataTransfer: dt, clientX: box.left + 10, clientY: box.top + 2};
		from.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		onto.dispatchEvent(new DragEvent("dragover", at));
		onto.dispatchEvent(new DragEvent("drop", at));
		return from.draggable;
	})()`
	draggable, err := chromedp.Run(ctx, chromedp.Evaluate[bool](drag))
	if err != nil {
		t.Fatal(err)
	}
	if !draggable {
		t.Error("the script did not make the items draggable")
	}
	err = chromedp.Do(ctx, first(ids[3]))
	if err != nil {
		t.Fatalf("after dragging Paprika to the top: %v (order %q)", err, order())
	}
	if got := order(); got != "Paprika, Akira, Memories, Perfect Blue" {
		t.Errorf("after the drag: %q", got)
	}
}
