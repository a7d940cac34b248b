package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"kioku/internal/edit"
	"kioku/internal/wiki"
)

// workSection is one part of the work page with its own edit form. apply reads the posted form
// into the typed input of package edit and calls the edit function that changes w, a copy of the
// document the form was made from; that function may create other entities in the same
// changeset (a person named in a new credit). A section that lists items adds them from rows of
// the inputs Row (see formRows), Start of them blank at first; one with Paste also reads a
// pasted list into rows.
type workSection struct {
	Key   string
	Title string
	Row   []string
	Start int
	Paste bool
	apply func(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error
}

// The inputs of each section's add rows.
var (
	creditFields   = []string{"person", "person_new", "role", "note"}
	castFields     = []string{"character", "character_new", "cast_role", "voice_person", "voice_language"}
	companyFields  = []string{"company", "role"}
	releaseFields  = []string{"region", "language", "title", "date"}
	titleFields    = []string{"title_language", "title_kind", "title_text"}
	idFields       = []string{"site", "id"}
	refFields      = []string{"name", "name_new"}
	relationFields = []string{"type", "work"}
	episodeFields  = []string{"number", "name", "original_name", "romanized", "air_date", "segment"}
)

// workSections lists the work page's edit forms, in the page's order.
var workSections = []workSection{
	{"basics", "Deck, description and general information", nil, 0, false, applyBasics},
	{"characters", "Characters & Voice Actors", castFields, 2, false, applyCast},
	{"credits", "Credits", creditFields, 3, true, applyCredits},
	{"companies", "Companies", companyFields, 2, false, applyCompanies},
	{"releases", "Releases", releaseFields, 2, false, applyReleases},
	{"titles", "Titles", titleFields, 2, false, applyTitles},
	{"ids", "Ids on other sites", idFields, 1, false, applyIDs},
	{"genres", "Genres", refFields, 3, false, refListSection(wiki.KindGenre, func(w *wiki.Work) *[]wiki.Ref { return &w.Genres }, true)},
	{"themes", "Themes", refFields, 3, false, refListSection(wiki.KindTheme, func(w *wiki.Work) *[]wiki.Ref { return &w.Themes }, true)},
	{"aliases", "Aliases", nil, 0, false, applyAliases},
	{"franchise", "Franchise", nil, 0, false, applyFranchise},
	{"similar", "Similar works", refFields, 3, false, refListSection(wiki.KindWork, func(w *wiki.Work) *[]wiki.Ref { return &w.Similar }, false)},
	{"associations", "Associations", refFields, 3, false, refListSection(wiki.KindConcept, func(w *wiki.Work) *[]wiki.Ref { return &w.Associations }, true)},
	{"relations", "Related works", relationFields, 1, false, applyRelations},
	{"episodes", "Segments & Episodes", episodeFields, 3, true, applyEpisodes},
}

func findSection(key string) (workSection, bool) {
	for _, s := range workSections {
		if s.Key == key {
			return s, true
		}
	}
	return workSection{}, false
}

// rowsOf reads the add rows of the section's form and turns each into the input of package
// edit that read gives, blank rows too, so that the rows of a *edit.RowsError are the form's.
func rowsOf[T any](f url.Values, fields []string, read func(addRow) T) ([]T, error) {
	rows, err := formRows(f, fields, false)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = read(r)
	}
	return out, nil
}

func applyBasics(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	return applyScalars(w, f)
}

// applyCredits removes the ticked credits, saves the roles and notes edited in place
// ("role.KEY", "note.KEY"), and adds the credits of the add rows.
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
	rows, err := rowsOf(f, creditFields, func(r addRow) edit.CreditInput {
		return edit.CreditInput{Person: r.choice("person"), Role: r.Get("role"), Note: r.Get("note")}
	})
	if err != nil {
		return err
	}
	return edit.AddCredits(ctx, c, w, rows)
}

// applyCast removes the ticked characters and adds those of the add rows, each with the voice
// actors of its filled-in voice inputs.
func applyCast(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Cast = edit.RemoveItems(w.Cast, f["remove"])
	rows, err := rowsOf(f, castFields, func(r addRow) edit.CastInput {
		in := edit.CastInput{Character: r.choice("character"), Role: r.Get("cast_role")}
		for i, name := range r.Values["voice_person"] {
			if strings.TrimSpace(name) != "" {
				in.Voices = append(in.Voices, edit.VoiceInput{Person: edit.ParseChoice(name, false), Language: r.Nth("voice_language", i)})
			}
		}
		return in
	})
	if err != nil {
		return err
	}
	return edit.AddCastMembers(ctx, c, w, rows)
}

func applyCompanies(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Companies = edit.RemoveItems(w.Companies, f["remove"])
	rows, err := rowsOf(f, companyFields, func(r addRow) edit.CompanyInput {
		return edit.CompanyInput{Company: edit.ParseChoice(r.Get("company"), false), Role: r.Get("role")}
	})
	if err != nil {
		return err
	}
	return edit.AddCompanies(ctx, c, w, rows)
}

func applyReleases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Releases = edit.RemoveItems(w.Releases, f["remove"])
	rows, err := rowsOf(f, releaseFields, func(r addRow) edit.ReleaseInput {
		return edit.ReleaseInput{Region: r.Get("region"), Language: r.Get("language"), Title: r.Get("title"), Date: r.Get("date")}
	})
	if err != nil {
		return err
	}
	return edit.AddReleases(w, rows)
}

func applyTitles(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.Titles = edit.RemoveItems(w.Titles, f["remove"])
	rows, err := rowsOf(f, titleFields, func(r addRow) edit.TitleInput {
		return edit.TitleInput{Language: r.Get("title_language"), Kind: r.Get("title_kind"), Text: r.Get("title_text")}
	})
	if err != nil {
		return err
	}
	return edit.AddTitles(w, rows)
}

func applyIDs(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	w.ExternalIDs = edit.RemoveItems(w.ExternalIDs, f["remove"])
	rows, err := rowsOf(f, idFields, func(r addRow) edit.ExternalIDInput {
		return edit.ExternalIDInput{Site: r.Get("site"), ID: r.Get("id")}
	})
	if err != nil {
		return err
	}
	return edit.SetExternalIDs(&w.ExternalIDs, rows)
}

// refListSection edits a list of references (genres, themes, similar works, associations):
// remove ticked ones, add those the rows name, creating one when create is set and none has the
// name.
func refListSection(kind wiki.Kind, list func(*wiki.Work) *[]wiki.Ref, create bool) func(context.Context, *edit.Changes, int64, *wiki.Work, url.Values) error {
	return func(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
		refs := list(w)
		*refs = edit.RemoveItems(*refs, f["remove"])
		rows, err := rowsOf(f, refFields, func(r addRow) edit.Choice { return r.choice("name") })
		if err != nil {
			return err
		}
		return edit.AddRefs(ctx, c, workID, refs, kind, rows, create)
	}
}

func applyAliases(_ context.Context, _ *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	edit.SetAliases(w, strings.Split(f.Get("aliases"), "\n"))
	return nil
}

// choice reads a name field and its "new even if the name is taken" checkbox.
func choice(f url.Values, field string) edit.Choice {
	return edit.ParseChoice(f.Get(field), f.Get(field+"_new") != "")
}

func applyFranchise(ctx context.Context, c *edit.Changes, _ int64, w *wiki.Work, f url.Values) error {
	ch := choice(f, "name")
	if strings.TrimSpace(f.Get("name")) == "" {
		ch = edit.Choice{}
	}
	return edit.SetFranchise(ctx, c, w, ch)
}

func applyRelations(ctx context.Context, c *edit.Changes, workID int64, w *wiki.Work, f url.Values) error {
	w.Relations = edit.RemoveItems(w.Relations, f["remove"])
	rows, err := rowsOf(f, relationFields, func(r addRow) edit.RelationInput {
		return edit.RelationInput{Type: r.Get("type"), Work: edit.ParseChoice(r.Get("work"), false)}
	})
	if err != nil {
		return err
	}
	return edit.AddRelations(ctx, c, workID, w, rows)
}

// applyEpisodes adds the episodes or anthology segments of the rows: each a page of its own that
// belongs to the work, all in the one changeset.
func applyEpisodes(ctx context.Context, c *edit.Changes, workID int64, _ *wiki.Work, f url.Values) error {
	var bad edit.RowsError
	rows, err := formRows(f, episodeFields, false)
	if err != nil {
		return err
	}
	in := make([]edit.EpisodeInput, len(rows))
	for i, r := range rows {
		in[i] = edit.EpisodeInput{Segment: r.Get("segment") != "", Name: r.Get("name"), OriginalName: r.Get("original_name"),
			Romanized: r.Get("romanized"), AirDate: r.Get("air_date")}
		if raw := strings.TrimSpace(r.Get("number")); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 {
				bad.Problems = append(bad.Problems, edit.RowProblem{Row: i, Field: "number", Text: fmt.Sprintf("the number must be a whole number, 0 or more, not %q", raw)})
			}
			in[i].Number = n
		}
	}
	if len(bad.Problems) > 0 {
		return &bad
	}
	_, err = edit.AddEpisodes(ctx, c, workID, in)
	return err
}
