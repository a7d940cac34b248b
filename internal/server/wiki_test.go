package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/wiki"
)

// newWork creates a work through the form and returns its id and address.
func newWork(t testing.TB, c *client, name string, extra url.Values) (int64, string) {
	t.Helper()
	v := url.Values{"name": {name}, "medium": {"tv"}, "edit_summary": {"new"}}
	for k, vs := range extra {
		v[k] = vs
	}
	loc := c.save("/new/work", v)
	id, _, err := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
	if err != nil {
		t.Fatalf("new work went to %q", loc)
	}
	return id, loc
}

func TestHistoryDiffRevert(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		id, path := newWork(t, c, "Memories", url.Values{"rating": {"PG"}, "medium": {"film"}})
		c.section(s, id, "basics", url.Values{"name": {"Memories"}, "medium": {"film"}, "rating": {"R"}, "runtime_minutes": {"115"}, "edit_summary": {"rating and runtime"}})
		c.section(s, id, "credits", url.Values{"person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"writer"}})

		hist := c.page(path+"/history", http.StatusOK)
		if got := texts(hist.Find("tr.revision td.summary")); strings.Join(got, "|") != "writer|rating and runtime|new" {
			t.Errorf("history summaries = %q", got)
		}
		if got := texts(hist.Find("tr.revision td.author")); len(got) != 3 || got[0] != "ann" {
			t.Errorf("history authors = %q", got)
		}

		diff := c.page(path+"/diff?from=1&to=2", http.StatusOK)
		changes := map[string][3]string{}
		diff.Find("tr.change").Each(func(_ int, row *goquery.Selection) {
			changes[text(row.Find(".field"))] = [3]string{text(row.Find(".op")), text(row.Find(".old")), text(row.Find(".new"))}
		})
		if got, want := changes["Rating"], [3]string{"changed", "PG", "R"}; got != want {
			t.Errorf("diff of Rating = %q, want %q", got, want)
		}
		if got, want := changes["Runtime (minutes)"], [3]string{"changed", "", "115"}; got != want {
			t.Errorf("diff of runtime = %q, want %q", got, want)
		}
		if len(changes) != 2 {
			t.Errorf("diff 1→2 lists %d fields, want 2: %v", len(changes), changes)
		}
		added := c.page(path+"/diff", http.StatusOK) // the current revision against its parent
		if got := text(added.Find("tr.change.added .new")); got != "Satoshi Kon — Writer" {
			t.Errorf("added credit in diff = %q", got)
		}

		// Reverting to revision 1 makes revision 4, and the page shows revision 1's facts again.
		c.save(path+"/revert", url.Values{"revision": {"1"}})
		page := c.page(path, http.StatusOK)
		if got := text(page.Find("#rating")); got != "PG" {
			t.Errorf("rating after revert = %q, want PG", got)
		}
		if page.Find("#credits tr.credit").Length() != 0 {
			t.Error("the credit is still on the page after reverting to before it")
		}
		e, _ := s.Store.Entity(context.Background(), id)
		if e.Head != 4 {
			t.Errorf("head after revert = %d, want 4", e.Head)
		}
		back := c.page(path+"/diff?from=3&to=4", http.StatusOK)
		if got := text(back.Find("tr.change.removed .old")); got != "Satoshi Kon — Writer" {
			t.Errorf("diff 3→4 removed %q, want the credit", got)
		}
		// The person's page no longer lists the reverted credit.
		kon, _ := s.Store.EntitiesByName(context.Background(), wiki.KindPerson, "Satoshi Kon")
		if n := c.page(kon[0].Path(), http.StatusOK).Find("#credits li.credit").Length(); n != 0 {
			t.Errorf("Kon's page lists %d credits after the revert, want 0", n)
		}
	})
}

func TestSameNameAndSlugs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		first := c.save("/new/person", url.Values{"name": {"Hiroshi Tanaka"}, "summary": {"Animator."}, "edit_summary": {"new"}})
		// The second is a different person of the same name: the form asks, and is told so.
		second := c.save("/new/person", url.Values{"name": {"Hiroshi Tanaka"}, "summary": {"Composer."}, "different": {"1"}, "edit_summary": {"new"}})
		if first == second {
			t.Fatalf("two people of one name share the address %s", first)
		}
		for path, want := range map[string]string{first: "Animator.", second: "Composer."} {
			if got := text(c.page(path, http.StatusOK).Find("#summary")); got != want {
				t.Errorf("%s: summary %q, want %q", path, got, want)
			}
		}
		id, path := newWork(t, c, "Tokyo Story", nil)
		e, _ := s.Store.Entity(context.Background(), id)
		// A plain name that two pages share is refused with both choices listed.
		res, body := c.post(path+"/edit/credits", url.Values{"base": {strconv.Itoa(e.Head)}, "person": {"Hiroshi Tanaka"},
			"role": {"Music"}, "edit_summary": {"music"}})
		secondID, _, _ := wiki.ParseRef(second[strings.LastIndex(second, "/")+1:])
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Hiroshi Tanaka (#"+strconv.FormatInt(secondID, 10)+")") {
			t.Fatalf("ambiguous name: status %d, want 400 listing both people\n%s", res.StatusCode, body)
		}
		// Naming one by its id picks it.
		c.section(s, id, "credits", url.Values{"person": {"Hiroshi Tanaka (#" + strconv.FormatInt(secondID, 10) + ")"}, "role": {"Music"}, "edit_summary": {"music"}})
		if got, _ := c.page(path, http.StatusOK).Find("#credits .person a").Attr("href"); got != second {
			t.Errorf("credit links to %q, want %q", got, second)
		}

		// Old and wrong slugs, and a wrong kind segment, redirect to the canonical address.
		for _, p := range []string{"/anime/" + strconv.FormatInt(id, 10), "/anime/" + strconv.FormatInt(id, 10) + "-wrong",
			"/manga/" + strconv.FormatInt(id, 10) + "-tokyo-story", "/person/" + strconv.FormatInt(id, 10) + "-tokyo-story"} {
			res := c.get(p)
			res.Body.Close()
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != path {
				t.Errorf("GET %s: %d to %q, want 301 to %s", p, res.StatusCode, res.Header.Get("Location"), path)
			}
		}
		c.section(s, id, "basics", url.Values{"name": {"Tokyo Godfathers"}, "medium": {"film"}, "edit_summary": {"rename"}})
		res = c.get(path)
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusMovedPermanently || loc != "/anime/"+strconv.FormatInt(id, 10)+"-tokyo-godfathers" {
			t.Errorf("old address after rename: %d to %q", res.StatusCode, loc)
		}
		// Unknown ids and addresses are a proper 404 page.
		for _, p := range []string{"/anime/99999-nothing", "/person/abc", "/nowhere", "/anime/99999-nothing/history"} {
			doc := c.page(p, http.StatusNotFound)
			if got := text(doc.Find("h1")); got != "No such page" {
				t.Errorf("GET %s: heading %q, want the 404 page", p, got)
			}
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c := s.signedIn(t, "ann")
		_, path := newWork(t, c, "Memories", nil)
		count := func() (n int) {
			if err := s.Store.DB().QueryRow(`SELECT COUNT(*) FROM revisions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		tests := []struct {
			name   string
			path   string
			form   url.Values
			status int
			says   string
		}{
			{"credit without role", path + "/edit/credits", url.Values{"base": {"1"}, "person": {"Satoshi Kon"}, "edit_summary": {"x"}}, 400, "needs a role"},
			{"no base", path + "/edit/credits", url.Values{"person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"x"}}, 400, "revision it was made from"},
			{"base from the future", path + "/edit/credits", url.Values{"base": {"7"}, "person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"x"}}, 400, "does not exist"},
			{"bad date", path + "/edit/releases", url.Values{"base": {"1"}, "region": {"JP"}, "title": {"メモリーズ"}, "date": {"23.12.1995"}, "edit_summary": {"x"}}, 400, "is not a date"},
			{"bad runtime", path + "/edit/basics", url.Values{"base": {"1"}, "name": {"Memories"}, "medium": {"film"}, "runtime_minutes": {"long"}, "edit_summary": {"x"}}, 400, "whole number"},
			{"unknown medium", "/new/work", url.Values{"name": {"X"}, "medium": {"radio"}, "edit_summary": {"x"}}, 400, "not one of the known media"},
			{"nameless work", "/new/work", url.Values{"medium": {"tv"}, "edit_summary": {"x"}}, 400, "name is required"},
			{"voice without character", path + "/edit/characters", url.Values{"base": {"1"}, "voice_person": {"Someone"}, "voice_language": {"ja"}, "edit_summary": {"x"}}, 400, "name the character"},
			{"nothing changed", path + "/edit/credits", url.Values{"base": {"1"}, "edit_summary": {"x"}}, 400, "changes nothing"},
			{"unknown section", path + "/edit/nonsense", url.Values{"base": {"1"}, "edit_summary": {"x"}}, 404, "No such page"},
			{"unknown kind", "/new/spaceship", url.Values{"name": {"X"}, "edit_summary": {"x"}}, 404, "No such page"},
		}
		for _, tt := range tests {
			res, body := c.post(tt.path, tt.form)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("%s: status %d, want %d saying %q\n%s", tt.name, res.StatusCode, tt.status, tt.says, body)
			}
		}
		if after := count(); after != before {
			t.Errorf("revisions went from %d to %d after refused edits", before, after)
		}
		if list, _ := s.Store.EntitiesByName(ctx, wiki.KindPerson, "Satoshi Kon"); len(list) != 0 {
			t.Error("a refused credit left its person behind")
		}

		// Without a session, or without the session's CSRF token, or from another site: refused.
		form := url.Values{"base": {"1"}, "person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"x"}}
		anon := s.anonymous(t)
		if res, body := anon.post(path+"/edit/credits", form); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "sign in") {
			t.Errorf("edit without a session: %d, want 403 asking to sign in", res.StatusCode)
		}
		forged := url.Values{"csrf": {"forged"}}
		for k, v := range form {
			forged[k] = v
		}
		if res, _ := c.post(path+"/edit/credits", forged); res.StatusCode != http.StatusForbidden {
			t.Errorf("edit with a wrong CSRF token: %d, want 403", res.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+path+"/edit/credits", strings.NewReader(url.Values{"csrf": {c.csrf}, "base": {"1"},
			"person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: %d, want 403", res.StatusCode)
		}
		if after := count(); after != before {
			t.Errorf("revisions went from %d to %d after refused posts", before, after)
		}
	})
}

func TestHostileWikiTextIsHarmless(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		hostile := strings.Join([]string{
			`<script>alert(1)</script>`,
			`[click](javascript:alert(1)) and [again](JaVaScRiPt:alert(2))`,
			`<img src=x onerror=alert(3)>`,
			`<a href="#" onclick="alert(4)">x</a>`,
			`<!-- a comment -->`,
			`<div><p><b onmouseover=alert(5)>nested</b></p></div>`,
			`[[<script>alert(6)</script>]]`,
			`<iframe src="https://example.com"></iframe><svg onload=alert(7)>`,
		}, "\n\n")
		_, path := newWork(t, c, "Hostile", url.Values{"description": {hostile}})
		doc := s.anonymous(t).page(path, http.StatusOK)
		desc := doc.Find("#description")
		if desc.Find("script, iframe, svg, img, object, embed, style").Length() > 0 {
			html, _ := desc.Html()
			t.Errorf("live elements survived:\n%s", html)
		}
		desc.Find("*").Each(func(_ int, el *goquery.Selection) {
			for _, a := range el.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("event attribute %s=%q survived", a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src") && strings.Contains(strings.ToLower(a.Val), "script:") {
					t.Errorf("%s=%q survived", a.Key, a.Val)
				}
			}
		})
		html, _ := desc.Html()
		if strings.Contains(html, "<!--") {
			t.Errorf("an HTML comment survived:\n%s", html)
		}
		if !strings.Contains(desc.Text(), "nested") {
			t.Errorf("the harmless text was lost:\n%s", html)
		}
	})
}

// TestSummaryWrittenWhenLeftOut: an edit saved without a summary gets one written from what it
// changed, in the history and on the changeset.
func TestSummaryWrittenWhenLeftOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		id, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		c.section(s, id, "credits", url.Values{"person": {"Satoshi Kon"}, "role": {"Writer"}})
		if got := text(c.page(path+"/history", http.StatusOK).Find("body")); !strings.Contains(got, "Memories: credits +1") {
			t.Errorf("history without the written summary:\n%s", got)
		}
		var summary string
		if err := s.Store.DB().QueryRow(`SELECT summary FROM changesets ORDER BY id DESC LIMIT 1`).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if summary != "new person Satoshi Kon; Memories: credits +1" {
			t.Errorf("changeset summary %q", summary)
		}
	})
}
