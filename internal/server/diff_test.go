package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestDiffWords edits one word of a long description and checks that the diff page shows that
// word removed and its replacement added, inline, with the unchanged text shortened rather than
// shown twice.
func TestDiffWords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		id, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		para := strings.Repeat("Three stories of memory, loss and <machines> in space & on Earth. ", 40)
		before := para + "The last segment is a quiet satire of war. " + para
		after := para + "The last segment is a bitter satire of war. " + para
		basics := func(description, summary string) url.Values {
			return url.Values{"name": {"Memories"}, "medium": {"film"}, "description": {description}, "edit_summary": {summary}}
		}
		c.section(s, id, "basics", basics(before, "description"))
		c.section(s, id, "basics", basics(after, "one word"))

		page := c.page(path+"/diff", http.StatusOK)
		row := page.Find("tr.change.changed").FilterFunction(func(_ int, r *goquery.Selection) bool {
			return text(r.Find(".field")) == "Description"
		})
		if row.Length() != 1 {
			t.Fatalf("diff has %d Description rows, want 1", row.Length())
		}
		if got := texts(row.Find("del")); len(got) != 1 || got[0] != "removed: quiet" {
			t.Errorf("removed text = %q, want [removed: quiet]", got)
		}
		if got := texts(row.Find("ins")); len(got) != 1 || got[0] != "added: bitter" {
			t.Errorf("added text = %q, want [added: bitter]", got)
		}
		if row.Find(".old, .new").Length() != 0 {
			t.Error("the changed description is also shown whole, before and after")
		}
		if row.Find(".skipped").Length() != 2 {
			t.Errorf("%d unchanged stretches shortened, want 2", row.Find(".skipped").Length())
		}
		html, _ := row.Html()
		if n := strings.Count(html, "Three stories of memory"); n > 2 {
			t.Errorf("the unchanged text appears %d times in the row, want it shortened", n)
		}
		res := c.get(path + "/diff")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "<machines>") {
			t.Error("the description's text is not escaped in the diff")
		}
		if got, want := text(row.Find(".words")), "… (unchanged text left out) space & on Earth. The last segment is a removed: quiet added: bitter satire of war. Three stories of memory, loss … (unchanged text left out)"; got != want {
			t.Errorf("diff row reads\n%q, want\n%q", got, want)
		}
	})
}
