package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/edit"
	"kioku/internal/images"
	"kioku/internal/images/imagetest"
	"kioku/internal/wiki"
)

// library is a few entities to list: two genres, a person, four works and an episode.
type library struct {
	scifi, drama, kon                   int64
	memories, perfectBlue, bebop, akira int64
	episode                             int64
}

func (s *site) library() library {
	var l library
	l.scifi = s.create(wiki.KindGenre, &wiki.Topic{Name: "Science fiction"})
	l.drama = s.create(wiki.KindGenre, &wiki.Topic{Name: "Drama"})
	l.kon = s.create(wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", NativeName: "今 敏"})
	l.memories = s.create(wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm, StartDate: "1995-12-23",
		OriginalTitle: "MEMORIES", Genres: []wiki.Ref{wiki.Ref(l.scifi)},
		Credits:     []wiki.Credit{{Key: "c1", Person: wiki.Ref(l.kon), Role: "Screenplay", Note: "Magnetic Rose"}},
		ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "262"}}})
	l.perfectBlue = s.create(wiki.KindWork, &wiki.Work{Name: "Perfect Blue", Medium: wiki.MediumFilm, StartDate: "1997-08-05",
		Genres:  []wiki.Ref{wiki.Ref(l.drama)},
		Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(l.kon), Role: "Director"}}})
	l.bebop = s.create(wiki.KindWork, &wiki.Work{Name: "Cowboy Bebop", Medium: wiki.MediumTV, StartDate: "1998-04-03",
		Episodes: 26, Genres: []wiki.Ref{wiki.Ref(l.scifi)}, ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "23"}}})
	l.akira = s.create(wiki.KindWork, &wiki.Work{Name: "Akira", Medium: wiki.MediumFilm, StartDate: "1988-07-16"})
	l.episode = s.create(wiki.KindEpisode, &wiki.Episode{Work: wiki.Ref(l.bebop), Number: 1, Name: "Asteroid Blues"})
	return l
}

func TestListsFilterSortAndFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		l := s.library()
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{"Memories", "Perfect Blue", "Cowboy Bebop", "Akira"}},
			{"sort=-id", []string{"Akira", "Cowboy Bebop", "Perfect Blue", "Memories"}},
			{"sort=name", []string{"Akira", "Cowboy Bebop", "Memories", "Perfect Blue"}},
			{"sort=-name", []string{"Perfect Blue", "Memories", "Cowboy Bebop", "Akira"}},
			{"sort=year", []string{"Akira", "Memories", "Perfect Blue", "Cowboy Bebop"}},
			{"sort=-year", []string{"Cowboy Bebop", "Perfect Blue", "Memories", "Akira"}},
			{"filter=type:film&sort=name", []string{"Akira", "Memories", "Perfect Blue"}},
			{"filter=type:film,year:1995-1997", []string{"Memories", "Perfect Blue"}},
			{"filter=year:1998", []string{"Cowboy Bebop"}},
			{fmt.Sprintf("filter=genre:%d", l.scifi), []string{"Memories", "Cowboy Bebop"}},
			{fmt.Sprintf("filter=type:film&filter=genre:%d", l.scifi), []string{"Memories"}},
			{fmt.Sprintf("filter=person:%d&sort=-year", l.kon), []string{"Perfect Blue", "Memories"}},
			{"filter=anidb:262", []string{"Memories"}},
			{"filter=external:anidb:23", []string{"Cowboy Bebop"}},
			{"filter=anidb:999", nil},
			{"filter=name:" + url.QueryEscape("  MEMORIES "), []string{"Memories"}},
		} {
			got := s.list("/api/v1/works?" + tc.query)
			if diff := cmp.Diff(tc.want, got.names()); diff != "" {
				t.Errorf("works?%s (-want +got):\n%s", tc.query, diff)
			}
			if got.Total != len(tc.want) {
				t.Errorf("works?%s: total %d, want %d", tc.query, got.Total, len(tc.want))
			}
		}

		// A list writes each work's own fields and facts by default; fields picks others,
		// references resolved.
		def := s.list("/api/v1/works?filter=anidb:262").Results[0]
		for _, f := range []string{"id", "kind", "name", "revision", "api_url", "site_url", "medium", "start_date", "original_title"} {
			if _, ok := def[f]; !ok {
				t.Errorf("a work in a list has no %s: %v", f, def)
			}
		}
		if _, ok := def["credits"]; ok {
			t.Errorf("a work in a list has its credits without asking: %v", def)
		}
		picked := s.list("/api/v1/works?filter=anidb:262&fields=name,credits").Results[0]
		if len(picked) != 3 {
			t.Errorf("fields=name,credits gave %v, want id, name and credits", picked)
		}
		person := picked["credits"].([]any)[0].(map[string]any)["person"].(map[string]any)
		wantPerson := map[string]any{"id": float64(l.kon), "kind": "person", "name": "Satoshi Kon",
			"api_url": fmt.Sprintf("/api/v1/people/%d", l.kon), "site_url": fmt.Sprintf("/person/%d-satoshi-kon", l.kon)}
		if diff := cmp.Diff(wantPerson, person); diff != "" {
			t.Errorf("a credit's person (-want +got):\n%s", diff)
		}

		// Episodes by work; other kinds by name.
		if got := s.list(fmt.Sprintf("/api/v1/episodes?filter=work:%d", l.bebop)).names(); !slices.Equal(got, []string{"Asteroid Blues"}) {
			t.Errorf("episodes of Cowboy Bebop: %v", got)
		}
		if got := s.list("/api/v1/genres?sort=name").names(); !slices.Equal(got, []string{"Drama", "Science fiction"}) {
			t.Errorf("genres: %v", got)
		}
		for _, c := range []string{"characters", "companies", "franchises", "themes", "concepts"} {
			if got := s.list("/api/v1/" + c); got.Total != 0 || len(got.Results) != 0 {
				t.Errorf("%s: %+v", c, got)
			}
		}

		// sort=updated follows the edits.
		s.update(l.memories, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm, StartDate: "1995-12-23"}, "Shorter")
		if got := s.list("/api/v1/works?sort=-updated&limit=1").names(); !slices.Equal(got, []string{"Memories"}) {
			t.Errorf("most recently updated: %v", got)
		}
	})
}

func TestDetails(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		l := s.library()
		var w map[string]any
		s.get(fmt.Sprintf("/api/v1/works/%d", l.memories), http.StatusOK).decode(t, &w)
		if w["name"] != "Memories" || w["medium"] != "film" || w["kind"] != "work" || w["revision"] != float64(1) {
			t.Errorf("Memories: %v", w)
		}
		genre := w["genres"].([]any)[0].(map[string]any)
		if genre["name"] != "Science fiction" || genre["api_url"] != fmt.Sprintf("/api/v1/genres/%d", l.scifi) {
			t.Errorf("genre: %v", genre)
		}
		x := w["external_ids"].([]any)[0].(map[string]any)
		if x["site"] != "anidb" || x["id"] != "262" || x["url"] != "https://anidb.net/anime/262" {
			t.Errorf("external id: %v", x)
		}
		credit := w["credits"].([]any)[0].(map[string]any)
		if credit["role"] != "Screenplay" || credit["note"] != "Magnetic Rose" || credit["person"].(map[string]any)["name"] != "Satoshi Kon" {
			t.Errorf("credit: %v", credit)
		}
		// The person's address answers.
		var p map[string]any
		s.get(credit["person"].(map[string]any)["api_url"].(string), http.StatusOK).decode(t, &p)
		if p["native_name"] != "今 敏" {
			t.Errorf("person: %v", p)
		}
		// A person's photo: the gallery and the main image, with the pictures' addresses.
		pic, err := images.Process(imagetest.PNG(400, 300))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Edits.Upload(context.Background(), s.editor, l.kon, pic, edit.ImageInput{Kind: "photo", Caption: "In 2007"}, ""); err != nil {
			t.Fatal(err)
		}
		s.get(credit["person"].(map[string]any)["api_url"].(string), http.StatusOK).decode(t, &p)
		photo := p["images"].([]any)[0].(map[string]any)
		if p["main_image"] != pic.Hash || photo["url"] != "/images/"+pic.Hash+"/full" || photo["thumbnail_url"] != "/images/"+pic.Hash+"/160" ||
			photo["caption"] != "In 2007" || photo["width"] != float64(400) {
			t.Errorf("person's images: %v, main %v", photo, p["main_image"])
		}
		var few map[string]any
		s.get(fmt.Sprintf("/api/v1/works/%d?fields=name,start_date", l.memories), http.StatusOK).decode(t, &few)
		if diff := cmp.Diff(map[string]any{"id": float64(l.memories), "name": "Memories", "start_date": "1995-12-23"}, few); diff != "" {
			t.Errorf("fields=name,start_date (-want +got):\n%s", diff)
		}
		var ep map[string]any
		s.get(fmt.Sprintf("/api/v1/episodes/%d", l.episode), http.StatusOK).decode(t, &ep)
		if ep["work"].(map[string]any)["name"] != "Cowboy Bebop" {
			t.Errorf("episode: %v", ep)
		}
		// A person merged into another answers with the kept one's address.
		dup := s.create(wiki.KindPerson, &wiki.Person{Name: "Kon Satoshi"})
		if _, err := s.Edits.Merge(context.Background(), s.editor, "", dup, l.kon); err != nil {
			t.Fatal(err)
		}
		if got := s.get(fmt.Sprintf("/api/v1/people/%d?fields=name", dup), http.StatusPermanentRedirect).Header.Get("Location"); got != fmt.Sprintf("/api/v1/people/%d?fields=name", l.kon) {
			t.Errorf("the merged person's address redirects to %q", got)
		}
		// Every kind's address finds only its own kind.
		s.problem(fmt.Sprintf("/api/v1/people/%d", l.memories), http.StatusNotFound)
		s.problem(fmt.Sprintf("/api/v1/works/%d", l.kon), http.StatusNotFound)
		s.problem(fmt.Sprintf("/api/v1/themes/%d", l.scifi), http.StatusNotFound)
		s.get("/api/v1", http.StatusOK)
		// The page for people links to the document.
		res, err := http.Get(s.URL + "/api")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(page), `href="/api/v1/openapi.json"`) {
			t.Errorf("/api: status %d", res.StatusCode)
		}
		s.get("/api/v1/search?q=memories", http.StatusOK)
		s.get("/api/v1/search?q=", http.StatusOK)
	})
}

func TestRevisionsAndDiff(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		id := s.create(wiki.KindConcept, &wiki.Topic{Name: "Space salvage"})
		s.update(id, &wiki.Topic{Name: "Space salvage", Summary: "Crews who recover wrecks."}, "Summary")
		s.update(id, &wiki.Topic{Name: "Space salvage", Summary: "Crews who recover wrecks in orbit."}, "Orbit")
		base := fmt.Sprintf("/api/v1/concepts/%d", id)

		var seen []float64
		next := base + "/revisions?limit=1"
		for page := 0; next != ""; page++ {
			l := s.list(next)
			if l.Total < 3 || len(l.Results) != 1 {
				t.Fatalf("%s: %+v", next, l)
			}
			seen = append(seen, l.Results[0]["number"].(float64))
			if page == 0 {
				// A revision accepted while paging comes before the cursor: it does not move
				// the pages after it.
				s.update(id, &wiki.Topic{Name: "Space salvage", Summary: "Crews who recover wrecks in orbit and beyond."}, "Beyond")
			}
			next = l.Next
		}
		if !slices.Equal(seen, []float64{3, 2, 1}) {
			t.Errorf("revisions paged: %v, want 3, 2, 1", seen)
		}

		var rev struct {
			Entity   map[string]any
			Revision map[string]any
			Document map[string]any
		}
		s.get(base+"/revisions/2", http.StatusOK).decode(t, &rev)
		if rev.Document["summary"] != "Crews who recover wrecks." || rev.Revision["summary"] != "Summary" ||
			rev.Revision["author"].(map[string]any)["name"] != "editor" || rev.Entity["name"] != "Space salvage" {
			t.Errorf("revision 2: %+v", rev)
		}

		var d struct {
			From, To int
			Changes  []map[string]any
		}
		s.get(base+"/diff?from=2&to=3", http.StatusOK).decode(t, &d)
		want := []map[string]any{{"field": "Summary", "op": "changed", "old": "Crews who recover wrecks.", "new": "Crews who recover wrecks in orbit."}}
		if diff := cmp.Diff(want, d.Changes); diff != "" || d.From != 2 || d.To != 3 {
			t.Errorf("diff 2..3 from %d to %d (-want +got):\n%s", d.From, d.To, diff)
		}
		d.Changes = nil
		s.get(base+"/diff", http.StatusOK).decode(t, &d)
		if d.From != 3 || d.To != 4 || len(d.Changes) != 1 {
			t.Errorf("default diff: %+v", d)
		}
		d.Changes = nil
		s.get(base+"/diff?from=0&to=1", http.StatusOK).decode(t, &d)
		if d.From != 0 || len(d.Changes) == 0 || d.Changes[0]["new"] != "Space salvage" || d.Changes[0]["old"] != nil {
			t.Errorf("diff of the first revision: %+v", d)
		}
		s.problem(base+"/revisions/9", http.StatusNotFound)
		s.problem(base+"/revisions/99999999999", http.StatusNotFound)
		s.problem(base+"/revisions/0", http.StatusBadRequest)
		s.problem(base+"/diff?from=1&to=9", http.StatusNotFound)
		s.problem(base+"/diff?to=-1", http.StatusBadRequest)
	})
}

// TestCursorPagingWhileTheWikiChanges pages through lists in every order while entities are
// added between pages, both before and after the cursor: no entity is shown twice, and none
// that was there when paging began is skipped.
func TestCursorPagingWhileTheWikiChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		for i := range 9 {
			s.create(wiki.KindConcept, &wiki.Topic{Name: fmt.Sprintf("m concept %02d", i)})
			s.create(wiki.KindWork, &wiki.Work{Name: fmt.Sprintf("m work %02d", i), Medium: wiki.MediumTV, StartDate: fmt.Sprintf("19%02d", 90+i%5)})
		}
		added := 0
		for _, tc := range []struct {
			collection, sort string
		}{
			{"concepts", "id"}, {"concepts", "-id"}, {"concepts", "name"}, {"concepts", "-name"},
			{"concepts", "updated"}, {"concepts", "-updated"}, {"works", "year"}, {"works", "-year"}, {"works", "name"},
		} {
			before := map[string]bool{}
			for _, n := range s.list("/api/v1/" + tc.collection + "?limit=100").names() {
				before[n] = true
			}
			seen := map[string]bool{}
			next := "/api/v1/" + tc.collection + "?limit=4&sort=" + tc.sort
			for pages := 0; next != ""; pages++ {
				if pages > 20 {
					t.Fatalf("%s sort=%s: no end of pages", tc.collection, tc.sort)
				}
				l := s.list(next)
				for _, n := range l.names() {
					if seen[n] {
						t.Errorf("%s sort=%s: %q shown twice", tc.collection, tc.sort, n)
					}
					seen[n] = true
				}
				// One entity that sorts first and one that sorts last in every order, on the first
				// pages (under sort=updated both sort last, and pages would never end).
				for _, name := range []string{"a", "z"}[:min(2, max(0, 6-2*pages))] {
					added++
					name = fmt.Sprintf("%s %s %d", name, tc.collection, added)
					if tc.collection == "works" {
						year := "1900"
						if strings.HasPrefix(name, "z") {
							year = "2100"
						}
						s.create(wiki.KindWork, &wiki.Work{Name: name, Medium: wiki.MediumTV, StartDate: year})
					} else {
						s.create(wiki.KindConcept, &wiki.Topic{Name: name})
					}
				}
				next = l.Next
			}
			for n := range before {
				if !seen[n] {
					t.Errorf("%s sort=%s: %q skipped", tc.collection, tc.sort, n)
				}
			}
		}
	})
}

func TestETags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		l := s.library()
		for _, path := range []string{fmt.Sprintf("/api/v1/works/%d", l.akira), "/api/v1/works?sort=name",
			fmt.Sprintf("/api/v1/works/%d/revisions", l.akira), "/api/v1/openapi.json"} {
			first := s.get(path, http.StatusOK)
			etag := first.Header.Get("ETag")
			if etag == "" || first.Header.Get("Cache-Control") != "public, max-age=60" || first.Header.Get("Vary") != "Authorization" {
				t.Fatalf("%s: ETag %q, Cache-Control %q, Vary %q", path, etag, first.Header.Get("Cache-Control"), first.Header.Get("Vary"))
			}
			if res := s.get(path, http.StatusNotModified, "If-None-Match", etag); len(res.Body) != 0 || res.Header.Get("ETag") != etag {
				t.Errorf("%s: 304 with body %q, ETag %q", path, res.Body, res.Header.Get("ETag"))
			}
			s.get(path, http.StatusNotModified, "If-None-Match", `"other", W/`+etag)
			s.get(path, http.StatusOK, "If-None-Match", `"other"`)
		}
		path := fmt.Sprintf("/api/v1/works/%d", l.akira)
		etag := s.get(path, http.StatusOK).Header.Get("ETag")
		s.update(l.akira, &wiki.Work{Name: "Akira", Medium: wiki.MediumFilm, StartDate: "1988-07-16", RuntimeMinutes: 124}, "Runtime")
		if got := s.get(path, http.StatusOK, "If-None-Match", etag).Header.Get("ETag"); got == etag {
			t.Errorf("the ETag did not change with the document")
		}
		// A reference's new name changes the answers that show it.
		etag = s.get(fmt.Sprintf("/api/v1/works/%d", l.memories), http.StatusOK).Header.Get("ETag")
		s.update(l.kon, &wiki.Person{Name: "Kon Satoshi"}, "Name order")
		s.get(fmt.Sprintf("/api/v1/works/%d", l.memories), http.StatusOK, "If-None-Match", etag)
	})
}

func TestBadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		l := s.library()
		huge := strings.Repeat("9", 30)
		for _, tc := range []struct {
			path   string
			status int
		}{
			{"/api/v1/works?limit=0", 400},
			{"/api/v1/works?limit=101", 400},
			{"/api/v1/works?limit=ten", 400},
			{"/api/v1/works?limit=" + huge, 400},
			{"/api/v1/works?sort=popularity", 400},
			{"/api/v1/works?sort=--name", 400},
			{"/api/v1/people?sort=year", 400},
			{"/api/v1/works?fields=name,nonsense", 400},
			{"/api/v1/works?fields=" + strings.Repeat("name,", 61) + "name", 400},
			{"/api/v1/works?filter=nonsense:1", 400},
			{"/api/v1/works?filter=genre", 400},
			{"/api/v1/works?filter=genre:", 400},
			{"/api/v1/works?filter=genre:abc", 400},
			{"/api/v1/works?filter=genre:" + huge, 400},
			{"/api/v1/works?filter=genre:-3", 400},
			{"/api/v1/works?filter=year:95", 400},
			{"/api/v1/works?filter=year:1999-1995", 400},
			{"/api/v1/works?filter=type:opera", 400},
			{"/api/v1/works?filter=anidb:abc", 400},
			{"/api/v1/works?filter=external:nowhere:1", 400},
			{"/api/v1/works?filter=external:anidb", 400},
			{"/api/v1/people?filter=anidb:1", 400},
			{"/api/v1/people?filter=type:film", 400},
			{"/api/v1/works?filter=name:" + strings.Repeat("x", 301), 400},
			{"/api/v1/works?" + strings.Repeat("filter=type:tv&", 11), 400},
			{"/api/v1/works?cursor=%21%21", 400},
			{"/api/v1/works?cursor=" + strings.Repeat("A", 3000), 400},
			{"/api/v1/works?cursor=e30", 400}, // {}: no position
			{"/api/v1/works?page=2", 400},
			{"/api/v1/works/0", 400},
			{"/api/v1/works/-1", 400},
			{"/api/v1/works/abc", 400},
			{"/api/v1/works/" + huge, 400},
			{"/api/v1/works/9223372036854775807", 404},
			{"/api/v1/works/9223372036854775807/revisions", 404},
			{"/api/v1/works/9223372036854775807/diff", 404},
			{"/api/v1/works/12345678", 404},
			{fmt.Sprintf("/api/v1/works/%d/revisions/%s", l.akira, huge), 400},
			{fmt.Sprintf("/api/v1/works/%d/revisions/2147483648", l.akira), 404},
			{fmt.Sprintf("/api/v1/works/%d/revisions?cursor=xyz", l.akira), 400},
			{fmt.Sprintf("/api/v1/works/%d/revisions?limit=500", l.akira), 400},
			{fmt.Sprintf("/api/v1/works/%d/diff?from=%s", l.akira, huge), 400},
			{fmt.Sprintf("/api/v1/works/%d?fields=credits&sort=name", l.akira), 400},
			{"/api/v1/nothing", 404},
			{"/api/v1/works/1/nothing", 404},
			{"/api/v1/works?q=%FF", 400},
			{"/api/v1/works?format=xml", 400},
		} {
			s.problem(tc.path, tc.status)
		}
		// A cursor made for one list does not continue another.
		cur := s.list("/api/v1/works?limit=1&sort=name").NextCursor
		s.problem("/api/v1/works?limit=1&sort=year&cursor="+cur, 400)
		s.problem("/api/v1/works?limit=1&sort=name&filter=type:tv&cursor="+cur, 400)
		s.list("/api/v1/works?limit=1&sort=name&cursor=" + cur)
		s.list("/api/v1/works?format=json")
		s.get(fmt.Sprintf("/api/v1/works/%d?format=json", l.akira), http.StatusOK)

		// Only GET and HEAD.
		req, _ := http.NewRequest(http.MethodDelete, s.URL+"/api/v1/works", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("DELETE: status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}
