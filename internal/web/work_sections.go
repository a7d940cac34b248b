package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"kioku/internal/edit"
	"kioku/internal/wiki"
)

// workSection is one part of the work page with its own edit form. apply reads the posted form
// into the typed input of package edit and calls the edit function that changes w, a copy of the
// document the form was made from; that function may create other entities in the same
// changeset (a person named in a new credit).
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
	{"titles", "Titles", applyTitles},
	{"ids", "Ids on other sites", applyIDs},
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

// choice reads a name field and its "new even if the name is taken" checkbox.
func choice(f url.Values, field string) edit.Choice {
	return edit.ParseChoice(f.Get(field), f.Get(field+"_new") != "")
}

// applyCredits removes the ticked credits, saves the roles and notes edited in place
// ("role.KEY", "note.KEY"), and adds the credit of the add row when it is filled in.
func applyCredits(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Credits = edit.RemoveItems(w.Credits, f["remove"])
	for _, cr := range w.Credits {
		role, hasRole := f["role."+cr.Key]
		note, hasNote := f["note."+cr.Key]
		if !hasRole && !hasNote {
			continue
		}
		newRole, newNote := cr.Role, cr.Note
		if hasRole {
			newRole = role[0]
		}
		if hasNote {
			newNote = note[0]
		}
		if err := edit.EditCredit(w, cr.Key, newRole, newNote); err != nil {
			return err
		}
	}
	if blank(f, "person", "role", "note") {
		return nil
	}
	return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: choice(f, "person"), Role: f.Get("role"), Note: f.Get("note")})
}

// applyCast removes the ticked characters and adds the one of the add row, with the voice
// actors of its filled-in rows.
func applyCast(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Cast = edit.RemoveItems(w.Cast, f["remove"])
	in := edit.CastInput{Character: choice(f, "character"), Role: f.Get("cast_role")}
	langs := f["voice_language"]
	for i, name := range f["voice_person"] {
		if strings.TrimSpace(name) == "" {
			continue
		}
		v := edit.VoiceInput{Person: edit.ParseChoice(name, false)}
		if i < len(langs) {
			v.Language = langs[i]
		}
		in.Voices = append(in.Voices, v)
	}
	if in.Character.IsZero() && len(in.Voices) == 0 {
		return nil
	}
	return edit.AddCast(ctx, c, w, in)
}

func applyCompanies(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Companies = edit.RemoveItems(w.Companies, f["remove"])
	if blank(f, "company", "role") {
		return nil
	}
	return edit.AddCompany(ctx, c, w, edit.CompanyInput{Company: edit.ParseChoice(f.Get("company"), false), Role: f.Get("role")})
}

func applyReleases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Releases = edit.RemoveItems(w.Releases, f["remove"])
	if blank(f, "region", "language", "title", "date") {
		return nil
	}
	edit.AddRelease(w, edit.ReleaseInput{Region: f.Get("region"), Language: f.Get("language"), Title: f.Get("title"), Date: f.Get("date")})
	return nil
}

func applyTitles(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Titles = edit.RemoveItems(w.Titles, f["remove"])
	if blank(f, "title_text") {
		return nil
	}
	return edit.AddTitle(w, edit.TitleInput{Language: f.Get("title_language"), Kind: f.Get("title_kind"), Text: f.Get("title_text")})
}

func applyIDs(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.ExternalIDs = edit.RemoveItems(w.ExternalIDs, f["remove"])
	if blank(f, "id") {
		return nil
	}
	return edit.SetExternalID(&w.ExternalIDs, edit.ExternalIDInput{Site: f.Get("site"), ID: f.Get("id")})
}

// refListSection edits a list of references (genres, themes, similar works, associations):
// remove ticked ones, add one by name, creating it when create is set and none has the name.
func refListSection(kind wiki.Kind, list func(*wiki.Work) *[]wiki.Ref, create bool) func(context.Context, *edit.Changes, int64, *wiki.Work, url.Values) error {
	return func(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
		refs := list(w)
		*refs = edit.RemoveItems(*refs, f["remove"])
		if blank(f, "name") {
			return nil
		}
		return edit.AddRef(ctx, c, workID, refs, kind, choice(f, "name"), create)
	}
}

func applyAliases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	edit.SetAliases(w, strings.Split(f.Get("aliases"), "\n"))
	return nil
}

func applyFranchise(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	ch := choice(f, "name")
	if blank(f, "name") {
		ch = edit.Choice{}
	}
	return edit.SetFranchise(ctx, c, w, ch)
}

func applyRelations(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
	w.Relations = edit.RemoveItems(w.Relations, f["remove"])
	if blank(f, "work", "type") {
		return nil
	}
	return edit.AddRelation(ctx, c, workID, w, edit.RelationInput{Type: f.Get("type"), Work: edit.ParseChoice(f.Get("work"), false)})
}

// applyEpisode adds an episode or anthology segment: a page of its own that belongs to the work.
func applyEpisode(ctx context.Context, c *edit.Changes, workID int64, _ *wiki.Work, f url.Values) error {
	in := edit.EpisodeInput{Segment: f.Get("segment") != "", Name: f.Get("name"), OriginalName: f.Get("original_name"),
		Romanized: f.Get("romanized"), AirDate: f.Get("air_date")}
	if raw := strings.TrimSpace(f.Get("number")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return wiki.Invalid("number must be a whole number, not %q", raw)
		}
		in.Number = n
	}
	_, err := edit.AddEpisode(ctx, c, workID, in)
	return err
}

// blank reports whether all the named form values are empty: an add row left as it was.
func blank(form url.Values, names ...string) bool {
	for _, n := range names {
		if strings.TrimSpace(form.Get(n)) != "" {
			return false
		}
	}
	return true
}
