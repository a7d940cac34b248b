package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"kioku/internal/demo"
	"kioku/internal/wiki"
)

// memories is the fixture file's content, read from the shared folder beside the repository.
type memories struct {
	Work struct {
		Name           string              `json:"name"`
		Kind           string              `json:"kind"`
		Deck           string              `json:"deck"`
		Description    string              `json:"description"`
		Rating         string              `json:"rating"`
		RuntimeMinutes int                 `json:"runtime_minutes"`
		RawSegments    []map[string]string `json:"segments"`
		Releases       []map[string]string `json:"releases"`
		Aliases        []string            `json:"aliases"`
		Credits        []map[string]string `json:"credits"`
	} `json:"work"`
	People              []map[string]string `json:"people"`
	PageSectionsInOrder []string            `json:"page_sections_in_order"`
}

func readMemories(t *testing.T) *memories {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "fixtures", "memories.json"))
	if err != nil {
		t.Fatalf("the Memories fixture must be beside the repository: %v", err)
	}
	var m memories
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestMemoriesEndToEnd enters every fact of the fixture through the edit forms over HTTP and
// finds each one on the rendered pages.
func TestMemoriesEndToEnd(t *testing.T) {
	m := readMemories(t)
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		c := s.signedIn(t, "ann")
		w := m.Work
		loc := c.save("/new/work", url.Values{"name": {w.Name}, "medium": {w.Kind}, "deck": {w.Deck},
			"description": {w.Description}, "rating": {w.Rating}, "runtime_minutes": {strconv.Itoa(w.RuntimeMinutes)},
			"edit_summary": {"New film"}})
		workID, _, err := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
		if err != nil || !strings.HasPrefix(loc, "/anime/") {
			t.Fatalf("new work went to %q", loc)
		}
		for _, cr := range w.Credits {
			c.section(s, workID, "credits", url.Values{"person": {cr["person"]}, "role": {cr["role"]}, "note": {cr["note"]}, "edit_summary": {"credit"}})
		}
		for _, r := range w.Releases {
			c.section(s, workID, "releases", url.Values{"region": {r["region"]}, "language": {r["language"]},
				"title": {r["name"]}, "date": {r["date"]}, "edit_summary": {"release"}})
		}
		c.section(s, workID, "aliases", url.Values{"aliases": {strings.Join(w.Aliases, "\r\n")}, "edit_summary": {"aliases"}})
		for i, seg := range w.RawSegments {
			c.section(s, workID, "episodes", url.Values{"number": {strconv.Itoa(i + 1)}, "name": {seg["name"]},
				"original_name": {seg["original_name"]}, "romanized": {seg["romanized"]}, "segment": {"1"}, "edit_summary": {"segment"}})
		}
		for _, p := range m.People {
			list, err := s.Store.EntitiesByName(ctx, wiki.KindPerson, p["name"])
			if err != nil || len(list) != 1 {
				t.Fatalf("person %q: %d pages, %v", p["name"], len(list), err)
			}
			c.save(list[0].Path()+"/edit", url.Values{"base": {strconv.Itoa(list[0].Head)}, "name": {p["name"]},
				"summary": {p["summary"]}, "birth_date": {p["birth_date"]}, "birth_place": {p["birth_place"]}, "edit_summary": {"about"}})
		}

		checkMemories(t, s, m, workID, "ann")
	})
}

// TestDemoMemories loads the demo, which enters the fixture by calling package edit with no HTTP
// involved, and finds on the pages every fact that TestMemoriesEndToEnd enters through the forms.
func TestDemoMemories(t *testing.T) {
	m := readMemories(t)
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, s.Instance.App.Edits(), cheap); err != nil {
			t.Fatal(err)
		}
		works, err := s.Store.EntitiesByName(ctx, wiki.KindWork, m.Work.Name)
		if err != nil || len(works) != 1 {
			t.Fatalf("works named %s: %v, %v", m.Work.Name, works, err)
		}
		checkMemories(t, s, m, works[0].ID, demo.Loader)
	})
}

// checkMemories finds every fact of the fixture on the rendered pages of work workID, whose
// only editor is editor.
func checkMemories(t *testing.T, s *site, m *memories, workID int64, editor string) {
	t.Helper()
	ctx := context.Background()
	w := m.Work
	e, err := s.Store.Entity(ctx, workID)
	if err != nil {
		t.Fatal(err)
	}
	reader := s.anonymous(t)
	doc := reader.page(e.Path(), http.StatusOK)

	if got := text(doc.Find("h1#name")); got != w.Name {
		t.Errorf("name = %q, want %q", got, w.Name)
	}
	if got := text(doc.Find("#deck .deck")); got != w.Deck {
		t.Errorf("deck = %q, want %q", got, w.Deck)
	}
	if got, want := texts(doc.Find("#description .wikitext p")), strings.Split(w.Description, "\n\n"); !cmp.Equal(got, want) {
		t.Errorf("description paragraphs (-got +want):\n%s", cmp.Diff(got, want))
	}
	var gotCredits, wantCredits [][3]string
	doc.Find("#credits tr.credit").Each(func(_ int, row *goquery.Selection) {
		gotCredits = append(gotCredits, [3]string{text(row.Find(".person a")), text(row.Find(".role")), text(row.Find(".note"))})
	})
	for _, cr := range w.Credits {
		wantCredits = append(wantCredits, [3]string{cr["person"], cr["role"], cr["note"]})
	}
	if diff := cmp.Diff(gotCredits, wantCredits); diff != "" {
		t.Errorf("credits (-got +want):\n%s", diff)
	}
	var gotReleases, wantReleases [][4]string
	doc.Find("#general tr.release").Each(func(_ int, row *goquery.Selection) {
		gotReleases = append(gotReleases, [4]string{text(row.Find(".region")), text(row.Find(".language")), text(row.Find(".title")), text(row.Find(".date"))})
	})
	for _, r := range w.Releases {
		wantReleases = append(wantReleases, [4]string{r["region"], r["language"], r["name"], r["date"]})
	}
	if diff := cmp.Diff(gotReleases, wantReleases); diff != "" {
		t.Errorf("releases (-got +want):\n%s", diff)
	}
	if got := text(doc.Find("#rating")); got != w.Rating {
		t.Errorf("rating = %q, want %q", got, w.Rating)
	}
	if got, want := text(doc.Find("#runtime")), strconv.Itoa(w.RuntimeMinutes)+" minutes"; got != want {
		t.Errorf("runtime = %q, want %q", got, want)
	}
	if diff := cmp.Diff(texts(doc.Find("#aliases li.alias")), w.Aliases); diff != "" {
		t.Errorf("aliases (-got +want):\n%s", diff)
	}
	var gotSegments, wantSegments [][3]string
	doc.Find("#episodes li.episode").Each(func(_ int, li *goquery.Selection) {
		gotSegments = append(gotSegments, [3]string{text(li.Find(".name")), text(li.Find(".original-name")), text(li.Find(".romanized"))})
	})
	for _, seg := range w.RawSegments {
		wantSegments = append(wantSegments, [3]string{seg["name"], seg["original_name"], seg["romanized"]})
	}
	if diff := cmp.Diff(gotSegments, wantSegments); diff != "" {
		t.Errorf("segments (-got +want):\n%s", diff)
	}
	// Sections with nothing in them are not shown; one line links to the forms that add to them.
	for _, id := range []string{"characters", "genres", "themes", "franchise", "similar", "associations"} {
		add := doc.Find(`#add a[data-section="` + id + `"]`)
		href, _ := add.Attr("href")
		if add.Length() != 1 || href != e.Path()+"/edit/"+id || doc.Find("#"+id).Length() != 0 {
			t.Errorf("section %s: %d sections, a link %q to %q in the add line, want no section and a link to %s",
				id, doc.Find("#"+id).Length(), text(add), href, e.Path()+"/edit/"+id)
		}
	}
	if got := texts(doc.Find("#top-editors li .editor")); !cmp.Equal(got, []string{editor}) {
		t.Errorf("top editors = %q, want [%s]", got, editor)
	}
	// The sections that have something come in the fixture's order (images and user lists come
	// later).
	want := map[string]string{"deck": "deck", "description": "description", "Characters & Voice Actors": "characters",
		"Credits": "credits", "General Information": "general", "Genres": "genres", "Themes": "themes",
		"Aliases": "aliases", "Franchise": "franchise", "Similar": "similar", "Associations": "associations", "Top Editors": "top-editors"}
	var wantOrder, gotOrder []string
	for _, name := range m.PageSectionsInOrder {
		if id, ok := want[name]; ok && doc.Find("#"+id).Length() > 0 {
			wantOrder = append(wantOrder, id)
		}
	}
	doc.Find("article.work section").Each(func(_ int, sec *goquery.Selection) {
		if id := sec.AttrOr("id", ""); slices.Contains(wantOrder, id) {
			gotOrder = append(gotOrder, id)
		}
	})
	if diff := cmp.Diff(gotOrder, wantOrder); diff != "" {
		t.Errorf("section order (-got +want):\n%s", diff)
	}

	// Every person's page lists their credit on Memories under their role, and their facts.
	for _, p := range m.People {
		list, _ := s.Store.EntitiesByName(ctx, wiki.KindPerson, p["name"])
		pd := reader.page(list[0].Path(), http.StatusOK)
		if got := text(pd.Find("#summary .wikitext")); got != p["summary"] {
			t.Errorf("%s: summary %q, want %q", p["name"], got, p["summary"])
		}
		if got := text(pd.Find("#birth-date")); got != p["birth_date"] {
			t.Errorf("%s: birth date %q, want %q", p["name"], got, p["birth_date"])
		}
		if got := text(pd.Find("#birth-place")); got != p["birth_place"] {
			t.Errorf("%s: birth place %q, want %q", p["name"], got, p["birth_place"])
		}
		var got []string
		pd.Find("#credits li.credit").Each(func(_ int, li *goquery.Selection) {
			href, _ := li.Find("a.work").Attr("href")
			got = append(got, text(li.Find(".role"))+" | "+text(li.Find("a.work"))+" | "+href+" | "+text(li.Find(".note")))
		})
		var wantCredits []string
		for _, cr := range w.Credits {
			if cr["person"] == p["name"] {
				wantCredits = append(wantCredits, cr["role"]+" | "+w.Name+" | "+e.Path()+" | "+cr["note"])
			}
		}
		if diff := cmp.Diff(got, wantCredits); diff != "" {
			t.Errorf("%s: credits (-got +want):\n%s", p["name"], diff)
		}
	}
	// Each segment is an episode page of its own that points back to the work.
	href, _ := doc.Find("#episodes li.episode a.name").First().Attr("href")
	seg := reader.page(href, http.StatusOK)
	if got, _ := seg.Find("a.work").Attr("href"); got != e.Path() {
		t.Errorf("segment page links to %q, want %q", got, e.Path())
	}
	var persons int
	if err := s.Store.DB().QueryRow(`SELECT COUNT(*) FROM entities WHERE kind = 'person'`).Scan(&persons); err != nil || persons != len(m.People) {
		t.Errorf("person pages = %d (%v), want %d", persons, err, len(m.People))
	}
}
