package edit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kioku/internal/wiki"
)

// The functions of this file add several items to a work in one changeset: the rows of a
// section form (ten credits, nine segments), or the lines of a pasted list once read. A row
// left blank is skipped; the others are all added or, when one is wrong, none is. Every row is
// tried, so that the person learns what is wrong with each row at once, not one save at a time.

// MaxRows is the most rows one save may add: more than the longest credits list a person types
// or pastes (a whole series' staff comes from an import), few enough to check at once.
const MaxRows = 200

// RowProblem is what is wrong with one row of several.
type RowProblem struct {
	Row   int    // from 0, in the order the rows were given, blank ones counted
	Field string // the input it is about, as the forms name it ("person", "role"); "" for the row
	Text  string
}

// RowsError lists what is wrong with the rows of a save. It unwraps to a *wiki.ValidationError
// whose problems name the rows ("row 2: ..."), for callers that show problems as a list.
type RowsError struct {
	Problems []RowProblem
}

func (e *RowsError) texts() []string {
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = fmt.Sprintf("row %d: %s", p.Row+1, p.Text)
	}
	return out
}

func (e *RowsError) Error() string { return "invalid: " + strings.Join(e.texts(), "; ") }

// Unwrap makes a RowsError a validation error to errors.As.
func (e *RowsError) Unwrap() error { return &wiki.ValidationError{Problems: e.texts()} }

// fieldError is a validation error about one input of a row, so that a form can show it there.
type fieldError struct {
	field string
	err   *wiki.ValidationError
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// inField says that err, when it is a person's mistake, is about the input called field. Other
// errors (the store's) and nil pass as they are.
func inField(field string, err error) error {
	var ve *wiki.ValidationError
	var fe *fieldError
	if err == nil || !errors.As(err, &ve) || errors.As(err, &fe) {
		return err
	}
	return &fieldError{field: field, err: ve}
}

// addRows calls add for each row that blank does not skip, and gathers the person's mistakes
// of all rows into one *RowsError. Any other error ends it at once.
func addRows[T any](rows []T, blank func(T) bool, add func(T) error) error {
	n := 0
	for _, r := range rows {
		if !blank(r) {
			n++
		}
	}
	if n > MaxRows {
		return wiki.Invalid("at most %d rows can be saved at once, not %d: save them in parts", MaxRows, n)
	}
	var re RowsError
	for i, r := range rows {
		if blank(r) {
			continue
		}
		err := add(r)
		var ve *wiki.ValidationError
		if err == nil {
			continue
		} else if !errors.As(err, &ve) {
			return err
		}
		field := ""
		if fe, ok := errors.AsType[*fieldError](err); ok {
			field = fe.field
		}
		for _, p := range ve.Problems {
			re.Problems = append(re.Problems, RowProblem{Row: i, Field: field, Text: p})
		}
	}
	if len(re.Problems) > 0 {
		return &re
	}
	return nil
}

// IsZero reports whether the credit row was left blank.
func (in CreditInput) IsZero() bool {
	return in.Person.IsZero() && strings.TrimSpace(in.Role) == "" && strings.TrimSpace(in.Note) == ""
}

// AddCredits adds the credits of rows to w. A credit w has already (the same person, role and
// note), or that an earlier row gives, is refused: it is a mistake, not a second credit.
func AddCredits(ctx context.Context, c *Changes, w *wiki.Work, rows []CreditInput) error {
	return addRows(rows, CreditInput.IsZero, func(in CreditInput) error {
		if err := AddCredit(ctx, c, w, in); err != nil {
			return err
		}
		added := w.Credits[len(w.Credits)-1]
		for _, have := range w.Credits[:len(w.Credits)-1] {
			if have.Person == added.Person && strings.EqualFold(have.Role, added.Role) && have.Note == added.Note {
				w.Credits = w.Credits[:len(w.Credits)-1]
				return inField("person", wiki.Invalid("%s is already credited as %s", in.Person.Name, have.Role))
			}
		}
		return nil
	})
}

// IsZero reports whether the cast row was left blank: no character and no voice actor.
func (in CastInput) IsZero() bool {
	if !in.Character.IsZero() || strings.TrimSpace(in.Role) != "" {
		return false
	}
	for _, v := range in.Voices {
		if !v.Person.IsZero() {
			return false
		}
	}
	return true
}

// AddCastMembers adds the characters of rows, with their voice actors, to w's cast.
func AddCastMembers(ctx context.Context, c *Changes, w *wiki.Work, rows []CastInput) error {
	return addRows(rows, CastInput.IsZero, func(in CastInput) error { return AddCast(ctx, c, w, in) })
}

// IsZero reports whether the company row was left blank. The role alone is not enough: the
// form offers a list of roles, one of which is always chosen.
func (in CompanyInput) IsZero() bool { return in.Company.IsZero() }

// AddCompanies adds the companies of rows to w.
func AddCompanies(ctx context.Context, c *Changes, w *wiki.Work, rows []CompanyInput) error {
	return addRows(rows, CompanyInput.IsZero, func(in CompanyInput) error { return AddCompany(ctx, c, w, in) })
}

// IsZero reports whether the release row was left blank.
func (in ReleaseInput) IsZero() bool {
	return strings.TrimSpace(in.Region+in.Language+in.Title+in.Date) == ""
}

// AddReleases adds the releases of rows to w. What is wrong with a release (a date that is no
// date) is found when the work is saved.
func AddReleases(w *wiki.Work, rows []ReleaseInput) error {
	return addRows(rows, ReleaseInput.IsZero, func(in ReleaseInput) error {
		AddRelease(w, in)
		return nil
	})
}

// IsZero reports whether the title row was left blank; a language or kind alone is not a title.
func (in TitleInput) IsZero() bool { return strings.TrimSpace(in.Text) == "" }

// AddTitles adds the titles of rows to w.
func AddTitles(w *wiki.Work, rows []TitleInput) error {
	return addRows(rows, TitleInput.IsZero, func(in TitleInput) error { return AddTitle(w, in) })
}

// IsZero reports whether the id row was left blank.
func (in ExternalIDInput) IsZero() bool { return strings.TrimSpace(in.ID) == "" }

// SetExternalIDs sets the ids of rows; two rows for one site are refused, since a page has one
// id on each site.
func SetExternalIDs(ids *[]wiki.ExternalID, rows []ExternalIDInput) error {
	seen := map[string]bool{}
	return addRows(rows, ExternalIDInput.IsZero, func(in ExternalIDInput) error {
		site := strings.TrimSpace(in.Site)
		if seen[site] && site != "" {
			return inField("site", wiki.Invalid("another row gives the %s id already: a page has one id on each site", site))
		}
		seen[site] = true
		return SetExternalID(ids, in)
	})
}

// AddRefs adds the entities the rows name to list, as AddRef does one.
func AddRefs(ctx context.Context, c *Changes, workID int64, list *[]wiki.Ref, kind wiki.Kind, rows []Choice, create bool) error {
	return addRows(rows, Choice.IsZero, func(ch Choice) error {
		return inField("name", AddRef(ctx, c, workID, list, kind, ch, create))
	})
}

// IsZero reports whether the relation row was left blank.
func (in RelationInput) IsZero() bool { return in.Work.IsZero() && strings.TrimSpace(in.Type) == "" }

// AddRelations adds the relations of rows to w.
func AddRelations(ctx context.Context, c *Changes, workID int64, w *wiki.Work, rows []RelationInput) error {
	return addRows(rows, RelationInput.IsZero, func(in RelationInput) error { return AddRelation(ctx, c, workID, w, in) })
}

// IsZero reports whether the episode row was left blank. The segment box alone is not an
// episode.
func (in EpisodeInput) IsZero() bool {
	return in.Number == 0 && strings.TrimSpace(in.Name+in.OriginalName+in.Romanized+in.AirDate) == ""
}

// AddEpisodes creates the episodes or segments of rows, as AddEpisode does one, and returns
// their ids in the order of the rows that were not blank. Two rows with one number are refused.
func AddEpisodes(ctx context.Context, c *Changes, workID int64, rows []EpisodeInput) ([]int64, error) {
	type key struct {
		number  int
		segment bool
	}
	seen := map[key]bool{}
	var ids []int64
	err := addRows(rows, EpisodeInput.IsZero, func(in EpisodeInput) error {
		k := key{in.Number, in.Segment}
		if in.Number != 0 && seen[k] {
			return inField("number", wiki.Invalid("another row has the number %d too", in.Number))
		}
		seen[k] = true
		id, err := AddEpisode(ctx, c, workID, in)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
