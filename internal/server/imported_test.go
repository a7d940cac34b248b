package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/dataset"
	"kioku/internal/importer"
	"kioku/internal/wiki"
)

// importSet imports a data set into the site's store as its import account would.
func (s *site) importSet(t testing.TB, set *dataset.Set) {
	t.Helper()
	im := &importer.Importer{Edits: s.Instance.App.Edits()}
	if _, err := im.Run(context.Background(), set); err != nil {
		t.Fatal(err)
	}
}

// bangumi1995 is bangumi-data's works of October 1995, read from the real file.
func bangumi1995(t testing.TB) *dataset.Set {
	t.Helper()
	set, err := dataset.ReadBangumi(filepath.Join("..", "..", "..", "shared", "data", "bangumi-data", "data.json"))
	if err != nil {
		t.Skipf("bangumi-data not here: %v", err)
	}
	var works []dataset.Work
	for _, w := range set.Works {
		if strings.HasPrefix(w.Start, "1995-10") {
			works = append(works, w)
		}
	}
	set.Works, set.Read = works, len(works)
	return set
}

func TestImportedPages(t *testing.T) {
	set := bangumi1995(t)
	forEachEngine(t, func(t *testing.T, s *site) {
		s.importSet(t, set)
		// A film from the Media Arts Database, made up around a real id.
		s.importSet(t, &dataset.Set{Source: dataset.MADB, Version: "1.1", Read: 1, Works: []dataset.Work{{
			ID: "M2532", Medium: wiki.MediumFilm, Title: "みかん船", TitleKana: "ミカンブネ", Start: "1935", EpisodeMinutes: 9,
			ExternalIDs: []dataset.ExternalID{{Site: dataset.SiteMADB, ID: "M2532"}},
		}}})
		reader := s.anonymous(t)

		// Evangelion's ids, each one a link to the site that gave it, and an address here.
		eva, err := s.Store.EntityByExternalID(context.Background(), "bangumi", "265")
		if err != nil {
			t.Fatal(err)
		}
		page := reader.page(eva.Path(), http.StatusOK)
		links := map[string]string{}
		page.Find("#external-ids a").Each(func(_ int, a *goquery.Selection) {
			site, _ := a.Attr("data-site")
			links[site], _ = a.Attr("href")
		})
		want := map[string]string{
			"anidb":   "https://anidb.net/anime/22",
			"mal":     "https://myanimelist.net/anime/30",
			"anilist": "https://anilist.co/anime/30",
			"bangumi": "https://bgm.tv/subject/265",
		}
		for site, href := range want {
			if links[site] != href {
				t.Errorf("link to %s: %q, want %q", site, links[site], href)
			}
		}
		if !strings.HasPrefix(links["tmdb"], "https://www.themoviedb.org/tv/") {
			t.Errorf("link to TMDB: %q", links["tmdb"])
		}
		tmdb := strings.TrimPrefix(links["tmdb"], "https://www.themoviedb.org/")
		film, err := s.Store.EntityByExternalID(context.Background(), "madb", "M2532")
		if err != nil {
			t.Fatal(err)
		}
		fp := reader.page(film.Path(), http.StatusOK)
		if href, _ := fp.Find(`#external-ids a[data-site="madb"]`).Attr("href"); href != "https://mediaarts-db.bunka.go.jp/id/M2532" {
			t.Errorf("link to the Media Arts Database: %q", href)
		}

		for _, tt := range []struct {
			path string
			want string // the page it leads to; "" for 404
		}{
			{"/external/anidb/22", eva.Path()},
			{"/external/mal/30", eva.Path()},
			{"/external/anilist/30", eva.Path()},
			{"/external/bangumi/265", eva.Path()},
			{"/external/tmdb/" + tmdb, ""}, // TMDB ids may name several pages: checked below
			{"/external/madb/M2532", film.Path()},
			{"/external/anidb/999999999", ""},
			{"/external/anidb/twenty-two", ""},
			{"/external/myspace/22", ""},
		} {
			res := reader.get(tt.path)
			res.Body.Close()
			loc, _ := url.PathUnescape(res.Header.Get("Location"))
			switch {
			case tt.path == "/external/tmdb/"+tmdb:
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: %d, want 303", tt.path, res.StatusCode)
				}
			case tt.want == "" && res.StatusCode != http.StatusNotFound:
				t.Errorf("%s: %d, want 404", tt.path, res.StatusCode)
			case tt.want != "" && (res.StatusCode != http.StatusSeeOther || loc != tt.want):
				t.Errorf("%s: %d to %q, want 303 to %q", tt.path, res.StatusCode, loc, tt.want)
			}
		}

		// The facts say where they came from.
		if got := text(page.Find("#sources li.source")); !strings.Contains(got, "bangumi-data") || !strings.Contains(got, "bangumi:265") ||
			!strings.Contains(got, set.Version) || !strings.Contains(got, "CC BY 4.0") {
			t.Errorf("sources: %q", got)
		}
		cite, _ := page.Find("#dates sup.cite a").Attr("href")
		if cite == "" || page.Find(cite).Length() != 1 {
			t.Errorf("the dates cite %q, which is not a source on the page", cite)
		}
		if got := text(page.Find("#subtitle")); !strings.Contains(got, "新世紀エヴァンゲリオン") || !strings.Contains(got, "1995") {
			t.Errorf("subtitle: %q", got)
		}
		if lang, _ := page.Find("#subtitle .original-title").Attr("lang"); lang != "ja" {
			t.Errorf("the original title is marked lang=%q", lang)
		}

		// The season lists it by type; the type filter and bad addresses behave.
		season := reader.page("/season/1995/fall", http.StatusOK)
		if !strings.Contains(text(season.Find(`section[data-medium="tv"]`)), eva.Name) {
			t.Errorf("fall 1995 does not list %s among TV works", eva.Name)
		}
		if strings.Contains(text(reader.page("/season/1995?type=film", http.StatusOK).Find("main")), eva.Name) {
			t.Errorf("the film list of 1995 shows %s", eva.Name)
		}
		reader.page("/season/1995/monsoon", http.StatusNotFound)
		reader.page("/season/nineteen", http.StatusNotFound)
		reader.page("/season/1995?type=opera", http.StatusBadRequest)

		home := reader.page("/", http.StatusOK)
		if got := text(home.Find("title")); got != "Kioku, the anime encyclopedia" {
			t.Errorf("home page title %q", got)
		}
		if got := text(home.Find("#size")); !strings.Contains(got, fmt.Sprintf("%d works", len(set.Works)+1)) {
			t.Errorf("home: %q, want %d works", got, len(set.Works)+1)
		}
		if !strings.Contains(text(home.Find("#imported")), eva.Name) {
			t.Errorf("home does not list %s among recently imported works", eva.Name)
		}
	})
}

// TestCreditsPaged credits one person on 130 works: the person page lists them newest first,
// a hundred to a page.
func TestCreditsPaged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		set := &dataset.Set{Source: dataset.MADB, Version: "test"}
		for i := range 130 {
			set.Works = append(set.Works, dataset.Work{ID: fmt.Sprintf("C%d", 900000+i), Medium: wiki.MediumTV,
				Title: fmt.Sprintf("作品%03d", i), Start: fmt.Sprintf("%d-04-01", 1900+i),
				Credits: []dataset.Credit{{Name: "試験 太郎", Role: "Director", RoleText: "監督"}}})
		}
		set.Read = len(set.Works)
		s.importSet(t, set)
		people, err := s.Store.EntitiesByName(context.Background(), wiki.KindPerson, "試験 太郎")
		if err != nil || len(people) != 1 {
			t.Fatalf("people named 試験 太郎: %v, %v", people, err)
		}
		reader := s.anonymous(t)
		first := reader.page(people[0].Path(), http.StatusOK)
		years := texts(first.Find("#credits li.credit .year"))
		if len(years) != 100 || years[0] != "2029" || years[99] != "1930" {
			t.Errorf("page 1: %d credits from %v to %v, want 100 from 2029 to 1930", len(years), first1(years), last(years))
		}
		next, _ := first.Find(`#credits a[rel="next"]`).Attr("href")
		second := reader.page(next, http.StatusOK)
		years = texts(second.Find("#credits li.credit .year"))
		if len(years) != 30 || years[0] != "1929" || years[29] != "1900" {
			t.Errorf("page 2: %d credits from %v to %v, want 30 from 1929 to 1900", len(years), first1(years), last(years))
		}
		if got := text(second.Find("#credits li.credit .role").First()); got != "Director" {
			t.Errorf("role %q, want Director", got)
		}
		reader.page(people[0].Path()+"?page=3", http.StatusNotFound)
		reader.page(people[0].Path()+"?page=zero", http.StatusBadRequest)
	})
}

func first1(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// TestEditIDsAndTitles edits a work's ids on other sites and its titles through the forms: an
// id is a link and an address here, one page per id, one id per site.
func TestEditIDsAndTitles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ed := s.signedIn(t, "Ann")
		first := mustWork(t, ed, "Memories")
		second := mustWork(t, ed, "Akira")
		ed.section(s, first, "ids", url.Values{"site": {"anidb"}, "id": {"https://anidb.net/anime/1240"}, "edit_summary": {"AniDB"}})
		ed.section(s, first, "titles", url.Values{"title_language": {"ja"}, "title_kind": {"official"}, "title_text": {"メモリーズ"}, "edit_summary": {"Title"}})
		e, _ := s.Store.Entity(context.Background(), first)
		page := ed.page(e.Path(), http.StatusOK)
		if href, _ := page.Find(`#external-ids a[data-site="anidb"]`).Attr("href"); href != "https://anidb.net/anime/1240" {
			t.Errorf("AniDB link %q", href)
		}
		if got := text(page.Find("#titles td.text")); got != "メモリーズ" {
			t.Errorf("titles: %q", got)
		}
		res := ed.get("/external/anidb/1240")
		res.Body.Close()
		if loc, _ := url.PathUnescape(res.Header.Get("Location")); res.StatusCode != http.StatusSeeOther || loc != e.Path() {
			t.Errorf("/external/anidb/1240: %d to %q", res.StatusCode, loc)
		}

		// Another page cannot claim the id, and a malformed id is refused; nothing changes.
		e2, _ := s.Store.Entity(context.Background(), second)
		for _, id := range []string{"1240", "twelve"} {
			res, body := ed.post(e2.Path()+"/edit/ids", url.Values{"base": {strconv.Itoa(e2.Head)}, "site": {"anidb"}, "id": {id}, "edit_summary": {"AniDB"}})
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("id %q on a second page: %d, want 400", id, res.StatusCode)
			}
			if id == "1240" && !strings.Contains(body, "already the id of") {
				t.Errorf("the refusal does not say which page has the id:\n%s", body)
			}
		}
		if after, _ := s.Store.Entity(context.Background(), second); after.Head != e2.Head {
			t.Errorf("a refused id changed the page: revision %d, was %d", after.Head, e2.Head)
		}

		// A second AniDB id replaces the first; removing it frees the address.
		ed.section(s, first, "ids", url.Values{"site": {"anidb"}, "id": {"1241"}, "edit_summary": {"Right id"}})
		for path, want := range map[string]int{"/external/anidb/1240": http.StatusNotFound, "/external/anidb/1241": http.StatusSeeOther} {
			res := ed.get(path)
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
			}
		}
		ed.section(s, first, "ids", url.Values{"remove": {"anidb:1241"}, "edit_summary": {"No id"}})
		res = ed.get("/external/anidb/1241")
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("/external/anidb/1241 after removing it: %d", res.StatusCode)
		}
	})
}

// mustWork starts a film page and returns its id.
func mustWork(t *testing.T, c *client, name string) int64 {
	t.Helper()
	loc := c.save("/new/work", url.Values{"name": {name}, "medium": {"film"}, "edit_summary": {"New page"}})
	id, _, err := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
	if err != nil {
		t.Fatalf("new page at %q: %v", loc, err)
	}
	return id
}

// TestEditPersonIDs gives a person ids on other sites through the person's form.
func TestEditPersonIDs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ed := s.signedIn(t, "Ann")
		loc := ed.save("/new/person", url.Values{"name": {"Satoshi Kon"}, "edit_summary": {"New page"}})
		id, _, _ := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
		e, _ := s.Store.Entity(context.Background(), id)
		ed.save(e.Path()+"/edit", url.Values{"base": {strconv.Itoa(e.Head)}, "name": {"Satoshi Kon"},
			"external_ids": {"wikidata Q24941\r\nviaf 39523262"}, "edit_summary": {"Ids"}})
		page := ed.page(e.Path(), http.StatusOK)
		for site, href := range map[string]string{"wikidata": "https://www.wikidata.org/wiki/Q24941", "viaf": "https://viaf.org/viaf/39523262"} {
			if got, _ := page.Find(`#external-ids a[data-site="` + site + `"]`).Attr("href"); got != href {
				t.Errorf("%s link %q, want %q", site, got, href)
			}
		}
		e, _ = s.Store.Entity(context.Background(), id)
		for _, ids := range []string{"anidb 12", "wikidata", "myspace 1"} {
			res, _ := ed.post(e.Path()+"/edit", url.Values{"base": {strconv.Itoa(e.Head)}, "name": {"Satoshi Kon"},
				"external_ids": {ids}, "edit_summary": {"Ids"}})
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("ids %q: %d, want 400", ids, res.StatusCode)
			}
		}
	})
}
