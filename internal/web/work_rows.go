package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/edit"
	"kioku/internal/wiki"
)

// The section forms of a work add several items at once: each add row's inputs are named
// "add.N.FIELD" (add.0.person, add.0.role, add.1.person...), so that a row left blank in the
// middle, or rows a script added, stay rows of their own. This file reads those rows from a
// posted form and writes them back for the form shown again; what a row means is package edit's.

// rowPrefix begins the name of every input of an add row.
const rowPrefix = "add."

// maxRowIndex bounds a row's number: a script numbers the rows it adds after the others, and a
// form shown again numbers them from 0.
const maxRowIndex = 9999

// addRow is one add row of a section form: its inputs as typed, by their names without the
// row's prefix, and the problems found with them when it was saved.
type addRow struct {
	Prefix   string // "add.N." for a row's inputs; "add.__." in the blank row a script copies
	Values   url.Values
	problems map[string][]string // by input; "" for the whole row
}

// Get is the value of the row's input field.
func (r addRow) Get(field string) string { return r.Values.Get(field) }

// Nth is the value of the i-th input called field in the row (a cast row's voice actors).
func (r addRow) Nth(field string, i int) string {
	if v := r.Values[field]; i < len(v) {
		return v[i]
	}
	return ""
}

// Problems are what was wrong with the input field of the row, "" for the row as a whole.
func (r addRow) Problems(field string) []string { return r.problems[field] }

// Invalid reports whether the row had a problem.
func (r addRow) Invalid() bool { return len(r.problems) > 0 }

// choice reads a name input of the row and its "new even if the name is taken" box.
func (r addRow) choice(field string) edit.Choice {
	return edit.ParseChoice(r.Get(field), r.Get(field+"_new") != "")
}

// formRows reads the add rows of a section whose rows have the inputs fields, in the order of
// their numbers. A form with no numbered rows but with the fields themselves ("person=...&role=...")
// is read as one row, as the forms were posted before they had several. An input that names no
// row of the section, or more rows than one save takes, is refused; lenient skips them instead,
// for showing a refused form again.
func formRows(f url.Values, fields []string, lenient bool) ([]addRow, error) {
	byIndex := map[int]addRow{}
	var bad error
	for name, values := range f {
		rest, ok := strings.CutPrefix(name, rowPrefix)
		if !ok {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		if num == "__" {
			// The blank row a script copies: a browser does not send it, a scraper may.
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n > maxRowIndex || num != strconv.Itoa(n) || !slices.Contains(fields, field) {
			bad = wiki.Invalid("the form has an input %q that is not one of its rows: reload the form and try again", shortName(name))
			continue
		}
		r, seen := byIndex[n]
		if !seen {
			if len(byIndex) >= edit.MaxRows {
				bad = wiki.Invalid("at most %d rows can be saved at once: save them in parts", edit.MaxRows)
				continue
			}
			r = addRow{Values: url.Values{}}
			byIndex[n] = r
		}
		r.Values[field] = values
	}
	if bad != nil && !lenient {
		return nil, bad
	}
	indexes := make([]int, 0, len(byIndex))
	for n := range byIndex {
		indexes = append(indexes, n)
	}
	slices.Sort(indexes)
	rows := make([]addRow, 0, len(indexes)+1)
	for _, n := range indexes {
		rows = append(rows, byIndex[n])
	}
	if len(rows) == 0 {
		old := addRow{Values: url.Values{}}
		for _, field := range fields {
			if v, ok := f[field]; ok {
				old.Values[field] = v
			}
		}
		if len(old.Values) > 0 {
			rows = append(rows, old)
		}
	}
	return rows, nil
}

// shortName cuts an input's name for a message.
func shortName(name string) string {
	if len(name) > 40 {
		name = strings.ToValidUTF8(name[:40], "") + "…"
	}
	return name
}

// blankRow reports whether every input of the row is empty.
func blankRow(r addRow, fields []string) bool {
	for _, f := range fields {
		for _, v := range r.Values[f] {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	return true
}

// withRows returns form with its add rows replaced by rows, numbered from 0.
func withRows(form url.Values, rows []addRow) url.Values {
	out := url.Values{}
	for name, v := range form {
		if !strings.HasPrefix(name, rowPrefix) {
			out[name] = v
		}
	}
	for i, r := range rows {
		for field, v := range r.Values {
			out[rowPrefix+strconv.Itoa(i)+"."+field] = v
		}
	}
	return out
}

// numbered gives each row its inputs' prefix, in order, and the problems of err that belong to
// it; a *edit.RowsError counts its rows as rows does.
func numbered(rows []addRow, err error) []addRow {
	for i := range rows {
		rows[i].Prefix = rowPrefix + strconv.Itoa(i) + "."
	}
	if re, ok := asRowsError(err); ok {
		for _, p := range re.Problems {
			if p.Row < 0 || p.Row >= len(rows) {
				continue
			}
			if rows[p.Row].problems == nil {
				rows[p.Row].problems = map[string][]string{}
			}
			rows[p.Row].problems[p.Field] = append(rows[p.Row].problems[p.Field], p.Text)
		}
	}
	return rows
}

// pastedRows turns what a pasted list was read into into rows of the section's form.
func pastedRows(sec workSection, text string, nextEpisode int, segments bool) ([]addRow, []edit.LineProblem) {
	var rows []addRow
	switch sec.Key {
	case "credits":
		credits, problems := edit.ParseStaffList(text)
		for _, c := range credits {
			rows = append(rows, addRow{Values: url.Values{"person": {c.Person.String()}, "role": {c.Role}, "note": {c.Note}}})
		}
		return rows, problems
	case "episodes":
		episodes, problems := edit.ParseEpisodeList(text, nextEpisode)
		for _, e := range episodes {
			v := url.Values{"number": {strconv.Itoa(e.Number)}, "name": {e.Name}, "original_name": {e.OriginalName}}
			if segments {
				v.Set("segment", "1")
			}
			rows = append(rows, addRow{Values: v})
		}
		return rows, problems
	}
	return nil, nil
}

// problemLines is the text of the lines of a pasted list that could not be read, for the person
// to correct; the others became rows.
func problemLines(text string, problems []edit.LineProblem) string {
	var keep []string
	lines := strings.Split(text, "\n")
	for _, p := range problems {
		switch {
		case p.Line > len(lines):
		case p.Unread:
			for _, l := range lines[p.Line-1:] {
				keep = append(keep, strings.TrimRight(l, "\r"))
			}
		default:
			keep = append(keep, strings.TrimRight(lines[p.Line-1], "\r"))
		}
	}
	return strings.Join(keep, "\n")
}
