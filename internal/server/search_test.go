package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kioku/internal/demo"
	"kioku/internal/wiki"
)

// TestSearchPages searches the demo through HTTP as a reader would: in the scripts and spellings
// the demo's pages show, with filters, as JSON, and with hostile queries.
func TestSearchPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, s.Instance.App.Edits(), cheap); err != nil {
			t.Fatal(err)
		}
		memories := entityNamed(t, s, wiki.KindWork, "Memories")
		otomo := entityNamed(t, s, wiki.KindPerson, "Katsuhiro Otomo")
		// The fixture gives no native names; an editor adds Otomo's, and it is searchable at once.
		ed := s.signedIn(t, "Ann")
		id, _, _ := wiki.ParseRef(otomo[strings.LastIndex(otomo, "/")+1:])
		e, err := s.Store.Entity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ed.save(otomo+"/edit", url.Values{"base": {strconv.Itoa(e.Head)}, "name": {"Katsuhiro Otomo"},
			"native_name": {"大友 克洋"}, "name_kana": {"おおとも かつひろ"}, "edit_summary": {"Native name"}})
		c := s.anonymous(t)

		// A query that is the title of one entity only goes to its page.
		for _, q := range []string{"Memories", "メモリーズ", "めもりーず", "ＭＥＭＯＲＩＥＳ", "Otomo Katsuhiro", "大友克洋"} {
			res := c.get("/search?q=" + url.QueryEscape(q))
			res.Body.Close()
			want := map[string]string{"Otomo Katsuhiro": otomo, "大友克洋": otomo}[q]
			if want == "" {
				want = memories
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Errorf("search %q: status %d to %q, want 303 to %s", q, res.StatusCode, res.Header.Get("Location"), want)
			}
		}

		// A list shows kind, type, year and the title that matched, marked.
		doc := c.page("/search?q=Magnetic+Rose", http.StatusOK)
		results := doc.Find(".results li")
		if results.Length() < 2 {
			t.Fatalf("Magnetic Rose: %d results, want the film that has it as an alias and the segment: %q",
				results.Length(), texts(results))
		}
		film := results.Filter(`:has(a.name[href="` + memories + `"])`)
		if film.Length() != 1 || !strings.Contains(text(film.Find(".kind")), "Film · 1995") ||
			text(film.Find(".matched mark")) != "Magnetic Rose" {
			t.Errorf("Magnetic Rose: the film's result is %q, want kind, type and year and the alias marked", texts(film))
		}
		segment := results.Filter(`:has(.kind:contains("Episode"))`)
		if got, _ := segment.Find(`a[href="` + memories + `"]`).Attr("href"); got != memories {
			t.Errorf("Magnetic Rose: the segment's result %q does not name its film", texts(segment))
		}
		for _, q := range []string{"大友", "otomo memories", "Kanojo no Omoide", "memo"} {
			if c.page("/search?list=1&q="+url.QueryEscape(q), http.StatusOK).Find(".results li").Length() == 0 {
				t.Errorf("search %q finds nothing", q)
			}
		}

		// Filters.
		if n := c.page("/search?list=1&q=Memories&kind=person", http.StatusOK).Find(".results li").Length(); n != 0 {
			t.Errorf("Memories among people: %d results", n)
		}
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"type=film&from=1990&to=1999", 1},
			{"type=tv", 0},
			{"from=2000", 0},
		} {
			doc := c.page("/search?list=1&q=Memories&kind=work&"+tt.query, http.StatusOK)
			if n := doc.Find(`.results a[href="` + memories + `"]`).Length(); n != tt.want {
				t.Errorf("Memories with %s: %d results for the film, want %d", tt.query, n, tt.want)
			}
		}

		// The JSON endpoint gives the same results.
		res := c.get("/api/v1/search?q=memories&kind=work&limit=5")
		var body struct {
			Total   int `json:"total"`
			Results []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
				Kind string `json:"kind"`
				Year int    `json:"year"`
			} `json:"results"`
		}
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if body.Total < 1 || body.Results[0].URL != memories || body.Results[0].Year != 1995 {
			t.Errorf("/api/v1/search: %+v", body)
		}
		for _, bad := range []string{"q=x&limit=0", "q=x&limit=1000", "q=x&kind=planet", "q=x&type=planet", "q=x&from=99999",
			"q=" + strings.Repeat("x", 10_000)} {
			res := c.get("/api/v1/search?" + bad)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("/api/v1/search?%.40s: %d %s %s, want 400 with a problem document", bad, res.StatusCode, res.Header.Get("Content-Type"), b)
			}
		}

		// A filter given forty thousand times is one filter.
		if res := c.get("/search?list=1&q=memories" + strings.Repeat("&kind=work", 40_000)); res.StatusCode != http.StatusOK {
			t.Errorf("a kind repeated: status %d", res.StatusCode)
		} else {
			res.Body.Close()
		}

		// Hostile and odd queries: a page or a clear 400, never a 500.
		for _, q := range []string{"", "a", "字", `" OR 1=1 --`, "NEAR(", "*", "%00", "%ff%fe", "%ED%A0%80", "%1b[31m",
			"a%0Ab", strings.Repeat("x", 10_000), strings.Repeat("%E5%AD%97", 5_000)} {
			for _, path := range []string{"/search?q=", "/api/v1/search?q=", "/lookup?kind=person&q="} {
				res := c.get(path + strings.ReplaceAll(q, " ", "+"))
				res.Body.Close()
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusSeeOther {
					t.Errorf("GET %s%.30s: status %d", path, q, res.StatusCode)
				}
			}
		}
	})
}

// TestSearchFollowsEdits renames a work through the form: it is found under its new name at
// once, and no longer under the old one.
func TestSearchFollowsEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ed := s.signedIn(t, "Ann")
		loc := ed.save("/new/work", url.Values{"name": {"Perfect Blue"}, "medium": {"film"}, "edit_summary": {"New"}})
		id, _, _ := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
		e, err := s.Store.Entity(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		found := func(q string) bool {
			return ed.page("/search?list=1&q="+url.QueryEscape(q), http.StatusOK).Find(`.results a[href^="/anime/`+strconv.FormatInt(id, 10)+`-"]`).Length() > 0
		}
		if !found("perfect blue") {
			t.Fatal("a new work is not found")
		}
		ed.save(e.Path()+"/edit", url.Values{"base": {strconv.Itoa(e.Head)}, "name": {"Pāfekuto Burū"}, "medium": {"film"},
			"edit_summary": {"Rename"}})
		if !found("Pafekuto Buru") {
			t.Error("a renamed work is not found under its new name")
		}
		if found("Perfect Blue") {
			t.Error("a renamed work is still found under its old name")
		}
		// Unless the old name became an alias.
		ed.section(s, id, "aliases", url.Values{"aliases": {"Perfect Blue"}, "edit_summary": {"Alias"}})
		if !found("Perfect Blue") {
			t.Error("a work is not found under the alias it was given")
		}
	})
}

// entityNamed is the address of the one entity of a kind with this name.
func entityNamed(t *testing.T, s *site, kind wiki.Kind, name string) string {
	t.Helper()
	list, err := s.Store.EntitiesByName(context.Background(), kind, name)
	if err != nil || len(list) != 1 {
		t.Fatalf("%s named %s: %v, %v", kind, name, list, err)
	}
	return list[0].Path()
}
