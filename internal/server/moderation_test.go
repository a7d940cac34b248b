package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// signedInAs makes an account with the role and returns a client signed in to it.
func (s *site) signedInAs(t testing.TB, name string, role auth.Role) *client {
	t.Helper()
	s.addUserAs(t, name, "correct horse battery", role)
	c := s.anonymous(t)
	res := c.postRaw("/login", url.Values{"name": {name}, "password": {"correct horse battery"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", name, res.StatusCode)
	}
	doc := c.page("/search", http.StatusOK)
	c.csrf, _ = doc.Find(`form[action="/logout"] input[name=csrf]`).Attr("value")
	if c.csrf == "" {
		t.Fatal("no CSRF token on the page of a signed-in reader")
	}
	return c
}

// basics is the basics form of a film named Memories.
func basics(deck, rating string, base int) url.Values {
	return url.Values{"name": {"Memories"}, "medium": {"film"}, "deck": {deck}, "rating": {rating},
		"base": {strconv.Itoa(base)}, "edit_summary": {"deck " + deck}}
}

// head is the current revision of an entity.
func head(t testing.TB, s *site, id int64) int {
	t.Helper()
	e, err := s.Store.Entity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e.Head
}

// pendingID is the newest changeset waiting for review.
func pendingID(t testing.TB, s *site) int64 {
	t.Helper()
	list, err := s.Store.Changesets(context.Background(), store.ChangesetFilter{Status: store.StatusPending, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no pending changeset: %v", err)
	}
	return list[0].ID
}

func TestModerationFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}, "rating": {"PG-13"}})
		editor := s.signedInAs(t, "eri", auth.RoleEditor)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)
		reader := s.anonymous(t)
		deck := func(c *client) string { return text(c.page(path, http.StatusOK).Find("p.deck")) }

		// The editor's change waits: the page is unchanged, and tells the editor so.
		if loc := editor.save(path+"/edit/basics", basics("Three tales of memory", "PG-13", 1)); !strings.HasPrefix(loc, path) {
			t.Errorf("a pending edit went to %q, want the page", loc)
		}
		cs := pendingID(t, s)
		if got := deck(reader); got != "Three films" {
			t.Errorf("readers see deck %q before review, want the accepted one", got)
		}
		page := editor.page(path, http.StatusOK)
		if got := text(page.Find("#pending")); !strings.Contains(got, "waiting for review") || !strings.Contains(got, "deck Three tales of memory") {
			t.Errorf("the editor's page says %q, want their edit waiting for review", got)
		}
		// Its own page is public, and says it waits; only moderators get the buttons.
		shown := reader.page(fmt.Sprintf("/changes/%d", cs), http.StatusOK)
		if got := text(shown.Find(".byline .status")); got != "Waiting for review." || shown.Find("form.approve").Length() != 0 {
			t.Errorf("a reader sees the pending changeset as %q, with %d approve buttons", got, shown.Find("form.approve").Length())
		}

		// The queue shows it with its diff against the page as it is now, word by word.
		queue := moderator.page("/queue", http.StatusOK)
		row := queue.Find(fmt.Sprintf("#changeset-%d tr.change", cs))
		if got := strings.Join(texts(row.Find("td")), "|"); row.Length() != 1 || got != "Deck|changed|Three removed: films added: tales of memory" {
			t.Errorf("queue diff = %q", got)
		}
		if res := editor.get("/queue"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor opened the queue: %d", res.StatusCode)
		}
		moderator.save(fmt.Sprintf("/changes/%d/approve", cs), url.Values{})
		if got := deck(reader); got != "Three tales of memory" {
			t.Errorf("after approval readers see deck %q", got)
		}
		editors := texts(reader.page(path, http.StatusOK).Find("#top-editors li"))
		if len(editors) != 2 || !strings.HasPrefix(editors[1], "eri 1 point") {
			t.Errorf("top editors = %q, want tomo then eri with 1 point", editors)
		}

		// A rejected change never shows, and its author reads the reason.
		editor.save(path+"/edit/basics", basics("Vandalised", "PG-13", head(t, s, id)))
		cs = pendingID(t, s)
		if res, body := moderator.post(fmt.Sprintf("/changes/%d/reject", cs), url.Values{}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a rejection without a reason: status %d, want 400\n%s", res.StatusCode, body)
		}
		moderator.save(fmt.Sprintf("/changes/%d/reject", cs), url.Values{"reason": {"The deck is not a joke."}})
		if got := deck(reader); got != "Three tales of memory" {
			t.Errorf("after rejection readers see deck %q", got)
		}
		if got := text(editor.page(path, http.StatusOK).Find("#rejected .reason")); got != "The deck is not a joke." {
			t.Errorf("the editor reads the reason %q", got)
		}
		if got := text(editor.page(fmt.Sprintf("/changes/%d", cs), http.StatusOK).Find(".notice.rejected .reason")); got != "The deck is not a joke." {
			t.Errorf("the changeset page gives the reason %q", got)
		}
		if res, _ := moderator.post(fmt.Sprintf("/changes/%d/approve", cs), url.Values{}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("approving a rejected changeset: status %d, want 400", res.StatusCode)
		}

		// A new page with a new person in it waits as a whole, and is accepted as a whole.
		loc := editor.save("/new/work", url.Values{"name": {"Magnetic Rose"}, "medium": {"film"}, "edit_summary": {"new"}})
		if !strings.HasPrefix(loc, "/changes/") {
			t.Fatalf("a pending new page went to %q, want its changeset", loc)
		}
		if got := texts(reader.page("/search?q=Magnetic", http.StatusOK).Find(".search-results li")); len(got) != 0 {
			t.Errorf("search finds a page that waits for review: %q", got)
		}
		newWorkCS := pendingID(t, s)
		moderator.save(fmt.Sprintf("/changes/%d/approve", newWorkCS), url.Values{})
		found := reader.page("/search?q=Magnetic", http.StatusOK).Find(`.search-results a[href^="/anime/"]`)
		href, _ := found.Attr("href")
		if href == "" {
			t.Fatal("the approved page is not found")
		}
		roseID, _, _ := wiki.ParseRef(href[strings.LastIndex(href, "/")+1:])
		editor.save(href+"/edit/credits", url.Values{"person": {"Koji Morimoto"}, "role": {"Director"},
			"base": {strconv.Itoa(head(t, s, roseID))}, "edit_summary": {"director"}})
		credit := pendingID(t, s)
		if got := texts(moderator.page(fmt.Sprintf("/changes/%d", credit), http.StatusOK).Find(".part h3")); len(got) != 2 ||
			got[0] != "New person: Koji Morimoto" {
			t.Errorf("the changeset's parts = %q, want the new person then the work", got)
		}
		moderator.save(fmt.Sprintf("/changes/%d/approve", credit), url.Values{})
		if got := strings.Join(texts(reader.page(href, http.StatusOK).Find("tr.credit td")), "|"); got != "Koji Morimoto|Director|" {
			t.Errorf("credits after approval = %q", got)
		}
	})
}

func TestApprovingAfterThePageMovedOn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}, "rating": {"PG-13"}})
		editor := s.signedInAs(t, "eri", auth.RoleEditor)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)

		// The editor changes the deck; meanwhile a trusted editor changes the rating: they merge.
		editor.save(path+"/edit/basics", basics("Three tales of memory", "PG-13", 1))
		deckEdit := pendingID(t, s)
		trusted.save(path+"/edit/basics", basics("Three films", "R", 1))
		moderator.save(fmt.Sprintf("/changes/%d/approve", deckEdit), url.Values{})
		page := s.anonymous(t).page(path, http.StatusOK)
		if deck, rating := text(page.Find("p.deck")), text(page.Find("#rating")); deck != "Three tales of memory" || rating != "R" {
			t.Errorf("after merging, deck %q and rating %q; want both changes", deck, rating)
		}

		// Both change the deck: approving shows the conflict, with both versions, and changes nothing.
		base := head(t, s, id)
		editor.save(path+"/edit/basics", basics("Mine", "R", base))
		conflicting := pendingID(t, s)
		trusted.save(path+"/edit/basics", basics("Theirs", "R", base))
		res, body := moderator.post(fmt.Sprintf("/changes/%d/approve", conflicting), url.Values{})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Theirs") || !strings.Contains(body, "Mine") {
			t.Errorf("approving a conflicting edit: status %d, want 409 with both versions\n%s", res.StatusCode, body)
		}
		cs, err := s.Store.Changeset(context.Background(), conflicting)
		if err != nil || cs.Status != store.StatusPending {
			t.Errorf("after the refused approval the changeset is %q (%v), want still pending", cs.Status, err)
		}
		if got := text(s.anonymous(t).page(path, http.StatusOK).Find("p.deck")); got != "Theirs" {
			t.Errorf("deck = %q, want the accepted one", got)
		}
	})
}

func TestLocksAndTrust(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		edits := s.Instance.App.Edits()
		edits.TrustAfter = 2
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}, "deck": {"d0"}})
		editor := s.signedInAs(t, "eri", auth.RoleEditor)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)

		moderator.save(path+"/lock", url.Values{"locked": {"1"}})
		if got := text(s.anonymous(t).page(path, http.StatusOK).Find("#locked")); !strings.Contains(got, "locked") {
			t.Errorf("a locked page says %q", got)
		}
		res, body := editor.post(path+"/edit/basics", basics("d1", "", head(t, s, id)))
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "only trusted editors") {
			t.Errorf("an editor's edit of a locked page: status %d, want 403 saying why\n%s", res.StatusCode, body)
		}
		trusted.save(path+"/edit/basics", basics("d1", "", head(t, s, id)))
		if res, _ := editor.post(path+"/lock", url.Values{"locked": {"0"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor unlocked a page: status %d", res.StatusCode)
		}
		moderator.save(path+"/lock", url.Values{"locked": {"0"}})

		// Two accepted edits make the editor trusted: the third shows at once.
		for i := 2; i <= 3; i++ {
			editor.save(path+"/edit/basics", basics(fmt.Sprintf("d%d", i), "", head(t, s, id)))
			moderator.save(fmt.Sprintf("/changes/%d/approve", pendingID(t, s)), url.Values{})
		}
		u, err := s.Store.UserByName(context.Background(), "eri")
		if err != nil || u.Role != string(auth.RoleTrusted) || u.AcceptedEdits != 2 {
			t.Fatalf("after two accepted edits: role %q, %d accepted (%v)", u.Role, u.AcceptedEdits, err)
		}
		editor.save(path+"/edit/basics", basics("d4", "", head(t, s, id)))
		if got := text(s.anonymous(t).page(path, http.StatusOK).Find("p.deck")); got != "d4" {
			t.Errorf("the newly trusted editor's edit shows deck %q, want d4", got)
		}
	})
}

func TestEditLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		s.Instance.App.Edits().EditsPerHour = 3
		c := s.signedIn(t, "tomo")
		id, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		for i := range 2 {
			c.save(path+"/edit/basics", basics(fmt.Sprint(i), "", head(t, s, id)))
		}
		res, body := c.post(path+"/edit/basics", basics("one too many", "", head(t, s, id)))
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "3 edits in the last hour") || res.Header.Get("Retry-After") == "" {
			t.Errorf("the fourth edit in an hour: status %d, Retry-After %q, want 429 saying why\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)
		for i := range 4 {
			moderator.save(path+"/edit/basics", basics(fmt.Sprint("m", i), "", head(t, s, id)))
		}
	})
}

func TestConcurrentEditors(t *testing.T) {
	// The fifty edits queue on one page's row. On a loaded machine, under the race detector, the
	// last of them could wait past a request's usual deadline with PostgreSQL, which answers 503
	// and saves nothing (the outage tests cover that); here every edit gets the time to land.
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			s := startSiteWith(t, storetest.Open(t, engine), os.Stderr, web.Settings{Password: cheap, DatabaseTimeout: time.Minute})
			concurrentEditors(t, s)
		})
	}
}

func concurrentEditors(t *testing.T, s *site) {
	owner := s.signedIn(t, "tomo")
	id, path := newWork(t, owner, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}})
	const n = 50
	editors := make([]*client, n)
	for i := range editors {
		editors[i] = s.signedIn(t, fmt.Sprintf("editor%02d", i))
	}
	// Every editor opened the form at the same revision and adds a different credit.
	base := strconv.Itoa(head(t, s, id))
	var wg sync.WaitGroup
	status := make([]int, n)
	for i, c := range editors {
		wg.Go(func() {
			res := c.postRaw(path+"/edit/credits", url.Values{"person": {fmt.Sprintf("Animator %02d", i)}, "role": {"Key Animator"},
				"base": {base}, "edit_summary": {"credit"}, "csrf": {c.csrf}})
			res.Body.Close()
			status[i] = res.StatusCode
		})
	}
	wg.Wait()
	for i, st := range status {
		if st != http.StatusSeeOther {
			t.Errorf("editor %d: status %d, want 303", i, st)
		}
	}
	credits := texts(s.anonymous(t).page(path, http.StatusOK).Find("tr.credit td.person"))
	if len(credits) != n {
		t.Errorf("%d credits on the page, want %d", len(credits), n)
	}
	seen := map[string]bool{}
	for _, c := range credits {
		seen[c] = true
	}
	for i := range n {
		if name := fmt.Sprintf("Animator %02d", i); !seen[name] {
			t.Errorf("credit of %s was lost", name)
		}
	}

	// Two editors change the same field from the same revision: one is accepted, the other
	// is shown the conflict, and nothing is lost or overwritten.
	base = strconv.Itoa(head(t, s, id))
	var results [2]int
	var bodies [2]string
	for i, deck := range []string{"First", "Second"} {
		wg.Go(func() {
			v := basics(deck, "", 0)
			v.Set("base", base)
			res, body := editors[i].post(path+"/edit/basics", v)
			results[i], bodies[i] = res.StatusCode, body
		})
	}
	wg.Wait()
	won, lost := 0, 1
	if results[1] == http.StatusSeeOther {
		won, lost = 1, 0
	}
	if results[won] != http.StatusSeeOther || results[lost] != http.StatusConflict {
		t.Fatalf("same field from the same base: statuses %v, want one 303 and one 409", results)
	}
	winner := []string{"First", "Second"}[won]
	if !strings.Contains(bodies[lost], winner) {
		t.Errorf("the conflict page does not show the accepted value %q:\n%s", winner, bodies[lost])
	}
	if got := text(s.anonymous(t).page(path, http.StatusOK).Find("p.deck")); got != winner {
		t.Errorf("deck = %q, want %q", got, winner)
	}
	revs, err := s.Store.Revisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2+n {
		t.Errorf("%d revisions, want %d: one per accepted edit", len(revs), 2+n)
	}
}

func TestQueueFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}})
		eri := s.signedInAs(t, "eri", auth.RoleEditor)
		ren := s.signedInAs(t, "ren", auth.RoleEditor)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)
		eri.save(path+"/edit/basics", basics("by eri", "", head(t, s, id)))
		ren.save("/new/person", url.Values{"name": {"Satoshi Kon"}, "edit_summary": {"person by ren"}})
		ren.save(path+"/edit/basics", basics("by ren", "", head(t, s, id)))
		summaries := func(query string) string {
			return strings.Join(texts(moderator.page("/queue"+query, http.StatusOK).Find("section.changeset h2 q.summary")), "|")
		}
		for query, want := range map[string]string{
			"":                      "deck by eri|person by ren|deck by ren",
			"?kind=person":          "person by ren",
			"?editor=REN":           "person by ren|deck by ren",
			"?kind=work&editor=ren": "deck by ren",
			"?editor=nobody":        "",
		} {
			if got := summaries(query); got != want {
				t.Errorf("queue%s = %q, want %q (oldest first)", query, got, want)
			}
		}
		if res := moderator.get("/queue?kind=spaceship"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("queue of an unknown kind: status %d, want 400", res.StatusCode)
		}
	})
}
