package demo_test

import (
	"context"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// cheap keeps password hashing fast in tests.
var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

func document[D wiki.Document](t *testing.T, s *store.Store, e store.Entity) D {
	t.Helper()
	r, err := s.Revision(context.Background(), e.ID, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(e.Kind, r.Document)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(D)
}

// TestLoad loads the demo with nothing but an edit service, and finds every fact of the fixture
// in the documents, entered in three changesets by the loader account, none by the demo account.
func TestLoad(t *testing.T) {
	f, err := demo.Memories()
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, engine)
			// The loader is not held to the hourly limit, however low, and the demo account's
			// limit is left whole.
			svc := &edit.Service{Store: s, EditsPerHour: 1, TrustAfter: 10}
			password, err := demo.Load(ctx, svc, cheap)
			if err != nil {
				t.Fatal(err)
			}
			if err := demo.LoadSlice(ctx, svc); err != nil {
				t.Fatal(err)
			}
			works, err := s.EntitiesByName(ctx, wiki.KindWork, f.Work.Name)
			if err != nil || len(works) != 1 {
				t.Fatalf("works named %s: %v, %v", f.Work.Name, works, err)
			}
			w := document[*wiki.Work](t, s, works[0])
			if w.Deck != f.Work.Deck || w.Description != f.Work.Description || w.Rating != f.Work.Rating ||
				w.RuntimeMinutes != f.Work.RuntimeMinutes || w.Medium != wiki.MediumFilm {
				t.Errorf("work = %+v, want the fixture's deck, description, rating, runtime and medium", w)
			}
			// The fixture's facts, entered by the loader, carry no source; the slice's records of
			// the film add theirs, each naming its source.
			var gotCredits, wantCredits []string
			imported := 0
			for _, cr := range w.Credits {
				if cr.Source != "" {
					imported++
					continue
				}
				p, err := s.Entity(ctx, int64(cr.Person))
				if err != nil {
					t.Fatal(err)
				}
				gotCredits = append(gotCredits, p.Name+" | "+cr.Role+" | "+cr.Note)
			}
			for _, cr := range f.Work.Credits {
				wantCredits = append(wantCredits, cr.Person+" | "+cr.Role+" | "+cr.Note)
			}
			if diff := cmp.Diff(gotCredits, wantCredits); diff != "" {
				t.Errorf("credits (-got +want):\n%s", diff)
			}
			if imported == 0 {
				t.Errorf("no credit from the Media Arts Database's record of %s", f.Work.Name)
			}
			var gotReleases, wantReleases []string
			for _, r := range w.Releases {
				if r.Source != "" {
					continue
				}
				gotReleases = append(gotReleases, strings.Join([]string{r.Region, r.Language, r.Title, r.Date}, " | "))
			}
			for _, r := range f.Work.Releases {
				wantReleases = append(wantReleases, strings.Join([]string{r.Region, r.Language, r.Name, r.Date}, " | "))
			}
			if diff := cmp.Diff(gotReleases, wantReleases); diff != "" {
				t.Errorf("releases (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(w.Aliases, f.Work.Aliases); diff != "" {
				t.Errorf("aliases (-got +want):\n%s", diff)
			}
			links, err := s.LinksTo(ctx, works[0].ID, wiki.RelEpisodeOf)
			if err != nil {
				t.Fatal(err)
			}
			var gotSegments, wantSegments []string
			for _, l := range links {
				e, err := s.Entity(ctx, l.From.ID)
				if err != nil {
					t.Fatal(err)
				}
				ep := document[*wiki.Episode](t, s, e)
				gotSegments = append(gotSegments, strconv.Itoa(ep.Number)+" | "+ep.Name+" | "+ep.OriginalName+" | "+ep.Romanized+" | "+strconv.FormatBool(ep.Segment))
			}
			for i, seg := range f.Work.Segments {
				wantSegments = append(wantSegments, strconv.Itoa(i+1)+" | "+seg.Name+" | "+seg.OriginalName+" | "+seg.Romanized+" | true")
			}
			slices.Sort(gotSegments) // by number, which starts each
			if diff := cmp.Diff(gotSegments, wantSegments); diff != "" {
				t.Errorf("segments (-got +want):\n%s", diff)
			}
			for _, p := range f.People {
				list, err := s.EntitiesByName(ctx, wiki.KindPerson, p.Name)
				if err != nil || len(list) != 1 {
					t.Fatalf("people named %s: %v, %v", p.Name, list, err)
				}
				got := document[*wiki.Person](t, s, list[0])
				want := &wiki.Person{Name: p.Name, Summary: p.Summary, BirthDate: p.BirthDate, BirthPlace: p.BirthPlace}
				if diff := cmp.Diff(got, want); diff != "" {
					t.Errorf("%s (-got +want):\n%s", p.Name, diff)
				}
			}

			// Three changesets, all the loader's, and the newcomer's one; the demo account has saved
			// none, and can sign in.
			loader, err := s.UserByName(ctx, demo.Loader)
			if err != nil || loader.Role != string(auth.RoleImporter) {
				t.Fatalf("loader account = %+v, %v; want an importer", loader, err)
			}
			account, err := s.UserByName(ctx, demo.Account)
			if err != nil || auth.Verify(password, account.PasswordHash) != nil {
				t.Fatalf("demo account %+v (%v) does not take the password %q", account, err, password)
			}
			var byPeople, byLoader int
			if err := s.DB().QueryRow(`SELECT COUNT(CASE WHEN u.role <> 'importer' THEN 1 END),
				COUNT(CASE WHEN c.author_id = `+strconv.FormatInt(loader.ID, 10)+` THEN 1 END)
				FROM changesets c JOIN users u ON u.id = c.author_id`).Scan(&byPeople, &byLoader); err != nil {
				t.Fatal(err)
			}
			if byLoader != 3 || byPeople != 1 {
				t.Errorf("changesets: %d by the loader, %d by people's accounts; want 3 and the newcomer's", byLoader, byPeople)
			}

			// The slice of real data is there, its records of Memories on the Memories page.
			var sliceWorks int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM works WHERE start_date >= '1995' AND start_date < '1997'`).Scan(&sliceWorks); err != nil {
				t.Fatal(err)
			}
			if sliceWorks < 250 {
				t.Errorf("%d works of 1995 and 1996, want the slice's hundreds", sliceWorks)
			}
			if e, err := s.EntityByExternalID(ctx, "anidb", "262"); err != nil || e.Name != "Memories" {
				t.Errorf("AniDB 262 (from bangumi-data) is on %+v, %v; want the Memories page", e, err)
			}
			if e, err := s.EntityByExternalID(ctx, "madb", "M4026"); err != nil || e.Name != "Memories" {
				t.Errorf("Media Arts Database M4026 is on %+v, %v; want the Memories page", e, err)
			}
			if list, err := s.EntitiesByName(ctx, wiki.KindWork, "Memories"); err != nil || len(list) != 1 {
				t.Errorf("works named Memories: %v, %v; want one", list, err)
			}

			if _, _, err := svc.Create(ctx, account.ID, "A genre", wiki.KindGenre, &wiki.Topic{Name: "Anthology"}); err != nil {
				t.Errorf("the demo account's first edit: %v", err)
			}

			// Loading again changes nothing and keeps the password.
			again, err := demo.Load(ctx, svc, cheap)
			if err != nil || again != password {
				t.Errorf("second load = %q, %v; want the same password %q", again, err, password)
			}
			revisions := 0
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM revisions`).Scan(&revisions); err != nil || revisions == 0 {
				t.Fatalf("revisions: %d, %v", revisions, err)
			}
			if err := demo.LoadSlice(ctx, svc); err != nil {
				t.Errorf("second load of the slice: %v", err)
			}
			if n, _ := s.EntitiesByName(ctx, wiki.KindWork, f.Work.Name); len(n) != 1 {
				t.Errorf("works named %s after a second load = %d, want 1", f.Work.Name, len(n))
			}
			after := 0
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM revisions`).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != revisions {
				t.Errorf("a second load made %d revisions", after-revisions)
			}
		})
	}
}

// TestNoHTTP keeps the demo off the HTTP path: it enters the fixture through package edit, not
// by posting forms to a handler.
func TestNoHTTP(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "net/http") || path == "kioku/internal/web" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
