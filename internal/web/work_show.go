package web

import (
	"context"
	"reflect"
	"slices"
	"sort"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// workPage is everything the work page shows, with every reference resolved to its entity.
type workPage struct {
	entityView
	Work         *wiki.Work
	Cast         []castView
	Credits      []creditView
	Companies    []creditView
	Genres       []store.Entity
	Themes       []store.Entity
	Franchise    *store.Entity
	Similar      []store.Entity
	Associations []store.Entity
	Relations    []relationView
	Episodes     []episodeRow
	Sources      []sourceView
	Titles       []titleView
	ExternalIDs  []idView
}

// FieldSources lists the sources that gave one of the work's plain fields, by its JSON name.
func (p *workPage) FieldSources(field string) []sourceView { return sourcesOfField(p.Sources, field) }

// addLink is a section of a work page that has nothing in it yet: the page shows one line of
// links to such sections' edit forms rather than an empty card for each.
type addLink struct {
	ID    string // the section's id on the page once it has something
	Label string
	Form  string // the edit form's section, under the page's /edit/
}

// Missing lists the sections that have nothing yet, in the order the page shows its sections.
func (p *workPage) Missing() []addLink {
	w := p.Work
	sections := []struct {
		addLink
		empty bool
	}{
		{addLink{"deck", "deck", "basics"}, w.Deck == ""},
		{addLink{"description", "description", "basics"}, w.Description == ""},
		{addLink{"characters", "characters", "characters"}, len(p.Cast) == 0},
		{addLink{"credits", "credits", "credits"}, len(p.Credits) == 0},
		{addLink{"companies", "companies", "companies"}, len(p.Companies) == 0},
		{addLink{"general", "releases", "releases"}, len(w.Releases) == 0},
		{addLink{"titles", "titles", "titles"}, len(p.Titles) == 0},
		{addLink{"genres", "genres", "genres"}, len(p.Genres) == 0},
		{addLink{"themes", "themes", "themes"}, len(p.Themes) == 0},
		{addLink{"aliases", "aliases", "aliases"}, len(w.Aliases) == 0},
		{addLink{"franchise", "franchise", "franchise"}, p.Franchise == nil},
		{addLink{"similar", "similar works", "similar"}, len(p.Similar) == 0},
		{addLink{"associations", "associations", "associations"}, len(p.Associations) == 0},
		{addLink{"relations", "related works", "relations"}, len(p.Relations) == 0},
		{addLink{"episodes", "episodes or segments", "episodes"}, len(p.Episodes) == 0},
		{addLink{"external-ids", "ids on other sites", "ids"}, len(p.ExternalIDs) == 0},
	}
	var out []addLink
	for _, s := range sections {
		if s.empty {
			out = append(out, s.addLink)
		}
	}
	return out
}

// Unknown lists the labels of the basic facts the infobox has no value for yet.
func (p *workPage) Unknown() []string {
	w := p.Work
	var out []string
	for _, f := range []struct {
		label   string
		missing bool
	}{
		{"type", w.Medium == ""},
		{"dates", w.StartDate == ""},
		{"runtime", w.RuntimeMinutes == 0},
		{"rating", w.Rating == ""},
	} {
		if f.missing {
			out = append(out, f.label)
		}
	}
	return out
}

// Year is the year the work started, or "".
func (p *workPage) Year() string {
	if len(p.Work.StartDate) >= 4 {
		return p.Work.StartDate[:4]
	}
	return ""
}

// OriginalLanguage is the language to mark the original title with.
func (p *workPage) OriginalLanguage() string {
	if p.Work.OriginalLanguage != "" {
		return p.Work.OriginalLanguage
	}
	return "ja"
}

type titleView struct {
	wiki.Title
	Source *sourceView
}

// Cites lists the title's source, for its citation mark.
func (t titleView) Cites() []sourceView { return cites(t.Source) }

type idView struct {
	wiki.ExternalID
	Source *sourceView
}

// Cites lists the id's source, for its citation mark.
func (x idView) Cites() []sourceView { return cites(x.Source) }

type castView struct {
	Key       string
	Character store.Entity
	Role      string
	Note      string
	Voices    []voiceView
	Source    *sourceView
}

type voiceView struct {
	Language string
	Person   store.Entity
}

type creditView struct {
	Person   store.Entity // the person or company credited
	Role     string
	RoleText string // the role as the source wrote it
	Note     string
	Source   *sourceView
}

// Cites lists the credit's source, for its citation mark.
func (c creditView) Cites() []sourceView { return cites(c.Source) }

type relationView struct {
	Type string
	Work store.Entity
}

type episodeRow struct {
	Entity  store.Entity
	Episode *wiki.Episode
}

func (a *App) workView(ctx context.Context, base entityView, w *wiki.Work) (*workPage, error) {
	byID, err := a.names(ctx, w)
	if err != nil {
		return nil, err
	}
	p := &workPage{entityView: base, Work: w}
	p.Sources = sourceList(w, fieldLabels(w))
	for _, t := range w.Titles {
		p.Titles = append(p.Titles, titleView{Title: t, Source: sourceByKey(p.Sources, t.Source)})
	}
	for _, site := range wiki.Sites {
		for _, x := range w.ExternalIDs {
			if x.Site == site.Name {
				p.ExternalIDs = append(p.ExternalIDs, idView{ExternalID: x, Source: sourceByKey(p.Sources, x.Source)})
			}
		}
	}
	for _, c := range w.Cast {
		cv := castView{Key: c.Key, Character: byID[int64(c.Character)], Role: c.Role, Note: c.Note, Source: sourceByKey(p.Sources, c.Source)}
		for _, v := range c.Voices {
			cv.Voices = append(cv.Voices, voiceView{Language: v.Language, Person: byID[int64(v.Person)]})
		}
		p.Cast = append(p.Cast, cv)
	}
	for _, c := range w.Credits {
		p.Credits = append(p.Credits, creditView{Person: byID[int64(c.Person)], Role: c.Role, RoleText: c.RoleText, Note: c.Note,
			Source: sourceByKey(p.Sources, c.Source)})
	}
	for _, c := range w.Companies {
		p.Companies = append(p.Companies, creditView{Person: byID[int64(c.Company)], Role: c.Role, RoleText: c.RoleText,
			Source: sourceByKey(p.Sources, c.Source)})
	}
	for _, r := range w.Relations {
		p.Relations = append(p.Relations, relationView{Type: r.Type, Work: byID[int64(r.Work)]})
	}
	pick := func(refs []wiki.Ref) []store.Entity {
		var out []store.Entity
		for _, r := range refs {
			out = append(out, byID[int64(r)])
		}
		return out
	}
	p.Genres, p.Themes, p.Similar, p.Associations = pick(w.Genres), pick(w.Themes), pick(w.Similar), pick(w.Associations)
	if w.Franchise != 0 {
		f := byID[int64(w.Franchise)]
		p.Franchise = &f
	}
	if p.Episodes, err = a.episodesOf(ctx, base.Entity.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// episodesOf lists a work's episodes and segments in order, with their documents.
func (a *App) episodesOf(ctx context.Context, workID int64) ([]episodeRow, error) {
	links, err := a.store.LinksTo(ctx, workID, wiki.RelEpisodeOf)
	if err != nil || (len(links) == 0 && len(proposed(ctx)) == 0) {
		return nil, err
	}
	ids := make([]int64, len(links))
	for i, l := range links {
		ids[i] = l.Source
	}
	docs, err := a.store.HeadDocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []episodeRow
	for _, l := range links {
		h, ok := docs[l.Source]
		if !ok {
			continue
		}
		doc, err := wiki.Decode(wiki.KindEpisode, h.Document)
		if err != nil {
			return nil, err
		}
		out = append(out, episodeRow{Entity: h.Entity, Episode: doc.(*wiki.Episode)})
	}
	// For the author of an edit waiting for review, the episodes as it makes them.
	for _, p := range proposed(ctx) {
		if p.Entity.Kind != wiki.KindEpisode {
			continue
		}
		doc, err := wiki.Decode(wiki.KindEpisode, p.Document)
		if err != nil {
			return nil, err
		}
		ep := doc.(*wiki.Episode)
		out = slices.DeleteFunc(out, func(r episodeRow) bool { return r.Entity.ID == p.Entity.ID })
		if int64(ep.Work) == workID {
			out = append(out, episodeRow{Entity: p.Entity, Episode: ep})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Episode.Number < out[j].Episode.Number })
	return out, nil
}

// fieldLabels maps a document's JSON field names to the labels readers see.
func fieldLabels(doc wiki.Document) map[string]string {
	t := reflect.TypeOf(doc).Elem()
	out := make(map[string]string, t.NumField())
	for i := range t.NumField() {
		out[wiki.JSONName(t.Field(i))] = fieldLabel(t.Field(i))
	}
	return out
}
