package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// maxFuzzForm bounds the posted form a fuzz target decodes; the site takes a megabyte, but
// nothing in a form's decoding depends on its size past a few values.
const maxFuzzForm = 16 << 10

// errRollback ends a fuzzed edit once it is decoded and checked, so that nothing is saved and
// every input starts from the same pages.
var errRollback = errors.New("fuzz: roll back")

// formWiki is a store with one of each kind of page, and a work with one item in each of its
// lists, for the edit forms' decoders to work on.
type formWiki struct {
	store *store.Store
	edits *edit.Service
	user  int64
	work  int64
	pages map[wiki.Kind]int64 // one page of each kind, the work among them
}

// newFormWiki fills a fresh SQLite store with the pages. The work's items have fixed keys
// ("c1", "m1", ...) so that seeds can remove and edit them.
func newFormWiki(tb testing.TB) *formWiki {
	tb.Helper()
	ctx := context.Background()
	st := storetest.Open(tb, store.SQLite)
	fw := &formWiki{store: st, edits: &edit.Service{Store: st}, pages: map[wiki.Kind]int64{}}
	var err error
	if fw.user, err = st.CreateUser(ctx, "ann", "x", string(auth.RoleTrusted)); err != nil {
		tb.Fatal(err)
	}
	_, err = fw.edits.Apply(ctx, fw.user, "pages for fuzzing", func(c *edit.Changes) error {
		ids := map[wiki.Kind]int64{}
		for _, p := range []struct {
			kind wiki.Kind
			doc  wiki.Document
		}{
			{wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"}},
			{wiki.KindCharacter, &wiki.Character{Name: "Heintz"}},
			{wiki.KindCompany, &wiki.Company{Name: "Studio 4°C"}},
			{wiki.KindFranchise, &wiki.Topic{Name: "Memories"}},
			{wiki.KindGenre, &wiki.Topic{Name: "Science fiction"}},
			{wiki.KindTheme, &wiki.Topic{Name: "Space"}},
			{wiki.KindConcept, &wiki.Topic{Name: "Anthology"}},
		} {
			if ids[p.kind], err = c.Create(ctx, p.kind, p.doc); err != nil {
				return err
			}
		}
		other, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Perfect Blue", Medium: wiki.MediumFilm})
		if err != nil {
			return err
		}
		ids[wiki.KindWork], err = c.Create(ctx, wiki.KindWork, &wiki.Work{
			Name: "Memories", Medium: wiki.MediumFilm, StartDate: "1995-12-23", RuntimeMinutes: 113,
			Titles:      []wiki.Title{{Key: "t1", Language: "ja", Kind: "official", Text: "メモリーズ"}},
			ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "1"}},
			Releases:    []wiki.Release{{Key: "r1", Region: "JP", Language: "ja", Title: "メモリーズ", Date: "1995-12-23"}},
			Credits:     []wiki.Credit{{Key: "c1", Person: wiki.Ref(ids[wiki.KindPerson]), Role: "Writer"}},
			Cast: []wiki.CastMember{{Key: "m1", Character: wiki.Ref(ids[wiki.KindCharacter]), Role: "Main",
				Voices: []wiki.Voice{{Language: "ja", Person: wiki.Ref(ids[wiki.KindPerson])}}}},
			Companies: []wiki.CompanyCredit{{Key: "co1", Company: wiki.Ref(ids[wiki.KindCompany]), Role: "Animation"}},
			Aliases:   []string{"Memorīzu"},
			Genres:    []wiki.Ref{wiki.Ref(ids[wiki.KindGenre])},
			Themes:    []wiki.Ref{wiki.Ref(ids[wiki.KindTheme])},
			Franchise: wiki.Ref(ids[wiki.KindFranchise]),
			Similar:   []wiki.Ref{wiki.Ref(other)},
			Relations: []wiki.Relation{{Key: "rel1", Type: "Sequel", Work: wiki.Ref(other)}},
		})
		if err != nil {
			return err
		}
		ids[wiki.KindEpisode], err = c.Create(ctx, wiki.KindEpisode, &wiki.Episode{Work: wiki.Ref(ids[wiki.KindWork]), Number: 1, Name: "Magnetic Rose"})
		fw.pages = ids
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	fw.work = fw.pages[wiki.KindWork]
	return fw
}

// decode runs the form of target (a work section's key, or "edit:KIND" or "new:KIND" for the
// plain fields of a page of that kind) inside a changeset that is rolled back, and returns the error
// that decoding or saving the result gave, nil when both succeeded.
func (fw *formWiki) decode(ctx context.Context, target string, form url.Values) error {
	var got error
	run := func(fn func(c *edit.Changes) error) {
		_, err := fw.edits.Apply(ctx, fw.user, "fuzz", func(c *edit.Changes) error {
			if err := fn(c); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			got = err
		}
	}
	if sec, isSection := findSection(target); isSection {
		run(func(c *edit.Changes) error {
			e, doc, err := c.Current(ctx, fw.work)
			if err != nil {
				return err
			}
			w := doc.(*wiki.Work)
			if err := sec.apply(ctx, c, fw.work, w, form); err != nil {
				return err
			}
			if err := c.Update(ctx, fw.work, e.Head, w); err != nil {
				return err
			}
			return storable(w)
		})
		return got
	}
	action, name, _ := strings.Cut(target, ":")
	isNew, kind := action == "new", wiki.Kind(name)
	id := fw.pages[kind]
	run(func(c *edit.Changes) error {
		if isNew {
			doc, _ := wiki.New(kind)
			if err := applyScalars(doc, form); err != nil {
				return err
			}
			if _, err := c.Create(ctx, kind, doc); err != nil {
				return err
			}
			return storable(doc)
		}
		e, doc, err := c.Current(ctx, id)
		if err != nil {
			return err
		}
		if err := applyScalars(doc, form); err != nil {
			return err
		}
		if err := c.Update(ctx, id, e.Head, doc); err != nil {
			return err
		}
		return storable(doc)
	})
	return got
}

// errUnstorable is a document that decoded and validated but holds text a store cannot keep.
var errUnstorable = errors.New("fuzz: saved text holds a NUL byte or invalid UTF-8")

// storable returns errUnstorable, naming the field, when a string in doc holds a NUL byte or
// invalid UTF-8: text every store must keep as given.
func storable(doc wiki.Document) error {
	if path := badText(reflect.ValueOf(doc), ""); path != "" {
		return fmt.Errorf("%w: %s", errUnstorable, path)
	}
	return nil
}

// badText returns the path of the first string in v with a NUL byte or invalid UTF-8, or "".
func badText(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem(), path)
		}
	case reflect.String:
		if s := v.String(); strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
			return fmt.Sprintf("%s = %q", path, s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if p := badText(v.Field(i), path+"."+v.Type().Field(i).Name); p != "" {
				return p
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if p := badText(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// formTargets lists the forms FuzzEditForms decodes: each work section, then the plain fields
// of every kind, edited and new.
func formTargets() []string {
	var out []string
	for _, s := range workSections {
		out = append(out, s.Key)
	}
	for _, k := range wiki.Kinds {
		out = append(out, "edit:"+string(k), "new:"+string(k))
	}
	return out
}

// FuzzEditForms posts fuzzed forms to every section of the work edit form and to the plain
// fields form of every kind, editing and creating, on a real store. Whatever the form holds,
// it must decode into a change that saves, or be refused with a validation error: any other
// error would be a server error page, and a panic a crash.
func FuzzEditForms(f *testing.F) {
	targets := formTargets()
	for i := range targets {
		f.Add(uint8(i), "")
		f.Add(uint8(i), "remove=c1&remove=m1&remove=co1&remove=r1&remove=t1&remove=rel1&remove=nope")
	}
	for _, seed := range [][2]string{
		{"basics", "name=Memories&medium=film&start_date=1995-12&episodes=3&rating=PG-13&description=%5B%5BSatoshi+Kon%5D%5D"},
		{"basics", "name=&medium=spaceship&episodes=2147483648&runtime_minutes=-1&start_date=1995-13-40"},
		{"basics", "name=%00&deck=%ff%fe&description=" + url.QueryEscape(strings.Repeat("> ", 40)+"x")},
		{"basics", "name=x&episodes=9223372036854775807&episode_minutes=-9223372036854775808"},
		{"credits", "person=Satoshi+Kon&role=Director&note=segment+2"},
		{"credits", "person=Satoshi+Kon+%28%231%29&role=Director"},
		{"credits", "person=Nobody+%28%239223372036854775807%29&role=Director"},
		{"credits", "person=Nobody+%28%23-1%29&role=Director&person_new=1"},
		{"credits", "role.c1=Director&note.c1=%00&role.nope=x"},
		{"credits", "role.c1=&note.c1="},
		{"characters", "character=Heintz&cast_role=Main&voice_person=Satoshi+Kon&voice_language=ja&voice_person=New+Voice"},
		{"characters", "character=%ff&cast_role=bogus&voice_person=x&voice_person=y&voice_language=zz"},
		{"companies", "company=Studio+4%C2%B0C&role=Animation"},
		{"companies", "company=Studio+4%C2%B0C+%28%232%29&role=%00"},
		{"releases", "region=US&language=en&title=Memories&date=1996-01"},
		{"releases", "region=%ff&language=&title=&date=2024-02-30"},
		{"titles", "title_text=Memorizu&title_language=x-jat&title_kind=synonym"},
		{"titles", "title_text=x&title_language=..%2F..&title_kind=%00"},
		{"ids", "site=anidb&id=2"}, {"ids", "site=wikidata&id=Q1057342"}, {"ids", "site=evil&id=%2F%2Fevil.example"},
		{"genres", "name=Science+fiction"}, {"genres", "name=Science+fiction+%28%232147483648%29"},
		{"themes", "name=New+theme&name_new=1"},
		{"similar", "name=Perfect+Blue"}, {"similar", "name=Memories"},
		{"associations", "name=Anthology+%28%235%29"},
		{"aliases", "aliases=Memories%0D%0AMemorīzu%0A%0A%00"},
		{"franchise", "name=Memories"}, {"franchise", "name="}, {"franchise", "name=Brand+new&name_new=on"},
		{"relations", "work=Perfect+Blue&type=sequel"}, {"relations", "work=Memories&type=prequel"},
		{"relations", "work=x+%28%230%29&type=nonsense"},
		{"episodes", "name=Stink+Bomb&number=2&air_date=1995-12-23&segment=1"},
		{"episodes", "name=x&number=-2147483649"}, {"episodes", "name=&number=abc"},
		// Several rows at once, numbered as the forms number them.
		{"credits", "add.0.person=Satoshi+Kon&add.0.role=Director&add.1.person=&add.2.person=New+One&add.2.role=Music&add.2.person_new=1"},
		{"credits", "add.0.person=A&add.99999.role=x&add.x.note=y&add.__.person=z"},
		{"credits", "add.0.person=Satoshi+Kon&add.0.role=Writer"},
		{"characters", "add.0.character=Heintz&add.0.voice_person=Satoshi+Kon&add.0.voice_language=ja&add.0.voice_person=&add.1.character=New"},
		{"companies", "add.0.company=Studio+4%C2%B0C&add.0.role=Animation&add.1.company=Other&add.1.role="},
		{"releases", "add.0.region=JP&add.1.region=US&add.1.date=1996&add.1.title=x"},
		{"titles", "add.0.title_text=A&add.1.title_text=A"},
		{"ids", "add.0.site=anidb&add.0.id=2&add.1.site=anidb&add.1.id=3"},
		{"genres", "add.0.name=Science+fiction&add.1.name=Science+fiction"},
		{"relations", "add.0.type=Sequel&add.0.work=Perfect+Blue&add.1.type=&add.1.work="},
		{"episodes", "add.0.number=2&add.0.name=a&add.1.number=2&add.1.name=b&add.2.number=x"},
		{"edit:person", "name=Satoshi+Kon&birth_date=1963-10-12&external_ids=wikidata+Q1057342%0Aanidb+5"},
		{"edit:person", "name=x&external_ids=wikidata%0Abogus+1+2"},
		{"new:person", "name=Katsuhiro+Otomo"}, {"new:person", "name=%20"},
		{"edit:character", "name=Heintz&summary=%5B%5Bx%5D%5D"},
		{"edit:company", "name=Madhouse&founded=1972-10-17"}, {"new:company", "name=y&founded=0000"},
		{"edit:franchise", "name=x"}, {"new:genre", "name=Drama"}, {"edit:theme", "name=t"}, {"new:concept", "name=c"},
		{"edit:episode", "name=Magnetic+Rose&number=1"}, {"new:episode", "name=orphan&number=1"},
		{"new:work", "name=Akira&medium=film"}, {"new:work", "name=x&medium=&rating=zz"},
	} {
		i := slices.Index(targets, seed[0])
		if i < 0 {
			f.Fatalf("seed for %q, which is no form", seed[0])
		}
		f.Add(uint8(i), seed[1])
	}
	fw := newFormWiki(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		target := targets[int(which)%len(targets)]
		if len(raw) > maxFuzzForm {
			t.Skip("longer than the fuzz bound")
		}
		form, err := url.ParseQuery(raw)
		if err != nil {
			return // the handlers refuse a form that does not parse before decoding it
		}
		err = fw.decode(ctx, target, form)
		var ve *wiki.ValidationError
		switch {
		case err == nil:
		case errors.Is(err, errUnstorable):
			t.Errorf("form %q of %q: %v", raw, target, err)
		case !errors.As(err, &ve):
			t.Errorf("form %q of %q: error %v (%T), want a validation error", raw, target, err, err)
		}
	})
}

// FuzzSearchQuery checks the decoding of the search page's parameters: any query string is
// either a query within the limits Search expects, or a bad request.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{
		"q=memories", "q=%E3%83%A1%E3%83%A2%E3%83%AA%E3%83%BC%E3%82%BA&kind=work&type=film&from=1990&to=2000",
		"q=x&kind=work&kind=work&kind=&type=tv&type=tv", "q=x&kind=bogus", "q=x&type=%00",
		"q=x&page=2&limit=50", "q=x&page=0", "q=x&page=26", "q=x&limit=9223372036854775807",
		"q=x&genre=2147483648&theme=9007199254740993", "q=x&genre=-1", "q=x&from=1799&to=2201",
		"q=%ff%fe%00", "q=" + strings.Repeat("a", 201), "q=" + strings.Repeat("%E3%81%82", 200),
		"q=+++&from=+1999+", "q=x&page=%2B1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if len(raw) > maxFuzzForm {
			t.Skip("longer than the fuzz bound")
		}
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, maxLimit := range []int{perPage, 100} {
			q, err := searchQuery(v, perPage, maxLimit)
			if err != nil {
				if !errors.Is(err, ErrBadRequest) {
					t.Errorf("searchQuery(%q) = %v, want a bad request", raw, err)
				}
				continue
			}
			if n := utf8.RuneCountInString(q.Text); n > search.MaxQuery {
				t.Errorf("searchQuery(%q): text of %d characters", raw, n)
			}
			if q.Limit < 1 || q.Limit > maxLimit || q.Offset < 0 || q.Offset > search.MaxResults+maxLimit {
				t.Errorf("searchQuery(%q): limit %d, offset %d", raw, q.Limit, q.Offset)
			}
			for _, k := range q.Kinds {
				if !k.Valid() {
					t.Errorf("searchQuery(%q): kind %q", raw, k)
				}
			}
			for _, m := range q.Media {
				if !m.Valid() {
					t.Errorf("searchQuery(%q): medium %q", raw, m)
				}
			}
			for _, id := range q.Topics {
				if id <= 0 {
					t.Errorf("searchQuery(%q): topic %d", raw, id)
				}
			}
		}
	})
}
