package web

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/edit"
	"kioku/internal/wiki"
)

func TestFormRows(t *testing.T) {
	many := url.Values{}
	for i := range edit.MaxRows + 1 {
		many.Set(fmt.Sprintf("add.%d.person", i), "x")
	}
	tests := []struct {
		name string
		form string
		want []map[string]string // each row's values, first of each
		bad  bool
	}{
		{"none", "base=1&edit_summary=x", nil, false},
		{"in the order of their numbers", "add.10.person=C&add.2.person=B&add.0.person=A&add.0.role=Director",
			[]map[string]string{{"person": "A", "role": "Director"}, {"person": "B"}, {"person": "C"}}, false},
		{"a blank row in the middle stays a row", "add.0.person=A&add.1.person=&add.1.role=&add.2.person=C",
			[]map[string]string{{"person": "A"}, {"person": "", "role": ""}, {"person": "C"}}, false},
		{"the form of one row before rows", "person=A&role=Director&note=&remove=k1",
			[]map[string]string{{"person": "A", "role": "Director", "note": ""}}, false},
		{"numbered rows win over the old names", "person=A&add.0.person=B", []map[string]string{{"person": "B"}}, false},
		{"the script's blank row is not sent by browsers, and skipped", "add.__.person=X&add.0.person=A", []map[string]string{{"person": "A"}}, false},
		{"not a number", "add.x.person=A", nil, true},
		{"a sign", "add.+1.person=A", nil, true},
		{"a leading zero", "add.01.person=A", nil, true},
		{"negative", "add.-1.person=A", nil, true},
		{"past the highest number", "add.10000.person=A", nil, true},
		{"too long for an int", "add.99999999999999999999.person=A", nil, true},
		{"not an input of the section", "add.0.password=A", nil, true},
		{"no field", "add.0=A", nil, true},
		{"too many rows", many.Encode(), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := url.ParseQuery(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := formRows(f, creditFields, false)
			if _, isInvalid := errors.AsType[*wiki.ValidationError](err); tt.bad != (err != nil) || (err != nil && !isInvalid) {
				t.Fatalf("formRows(%.80q): err %v, want a validation error: %v", tt.form, err, tt.bad)
			}
			var got []map[string]string
			for _, r := range rows {
				m := map[string]string{}
				for k := range r.Values {
					m[k] = r.Get(k)
				}
				got = append(got, m)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("formRows(%q) (-want +got):\n%s", tt.form, diff)
			}
			if tt.bad {
				// Shown again, the form keeps the rows it could read.
				if _, err := formRows(f, creditFields, true); err != nil {
					t.Errorf("lenient formRows(%.80q): %v", tt.form, err)
				}
			}
		})
	}
}

// Rows written back into a form are numbered from 0 and read back the same; a problem of a
// row lands beside that row's input.
func TestRowsRoundTrip(t *testing.T) {
	f, _ := url.ParseQuery("csrf=t&base=3&add.7.person=A&add.7.role=Director&add.12.person=B&paste=x")
	rows, err := formRows(f, creditFields, false)
	if err != nil {
		t.Fatal(err)
	}
	rows = append(rows, addRow{Values: url.Values{"person": {"C"}, "note": {"n"}}})
	back := withRows(f, rows)
	want := url.Values{"csrf": {"t"}, "base": {"3"}, "paste": {"x"}, "add.0.person": {"A"}, "add.0.role": {"Director"},
		"add.1.person": {"B"}, "add.2.person": {"C"}, "add.2.note": {"n"}}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("withRows (-want +got):\n%s", diff)
	}
	shown := numbered(rows, &edit.RowsError{Problems: []edit.RowProblem{{Row: 1, Field: "role", Text: "needs a role"},
		{Row: 2, Text: "whole row"}, {Row: 99, Text: "no such row"}}})
	if shown[1].Prefix != "add.1." || len(shown[1].Problems("role")) != 1 || !shown[2].Invalid() || shown[0].Invalid() {
		t.Errorf("numbered rows %+v", shown)
	}
}

func TestProblemLines(t *testing.T) {
	text := "Director: A\r\nStaff\r\nMusic: B\nCredits\n"
	_, problems := edit.ParseStaffList(text)
	if got := problemLines(text, problems); got != "Staff\nCredits" {
		t.Errorf("problemLines = %q, want the two lines that could not be read", got)
	}
	if got := problemLines("a\nb\nc", []edit.LineProblem{{Line: 2, Unread: true}}); got != "b\nc" {
		t.Errorf("problemLines of unread lines = %q, want them all", got)
	}
}
