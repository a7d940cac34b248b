package edit

import (
	"slices"
	"strings"

	"kioku/internal/wiki"
)

// TitleInput is a title to add to a work.
type TitleInput struct {
	Language string // ja, en, zh-Hans, x-jat, ...
	Kind     string // one of wiki.TitleKinds; "official" when empty
	Text     string
}

// AddTitle adds a title to w; the same title in the same language twice is refused.
func AddTitle(w *wiki.Work, in TitleInput) error {
	t := wiki.Title{Key: wiki.NewKey(), Language: strings.TrimSpace(in.Language), Kind: strings.TrimSpace(in.Kind),
		Text: strings.Join(strings.Fields(in.Text), " ")}
	if t.Kind == "" {
		t.Kind = "official"
	}
	if t.Text == "" {
		return inField("title_text", wiki.Invalid("the title is empty"))
	}
	for _, have := range w.Titles {
		if have.Language == t.Language && have.Text == t.Text {
			return inField("title_text", wiki.Invalid("%q is already a title in %s", t.Text, t.Language))
		}
	}
	w.Titles = append(w.Titles, t)
	return nil
}

// ExternalIDInput is a work's or person's id on another site.
type ExternalIDInput struct {
	Site string // a wiki.Sites name: anidb, mal, anilist, bangumi, tmdb, madb, wikidata, viaf
	ID   string
}

// SetExternalID gives ids the id on its site, replacing the id it had there: a page has one id
// on each site. Whether another page already has the id is checked when the edit is saved.
func SetExternalID(ids *[]wiki.ExternalID, in ExternalIDInput) error {
	site, ok := wiki.SiteNamed(strings.TrimSpace(in.Site))
	if !ok {
		return inField("site", wiki.Invalid("choose the site the id is from"))
	}
	id := strings.TrimSpace(in.ID)
	// People paste the address of the page, not only its id.
	id = strings.TrimSuffix(strings.TrimPrefix(id, site.URL("")), "/")
	if !site.Valid(id) {
		return inField("id", wiki.Invalid("%q is not a %s id", in.ID, site.Label))
	}
	*ids = slices.DeleteFunc(*ids, func(x wiki.ExternalID) bool { return x.Site == site.Name })
	*ids = append(*ids, wiki.ExternalID{Site: site.Name, ID: id})
	return nil
}
