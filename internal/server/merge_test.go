package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/wiki"
)

// TestMergeForm: a moderator finds the duplicate offered on the merge page, compares the two
// pages, and merges; the merged address then redirects, its history stays, search and ids find
// the kept page, and reverting from the merged page's history brings it back. Others get 403.
func TestMergeForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		mod := s.signedInAs(t, "mod", auth.RoleModerator)
		ann := s.signedIn(t, "ann")
		annID := userID(t, s, "ann")
		svc := &edit.Service{Store: s.Store}
		var dup, kept, work int64
		_, err := svc.Apply(ctx, annID, "new pages", func(c *edit.Changes) error {
			var err error
			if dup, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", BirthPlace: "Sapporo",
				ExternalIDs: []wiki.ExternalID{{Site: "madb", ID: "M100"}, {Site: "wikidata", ID: "Q1"}}}); err != nil {
				return err
			}
			if kept, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", NativeName: "今敏",
				ExternalIDs: []wiki.ExternalID{{Site: "wikidata", ID: "Q2"}}}); err != nil {
				return err
			}
			work, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm,
				Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(dup), Role: "Writer"}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		dupPath := wiki.Path("person", dup, "Satoshi Kon")
		keptPath := wiki.Path("person", kept, "Satoshi Kon")
		workPath := wiki.Path("anime", work, "Memories")
		anon := s.anonymous(t)
		anon.page(dupPath, http.StatusOK) // cached for readers who are not signed in

		// Only moderators may merge, and only they see the link.
		for name, c := range map[string]*client{"anonymous": anon, "trusted editor": ann} {
			if res := c.get(dupPath + "/merge"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: GET merge = %d, want 403", name, res.StatusCode)
			}
			if res, _ := c.post(dupPath+"/merge", url.Values{"into": {fmt.Sprint(kept)}, "confirm": {"1"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: POST merge = %d, want 403", name, res.StatusCode)
			}
		}
		if ann.page(dupPath, http.StatusOK).Find("a#merge").Length() != 0 {
			t.Error("a trusted editor is offered to merge")
		}
		if href, _ := mod.page(dupPath, http.StatusOK).Find("a#merge").Attr("href"); href != dupPath+"/merge" {
			t.Errorf("moderator's merge link = %q", href)
		}

		// The page with the same name is offered; naming it shows both pages.
		doc := mod.page(dupPath+"/merge", http.StatusOK)
		if href, _ := doc.Find("#merge-choices a.merge-into").Attr("href"); href != dupPath+"/merge?into=%23"+fmt.Sprint(kept) {
			t.Errorf("offered merge = %q", href)
		}
		for _, into := range []string{"#" + fmt.Sprint(kept), keptPath, s.URL + keptPath, fmt.Sprintf("Satoshi Kon (#%d)", kept)} {
			doc = mod.page(dupPath+"/merge?into="+url.QueryEscape(into), http.StatusOK)
			if got, _ := doc.Find(`#merge-confirm input[name=into]`).Attr("value"); got != fmt.Sprint(kept) {
				t.Errorf("into %q: confirmation names %q, want %d", into, got, kept)
			}
		}
		if got := text(doc.Find("#merge-from h2")); !strings.Contains(got, "Satoshi Kon") || !strings.Contains(got, fmt.Sprint(dup)) {
			t.Errorf("merged side = %q", got)
		}
		if got := text(doc.Find("#merge-from")); !strings.Contains(got, "Sapporo") || !strings.Contains(got, "1 page points to it") {
			t.Errorf("merged side = %q, want its facts and its one referrer", got)
		}
		if got := text(doc.Find("#merge-into")); !strings.Contains(got, "今敏") {
			t.Errorf("kept side = %q, want its native name", got)
		}
		if got := text(doc.Find("#merge-dropped")); !strings.Contains(got, "Wikidata Q1 stays on the redirect") {
			t.Errorf("what the kept page does not take = %q, want the Wikidata id", got)
		}
		// Pages that cannot be kept are refused on the form, not with an error.
		for into, want := range map[string]string{
			"Nobody":                               "No other person",
			"Memories (#" + fmt.Sprint(work) + ")": "is a work",
			"#" + fmt.Sprint(dup):                  "into itself",
			"#99999999":                            "no page #99999999",
			strings.Repeat("x", 301):               "",
		} {
			res := mod.get(dupPath + "/merge?into=" + url.QueryEscape(into))
			res.Body.Close()
			if want == "" {
				if res.StatusCode != http.StatusBadRequest {
					t.Errorf("into %.20q: status %d, want 400", into, res.StatusCode)
				}
				continue
			}
			if got := text(mod.page(dupPath+"/merge?into="+url.QueryEscape(into), http.StatusOK).Find(".problems")); !strings.Contains(got, want) {
				t.Errorf("into %q: problems %q, want %q", into, got, want)
			}
		}
		for _, v := range []url.Values{{"into": {"abc"}, "confirm": {"1"}}, {"into": {fmt.Sprint(kept)}}, {"into": {fmt.Sprint(work)}, "confirm": {"1"}}} {
			if res, body := mod.post(dupPath+"/merge", v); res.StatusCode != http.StatusBadRequest {
				t.Errorf("POST %v = %d, want 400\n%.500s", v, res.StatusCode, body)
			}
		}

		// The merge.
		if loc := mod.save(dupPath+"/merge", url.Values{"into": {fmt.Sprint(kept)}, "confirm": {"1"}, "edit_summary": {"one person"}}); loc != keptPath {
			t.Errorf("merge went to %q, want %q", loc, keptPath)
		}
		for name, c := range map[string]*client{"anonymous": anon, "moderator": mod} {
			res := c.get(dupPath)
			res.Body.Close()
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != keptPath {
				t.Errorf("%s: GET the merged page = %d to %q, want 301 to %s", name, res.StatusCode, res.Header.Get("Location"), keptPath)
			}
		}
		history := texts(anon.page(dupPath+"/history", http.StatusOK).Find("table tbody tr, ol li"))
		if len(history) < 2 || !strings.Contains(strings.Join(history, "\n"), "one person") {
			t.Errorf("history of the merged page = %q, want its two revisions", history)
		}
		if a, _ := anon.page(workPath, http.StatusOK).Find(`a[href="` + keptPath + `"]`).Attr("href"); a == "" {
			t.Error("the work does not link to the kept page")
		}
		for _, path := range []string{"/search?q=satoshi+kon", "/external/madb/M100", "/external/wikidata/Q1", "/external/wikidata/Q2"} {
			res := anon.get(path)
			res.Body.Close()
			if loc := res.Header.Get("Location"); loc != keptPath {
				t.Errorf("GET %s = %d to %q, want the kept page", path, res.StatusCode, loc)
			}
		}

		// A trusted editor may not revert the merge; a moderator reverts it from the history.
		if res, _ := ann.post(dupPath+"/revert", url.Values{"revision": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("trusted editor's revert of the merge = %d, want 403", res.StatusCode)
		}
		mod.save(dupPath+"/revert", url.Values{"revision": {"1"}})
		anon.page(dupPath, http.StatusOK)
		if a, _ := anon.page(workPath, http.StatusOK).Find(`a[href="` + dupPath + `"]`).Attr("href"); a == "" {
			t.Error("after the revert, the work does not link to the merged page again")
		}
	})
}

func userID(t *testing.T, s *site, name string) int64 {
	t.Helper()
	u, err := s.Store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
