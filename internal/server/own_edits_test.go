package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/store"
)

// A new editor's edits wait for review, and until then they are theirs: they see the pages with
// them (no one else does), and may withdraw them.
func TestOwnPendingEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}})
		newbie := s.signedInAs(t, "nao", auth.RoleEditor)
		other := s.signedInAs(t, "eri", auth.RoleEditor)
		reader := s.anonymous(t)
		deck := func(c *client) string { return text(c.page(path, http.StatusOK).Find("p.deck")) }

		// A new page waits: its author sees it, marked; everyone else finds nothing there.
		loc := newbie.save("/new/work", url.Values{"name": {"Roujin Z"}, "medium": {"film"}, "deck": {"A robot bed."}})
		cs := pendingID(t, s)
		if loc != fmt.Sprintf("/changes/%d", cs) {
			t.Fatalf("a new page waiting for review went to %q", loc)
		}
		created := s.pendingEntities(t, cs)
		if len(created) != 1 {
			t.Fatalf("the changeset creates %v", created)
		}
		newPath := created[0].Path()
		own := newbie.page(newPath, http.StatusOK)
		if got := text(own.Find("h1#name")); got != "Roujin Z" {
			t.Errorf("the author sees heading %q on their pending page", got)
		}
		if got := text(own.Find("#pending")); !strings.Contains(got, fmt.Sprintf("#%d", cs)) || !strings.Contains(got, "no page until a moderator accepts it") {
			t.Errorf("the author's pending page says %q", got)
		}
		for name, c := range map[string]*client{"a reader": reader, "another editor": other} {
			if res := c.get(newPath); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s opened the pending page: %d", name, res.StatusCode)
			}
		}

		// Its author keeps building it: the forms show the page as the edit makes it, and what
		// they save joins the same edit, still waiting.
		form := newbie.page(newPath+"/edit/credits", http.StatusOK)
		if got, _ := form.Find(`input[name=changeset]`).Attr("value"); got != fmt.Sprint(cs) {
			t.Errorf("the credits form of the pending page carries changeset %q, want %d", got, cs)
		}
		loc = newbie.save(newPath+"/edit/credits", url.Values{"changeset": {fmt.Sprint(cs)}, "base": {"0"},
			"add.0.person": {"Katsuhiro Otomo"}, "add.0.role": {"Writer"}, "add.1.person": {"Hiroyuki Kitakubo"}, "add.1.role": {"Director"}})
		if !strings.HasPrefix(loc, newPath) {
			t.Errorf("saving the pending page's credits went to %q", loc)
		}
		newbie.save(newPath+"/edit/basics", url.Values{"changeset": {fmt.Sprint(cs)}, "base": {"0"}, "name": {"Roujin Z"},
			"medium": {"film"}, "deck": {"A robot bed runs amok."}, "edit_summary": {"a better deck"}})
		newbie.save(newPath+"/edit/episodes", url.Values{"changeset": {fmt.Sprint(cs)}, "base": {"0"},
			"add.0.number": {"1"}, "add.0.name": {"Opening"}, "add.0.segment": {"1"}})
		if n := len(s.pendingEntities(t, cs)); n != 4 {
			t.Errorf("the edit now touches %d pages, want the work, two new people and a segment", n)
		}
		if got := pendingID(t, s); got != cs {
			t.Errorf("the newest pending edit is %d, want the amended %d", got, cs)
		}
		own = newbie.page(newPath, http.StatusOK)
		if got := texts(own.Find("#credits tr.credit td.person")); strings.Join(got, "|") != "Katsuhiro Otomo|Hiroyuki Kitakubo" {
			t.Errorf("the author sees credits %q on the pending page", got)
		}
		if got := text(own.Find("p.deck")); got != "A robot bed runs amok." {
			t.Errorf("the author sees deck %q", got)
		}
		if got := texts(own.Find("#episodes li.episode a.name")); strings.Join(got, "|") != "Opening" {
			t.Errorf("the author sees segments %q on the pending page", got)
		}
		// A form that adds to an edit that is not the editor's own is refused.
		if res, _ := other.post(newPath+"/edit/basics", url.Values{"changeset": {fmt.Sprint(cs)}, "name": {"Vandal"}, "medium": {"film"}}); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("another editor adding to the edit: status %d, want 403 or 404", res.StatusCode)
		}

		// An edit of an accepted page: its author sees it with the edit, the others as it is.
		newbie.save(path+"/edit/basics", basics("Three tales of memory", "", 1))
		if got := deck(newbie); got != "Three tales of memory" {
			t.Errorf("the author sees deck %q, want their pending one", got)
		}
		for name, c := range map[string]*client{"a reader": reader, "another editor": other, "the page's creator": trusted} {
			if got := deck(c); got != "Three films" {
				t.Errorf("%s sees deck %q, want the accepted one", name, got)
			}
		}
		edit := pendingID(t, s)

		// Only its author may withdraw it; then the page is the accepted one for them too.
		if res, _ := other.post(fmt.Sprintf("/changes/%d/withdraw", edit), url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("another editor withdrawing: status %d, want 403", res.StatusCode)
		}
		shown := newbie.page(fmt.Sprintf("/changes/%d", edit), http.StatusOK)
		if shown.Find("form.withdraw").Length() != 1 || other.page(fmt.Sprintf("/changes/%d", edit), http.StatusOK).Find("form.withdraw").Length() != 0 {
			t.Error("the withdraw button is not offered to the author alone")
		}
		newbie.save(fmt.Sprintf("/changes/%d/withdraw", edit), url.Values{})
		if got := deck(newbie); got != "Three films" {
			t.Errorf("after withdrawing, the author sees deck %q", got)
		}
		if got := text(newbie.page(fmt.Sprintf("/changes/%d", edit), http.StatusOK).Find(".byline .status")); got != "Withdrawn by its author." {
			t.Errorf("the withdrawn changeset says %q", got)
		}
		if res, _ := newbie.post(fmt.Sprintf("/changes/%d/withdraw", edit), url.Values{}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("withdrawing twice: status %d, want 400", res.StatusCode)
		}
		if head(t, s, id) != 1 {
			t.Errorf("the page moved to revision %d", head(t, s, id))
		}
		list := reader.page("/recent-changes?state=withdrawn", http.StatusOK)
		if got := list.Find("tr.changeset.withdrawn").Length(); got != 1 {
			t.Errorf("recent changes list %d withdrawn edits, want 1", got)
		}
	})
}

// pendingEntities are the entities a changeset waiting for review touches.
func (s *site) pendingEntities(t testing.TB, cs int64) []store.Entity {
	t.Helper()
	got, err := s.Store.Changeset(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	return got.Entities
}
