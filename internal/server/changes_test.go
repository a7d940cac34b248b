package server_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kioku/internal/auth"
)

// feedTitles fetches an Atom feed and returns its entries' titles.
func feedTitles(t *testing.T, c *client, path string) []string {
	t.Helper()
	res := c.get(path)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: status %d, type %q\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.NewDecoder(res.Body).Decode(&feed); err != nil {
		t.Fatalf("%s is not Atom: %v", path, err)
	}
	var out []string
	for _, e := range feed.Entries {
		if !strings.HasPrefix(e.Link.Href, "http://") {
			t.Errorf("feed entry link %q is not absolute", e.Link.Href)
		}
		out = append(out, e.Title)
	}
	return out
}

func TestRecentChangesFeedsAndPoints(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		trusted := s.signedIn(t, "tomo")
		id, path := newWork(t, trusted, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}})
		trusted.save("/new/person", url.Values{"name": {"Satoshi Kon"}, "edit_summary": {"new person"}})
		editor := s.signedInAs(t, "eri", auth.RoleEditor)
		moderator := s.signedInAs(t, "mika", auth.RoleModerator)
		editor.save(path+"/edit/basics", basics("Pending deck", "", head(t, s, id)))
		pending := pendingID(t, s)
		editor.save(path+"/edit/basics", basics("Rejected deck", "", head(t, s, id)))
		moderator.save(fmt.Sprintf("/changes/%d/reject", pendingID(t, s)), url.Values{"reason": {"No source."}})
		reader := s.anonymous(t)

		summaries := func(path string) []string {
			return texts(reader.page(path, http.StatusOK).Find("tr.changeset td.summary"))
		}
		for _, tc := range []struct{ query, want string }{
			{"", "deck Rejected deck|deck Pending deck|new person|new"},
			{"?kind=person", "new person"},
			{"?kind=work&state=accepted", "new"},
			{"?state=pending", "deck Pending deck"},
			{"?user=ERI", "deck Rejected deck|deck Pending deck"},
			{"?user=eri&state=rejected", "deck Rejected deck"},
		} {
			if got := strings.Join(summaries("/recent-changes"+tc.query), "|"); got != tc.want {
				t.Errorf("recent changes%s = %s, want %s", tc.query, got, tc.want)
			}
		}
		if got := text(reader.page("/recent-changes?state=rejected", http.StatusOK).Find("td.state .reason")); got != "No source." {
			t.Errorf("the rejection's reason in recent changes = %q", got)
		}
		if res := reader.get("/recent-changes?state=lost"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown state: status %d, want 400", res.StatusCode)
		}
		if got := feedTitles(t, reader, "/recent-changes.atom?kind=person"); len(got) != 1 || got[0] != "new person (Satoshi Kon)" {
			t.Errorf("feed of person changes = %q", got)
		}
		if got := feedTitles(t, reader, "/recent-changes.atom"); len(got) != 4 {
			t.Errorf("feed has %d entries, want 4: %q", len(got), got)
		}

		// A watchlist follows its pages, on the page and in a private feed.
		page := editor.page(path, http.StatusOK)
		if got := text(page.Find("#watch")); got != "Watch" {
			t.Fatalf("the watch button says %q", got)
		}
		editor.save(path+"/watch", url.Values{"watch": {"1"}})
		if got := text(editor.page(path, http.StatusOK).Find("#watch")); got != "Unwatch" {
			t.Errorf("after watching, the button says %q", got)
		}
		trusted.save(path+"/edit/basics", basics("Three films", "R", head(t, s, id)))
		list := editor.page("/watchlist", http.StatusOK)
		if got := texts(list.Find("#watched li")); len(got) != 1 || got[0] != "Memories" {
			t.Errorf("watched pages = %q", got)
		}
		if got := texts(list.Find("tr.changeset td.summary")); len(got) != 4 || got[0] != "deck Three films" {
			t.Errorf("watchlist changes = %q, want the four edits of Memories, newest first", got)
		}
		feed, _ := list.Find("#watchlist-feed").Attr("href")
		if got := feedTitles(t, s.anonymous(t), feed); len(got) != 4 {
			t.Errorf("watchlist feed, read without a session, has %d entries: %q", len(got), got)
		}
		if res := reader.get("/watchlist.atom?token=guess"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a watchlist feed with a wrong token: status %d, want 404", res.StatusCode)
		}
		editor.save(path+"/watch", url.Values{"watch": {"0"}})
		if got := texts(editor.page("/watchlist", http.StatusOK).Find("#watched li")); len(got) != 0 {
			t.Errorf("after unwatching, watched pages = %q", got)
		}

		// Points: one per changed field, on the page, the profile and the leaderboard.
		moderator.save(fmt.Sprintf("/changes/%d/approve", pending), url.Values{})
		profile := reader.page("/users/eri", http.StatusOK)
		if got := text(profile.Find("#points")); got != "1" {
			t.Errorf("eri's points = %q, want 1 (the deck)", got)
		}
		if got := texts(profile.Find("#rejected td.summary")); len(got) != 1 {
			t.Errorf("eri's rejected edits = %q", got)
		}
		if got := texts(profile.Find("#accepted td.summary")); len(got) != 1 || got[0] != "deck Pending deck" {
			t.Errorf("eri's accepted edits = %q", got)
		}
		board := texts(reader.page("/leaderboard", http.StatusOK).Find("li.leader a.editor"))
		if strings.Join(board, "|") != "tomo|eri" {
			t.Errorf("leaderboard = %q, want tomo then eri", board)
		}
		if res := reader.get("/users/nobody"); res.StatusCode != http.StatusNotFound {
			t.Errorf("profile of no one: status %d", res.StatusCode)
		}
	})
}
