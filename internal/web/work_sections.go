package web

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/edit"
	"kioku/internal/wiki"
)

// workSection is one part of the work page with its own edit form. apply changes w, a copy of
// the document the form was made from, as the posted form asks; it may create other entities
// in the same changeset (a person named in a new credit).
type workSection struct {
	Key   string
	Title string
	apply func(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error
}

// workSections lists the work page's edit forms, in the page's order.
var workSections = []workSection{
	{"basics", "Deck, description and general information", applyBasics},
	{"characters", "Characters & Voice Actors", applyCast},
	{"credits", "Credits", applyCredits},
	{"companies", "Companies", applyCompanies},
	{"releases", "Releases", applyReleases},
	{"genres", "Genres", refListSection(wiki.KindGenre, func(w *wiki.Work) *[]wiki.Ref { return &w.Genres }, true)},
	{"themes", "Themes", refListSection(wiki.KindTheme, func(w *wiki.Work) *[]wiki.Ref { return &w.Themes }, true)},
	{"aliases", "Aliases", applyAliases},
	{"franchise", "Franchise", applyFranchise},
	{"similar", "Similar works", refListSection(wiki.KindWork, func(w *wiki.Work) *[]wiki.Ref { return &w.Similar }, false)},
	{"associations", "Associations", refListSection(wiki.KindConcept, func(w *wiki.Work) *[]wiki.Ref { return &w.Associations }, true)},
	{"relations", "Related works", applyRelations},
	{"episodes", "Segments & Episodes", applyEpisode},
}

func findSection(key string) (workSection, bool) {
	for _, s := range workSections {
		if s.Key == key {
			return s, true
		}
	}
	return workSection{}, false
}

func applyBasics(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	return applyScalars(w, f)
}

func newPerson(name string) wiki.Document    { return &wiki.Person{Name: name} }
func newCharacter(name string) wiki.Document { return &wiki.Character{Name: name} }
func newCompany(name string) wiki.Document   { return &wiki.Company{Name: name} }
func newTopic(name string) wiki.Document     { return &wiki.Topic{Name: name} }

func applyCredits(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Credits = keep(w.Credits, removed(f))
	for i := range w.Credits {
		k := w.Credits[i].Key
		if role, ok := f["role."+k]; ok {
			w.Credits[i].Role = strings.TrimSpace(role[0])
		}
		if note, ok := f["note."+k]; ok {
			w.Credits[i].Note = strings.TrimSpace(note[0])
		}
	}
	if blank(f, "person", "role", "note") {
		return nil
	}
	role := strings.TrimSpace(f.Get("role"))
	if role == "" {
		return wiki.Invalid("the new credit needs a role, such as Director or Music")
	}
	person, err := pick(ctx, c, wiki.KindPerson, "person", f.Get("person"), f.Get("person_new") != "", newPerson)
	if err != nil {
		return err
	}
	w.Credits = append(w.Credits, wiki.Credit{Key: wiki.NewKey(), Person: person, Role: role, Note: strings.TrimSpace(f.Get("note"))})
	return nil
}

func applyCast(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Cast = keep(w.Cast, removed(f))
	langs, people := f["voice_language"], f["voice_person"]
	if blank(f, "character") {
		for _, p := range people {
			if strings.TrimSpace(p) != "" {
				return wiki.Invalid("name the character the voice actors play")
			}
		}
		return nil
	}
	character, err := pick(ctx, c, wiki.KindCharacter, "character", f.Get("character"), f.Get("character_new") != "", newCharacter)
	if err != nil {
		return err
	}
	m := wiki.CastMember{Key: wiki.NewKey(), Character: character, Role: strings.TrimSpace(f.Get("cast_role"))}
	for i, name := range people {
		if strings.TrimSpace(name) == "" {
			continue
		}
		lang := ""
		if i < len(langs) {
			lang = strings.TrimSpace(langs[i])
		}
		if lang == "" {
			return wiki.Invalid("voice actor %q needs the language of the performance", name)
		}
		person, err := pick(ctx, c, wiki.KindPerson, "voice actor", name, false, newPerson)
		if err != nil {
			return err
		}
		m.Voices = append(m.Voices, wiki.Voice{Language: lang, Person: person})
	}
	w.Cast = append(w.Cast, m)
	return nil
}

func applyCompanies(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Companies = keep(w.Companies, removed(f))
	if blank(f, "company", "role") {
		return nil
	}
	role := strings.TrimSpace(f.Get("role"))
	if role == "" {
		return wiki.Invalid("the company needs a role, such as Animation studio")
	}
	company, err := pick(ctx, c, wiki.KindCompany, "company", f.Get("company"), false, newCompany)
	if err != nil {
		return err
	}
	w.Companies = append(w.Companies, wiki.CompanyCredit{Key: wiki.NewKey(), Company: company, Role: role})
	return nil
}

func applyReleases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Releases = keep(w.Releases, removed(f))
	if blank(f, "region", "language", "title", "date") {
		return nil
	}
	w.Releases = append(w.Releases, wiki.Release{Key: wiki.NewKey(), Region: strings.ToUpper(strings.TrimSpace(f.Get("region"))),
		Language: strings.TrimSpace(f.Get("language")), Title: strings.TrimSpace(f.Get("title")), Date: strings.TrimSpace(f.Get("date"))})
	return nil
}

// refListSection edits a list of references (genres, themes, similar works, associations):
// remove ticked ones, add one by name, creating it when create is set and none has the name.
func refListSection(kind wiki.Kind, list func(*wiki.Work) *[]wiki.Ref, create bool) func(context.Context, *edit.Changes, int64, *wiki.Work, url.Values) error {
	return func(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
		refs := list(w)
		*refs = keep(*refs, removed(f))
		if blank(f, "name") {
			return nil
		}
		newDoc := newTopic
		if !create {
			newDoc = nil
		}
		ref, err := pick(ctx, c, kind, kind.Label(), f.Get("name"), f.Get("name_new") != "", newDoc)
		if err != nil {
			return err
		}
		if int64(ref) == workID {
			return wiki.Invalid("a work cannot point to itself")
		}
		for _, r := range *refs {
			if r == ref {
				return wiki.Invalid("%s is already listed", strings.TrimSpace(f.Get("name")))
			}
		}
		*refs = append(*refs, ref)
		return nil
	}
}

func applyAliases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Aliases = nil
	for _, line := range strings.Split(f.Get("aliases"), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !slices.Contains(w.Aliases, line) {
			w.Aliases = append(w.Aliases, line)
		}
	}
	return nil
}

func applyFranchise(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	if blank(f, "name") {
		w.Franchise = 0
		return nil
	}
	ref, err := pick(ctx, c, wiki.KindFranchise, "franchise", f.Get("name"), f.Get("name_new") != "", newTopic)
	w.Franchise = ref
	return err
}

func applyRelations(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
	w.Relations = keep(w.Relations, removed(f))
	if blank(f, "work", "type") {
		return nil
	}
	typ := strings.TrimSpace(f.Get("type"))
	if !slices.Contains(wiki.RelationTypes, typ) {
		return wiki.Invalid("choose the kind of relation")
	}
	ref, err := pick(ctx, c, wiki.KindWork, "work", f.Get("work"), false, nil)
	if err != nil {
		return err
	}
	if int64(ref) == workID {
		return wiki.Invalid("a work cannot be related to itself")
	}
	w.Relations = append(w.Relations, wiki.Relation{Key: wiki.NewKey(), Type: typ, Work: ref})
	return nil
}

// applyEpisode adds an episode or anthology segment: a page of its own that belongs to the work.
func applyEpisode(ctx context.Context, c *edit.Changes, workID int64, _ *wiki.Work, f url.Values) error {
	if blank(f, "name", "number", "original_name", "romanized", "air_date") {
		return wiki.Invalid("give the episode or segment a name")
	}
	e := &wiki.Episode{Work: wiki.Ref(workID), Segment: f.Get("segment") != "",
		Name: strings.TrimSpace(f.Get("name")), OriginalName: strings.TrimSpace(f.Get("original_name")),
		Romanized: strings.TrimSpace(f.Get("romanized")), AirDate: strings.TrimSpace(f.Get("air_date"))}
	if raw := strings.TrimSpace(f.Get("number")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return wiki.Invalid("number must be a whole number, not %q", raw)
		}
		e.Number = n
	}
	_, err := c.Create(ctx, wiki.KindEpisode, e)
	return err
}
