package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// TestBrowserFlows walks the main flows of the wiki in a real headless Chromium, at desktop
// and at phone width, each person in a browser of their own: a reader searches and opens a
// work; a new editor starts a work, which waits for review, keeps building it from its page,
// fixes a refused form without typing again what it kept, and credits a person under another
// spelling; a moderator approves the edit from the queue and merges the two people into one;
// the reader then finds the work with its credit pointing to the kept person.
func TestBrowserFlows(t *testing.T) {
	exe := chromium(t)
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			s := newSite(t, store.SQLite)
			if _, err := demo.Load(context.Background(), s.Instance.App.Edits(), cheap); err != nil {
				t.Fatal(err)
			}
			s.addUserAs(t, "nao", "correct horse battery", auth.RoleEditor)
			s.addUserAs(t, "mika", "correct horse battery", auth.RoleModerator)
			root := browser(t, exe)
			if err := chromedp.Do(root); err != nil { // starts the browser, which the people's contexts share
				t.Fatal(err)
			}
			person := func(name string) context.Context {
				ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
				t.Cleanup(cancel)
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
					t.Fatal(err)
				}
				if name == "" {
					return ctx
				}
				err := chromedp.Do(ctx,
					chromedp.Navigate(s.URL+"/login"),
					chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
					chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
					chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
					chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
					chromedp.WaitVisible(chromedp.CSS(`a.user`)),
				)
				if err != nil {
					t.Fatalf("%s signs in: %v", name, err)
				}
				return ctx
			}
			textOf := func(ctx context.Context, sel string) string {
				t.Helper()
				got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("text of %s: %v", sel, err)
				}
				return strings.Join(strings.Fields(got), " ")
			}
			step := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}

			// A reader searches from the header and opens the result.
			reader := person("")
			step(reader, "the reader searches",
				chromedp.Navigate(s.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`header.site input[name=q]`)),
				chromedp.SendKeys(chromedp.CSS(`header.site input[name=q]`), "magnetic rose\n"),
				chromedp.WaitVisible(chromedp.CSS(`ol.results li a.name`)),
				chromedp.Click(chromedp.CSS(`ol.results li:first-child a.name`)),
				chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
			)
			if got := textOf(reader, `h1#name`); got != "Memories" && got != "Magnetic Rose" {
				t.Errorf("the first result of magnetic rose opened %q", got)
			}

			// A new editor starts a work: it waits for review, and its page is theirs to build.
			nao := person("nao")
			step(nao, "nao starts a work",
				chromedp.Navigate(s.URL+"/new/work"),
				chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
				chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Roujin Z"),
				chromedp.SetValue(chromedp.CSS(`select[name=medium]`), "film"),
				chromedp.Click(chromedp.CSS(`article form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`#own-edit`)),
				chromedp.Click(chromedp.CSS(`#own-edit .own-pages a`)),
				chromedp.WaitVisible(chromedp.CSS(`#pending`)),
			)
			if got := textOf(nao, `h1#name`); got != "Roujin Z" {
				t.Errorf("nao's pending page is headed %q", got)
			}
			// A credit without its role comes back refused, with the name as typed.
			step(nao, "nao adds a credit without a role",
				chromedp.Click(chromedp.CSS(`#add a[data-section="credits"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#amending`)),
				chromedp.SendKeys(chromedp.CSS(`input[name="add.0.person"]`), "Katsuhiro Ohtomo"),
				chromedp.Click(chromedp.CSS(`#edit-form button.save`)),
				chromedp.WaitVisible(chromedp.CSS(`.problems-box`)),
			)
			kept, err := chromedp.Run(nao, chromedp.Value(chromedp.CSS(`input[name="add.0.person"]`)))
			if err != nil || kept != "Katsuhiro Ohtomo" {
				t.Errorf("the refused form kept the person as %q (%v)", kept, err)
			}
			step(nao, "nao gives the role and saves",
				chromedp.SendKeys(chromedp.CSS(`input[name="add.0.role"]`), "Writer"),
				chromedp.Click(chromedp.CSS(`#edit-form button.save`)),
				chromedp.WaitVisible(chromedp.CSS(`#credits tr.credit`)),
			)
			if got := textOf(nao, `#credits tr.credit td.person`); got != "Katsuhiro Ohtomo" {
				t.Errorf("nao sees the credit of %q on the pending page", got)
			}

			// The moderator approves the whole edit from the queue; readers see the work.
			mika := person("mika")
			step(mika, "mika approves",
				chromedp.Navigate(s.URL+"/queue"),
				chromedp.WaitVisible(chromedp.CSS(`section.changeset`)),
			)
			cs := fmt.Sprintf("changeset-%d", pendingID(t, s)) // nao's, the newest
			step(mika, "mika approves "+cs,
				chromedp.Click(chromedp.CSS(`section#`+cs+` form.approve button`)),
				chromedp.WaitNotPresent(chromedp.CSS(`section#`+cs)),
			)
			work := entityNamed(t, s, wiki.KindWork, "Roujin Z")
			step(reader, "the reader opens the approved work", chromedp.Navigate(s.URL+work), chromedp.WaitVisible(chromedp.CSS(`#credits tr.credit`)))

			// The moderator merges the new spelling into the person the wiki had.
			step(mika, "mika merges the two people",
				chromedp.Navigate(s.URL+entityNamed(t, s, wiki.KindPerson, "Katsuhiro Ohtomo")),
				chromedp.WaitVisible(chromedp.CSS(`a#merge`)),
				chromedp.Click(chromedp.CSS(`a#merge`)),
				chromedp.WaitVisible(chromedp.CSS(`#merge-find input[name=into]`)),
				chromedp.SendKeys(chromedp.CSS(`#merge-find input[name=into]`), "Katsuhiro Otomo"),
				chromedp.Click(chromedp.CSS(`#merge-find button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`#merge-confirm`)),
				chromedp.Click(chromedp.CSS(`#merge-confirm input[name=confirm]`)),
				chromedp.Click(chromedp.CSS(`#merge-confirm button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`h1#name`)),
			)
			if got := textOf(mika, `h1#name`); got != "Katsuhiro Otomo" {
				t.Errorf("after the merge the moderator is on %q", got)
			}
			step(reader, "the reader opens the work again", chromedp.Navigate(s.URL+work), chromedp.WaitVisible(chromedp.CSS(`#credits tr.credit`)))
			if got := textOf(reader, `#credits tr.credit td.person`); got != "Katsuhiro Otomo" {
				t.Errorf("after the merge the work credits %q", got)
			}
		})
	}
}
