package wiki

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRetarget(t *testing.T) {
	const self, from, into = 1, 2, 3
	tests := []struct {
		name    string
		doc     Document
		changed bool
		want    Document
	}{
		{"credits in one role become one, the note kept",
			&Work{Name: "W", Credits: []Credit{{Key: "a", Person: into, Role: "Director"}, {Key: "b", Person: from, Role: "director", Note: "n"}, {Key: "c", Person: from, Role: "Writer"}}},
			true,
			&Work{Name: "W", Credits: []Credit{{Key: "a", Person: into, Role: "Director", Note: "n"}, {Key: "c", Person: into, Role: "Writer"}}}},
		{"a character cast twice keeps both voices",
			&Work{Name: "W", Cast: []CastMember{{Key: "a", Character: into, Voices: []Voice{{Language: "ja", Person: 7}}},
				{Key: "b", Character: from, Role: "Main", Voices: []Voice{{Language: "ja", Person: 7}, {Language: "en", Person: 8}}}}},
			true,
			&Work{Name: "W", Cast: []CastMember{{Key: "a", Character: into, Role: "Main", Voices: []Voice{{Language: "ja", Person: 7}, {Language: "en", Person: 8}}}}}},
		{"a work related and similar to itself loses those",
			&Work{Name: "W", Relations: []Relation{{Key: "r", Type: "Sequel", Work: from}}, Similar: []Ref{from, 9}},
			false, nil},
		{"genres, franchise and voices follow",
			&Work{Name: "W", Genres: []Ref{from, into}, Franchise: from, Cast: []CastMember{{Key: "a", Character: 5, Voices: []Voice{{Language: "ja", Person: from}}}}},
			true,
			&Work{Name: "W", Genres: []Ref{into}, Franchise: into, Cast: []CastMember{{Key: "a", Character: 5, Voices: []Voice{{Language: "ja", Person: into}}}}}},
		{"an episode's work", &Episode{Name: "E", Work: from}, true, &Episode{Name: "E", Work: into}},
		{"nothing to do", &Person{Name: "P"}, false, &Person{Name: "P"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc
			if tc.want == nil { // the relation case: self is the work merged into
				if !Retarget(into, doc, from, into) {
					t.Fatal("changed nothing")
				}
				w := doc.(*Work)
				if len(w.Relations) != 0 || !cmp.Equal(w.Similar, []Ref{9}) {
					t.Errorf("relations %v, similar %v; want none and [9]", w.Relations, w.Similar)
				}
				return
			}
			if got := Retarget(self, doc, from, into); got != tc.changed {
				t.Errorf("changed = %v, want %v", got, tc.changed)
			}
			if diff := cmp.Diff(tc.want, doc); diff != "" {
				t.Errorf("document (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAbsorb(t *testing.T) {
	kept := &Person{Name: "Kon Satoshi", BirthDate: "1963-10-13", ExternalIDs: []ExternalID{{Site: "wikidata", ID: "Q2"}},
		Sources: []Source{{Key: "k", Dataset: "d"}}}
	merged := &Person{Name: "Satoshi Kon", BirthDate: "1963-10-12", BirthPlace: "Sapporo", Aliases: []string{"Kon Satoshi", "今 敏"},
		ExternalIDs: []ExternalID{{Site: "wikidata", ID: "Q1"}, {Site: "madb", ID: "M1"}},
		Sources:     []Source{{Key: "m", Dataset: "madb", Fields: []string{"birth_place", "birth_date"}}}}
	got, res := Absorb(kept, merged, 2, 3)
	want := &Person{Name: "Kon Satoshi", BirthDate: "1963-10-13", BirthPlace: "Sapporo", Aliases: []string{"Satoshi Kon", "今 敏"},
		ExternalIDs: []ExternalID{{Site: "wikidata", ID: "Q2"}, {Site: "madb", ID: "M1"}},
		Sources:     []Source{{Key: "k", Dataset: "d"}, {Key: "m", Dataset: "madb", Fields: []string{"birth_place"}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("absorbed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Absorbed{Dropped: []string{"birth date"}, LeftIDs: []ExternalID{{Site: "wikidata", ID: "Q1"}}}, res); diff != "" {
		t.Errorf("what was not taken (-want +got):\n%s", diff)
	}
	if kept.BirthPlace != "" || len(merged.Aliases) != 2 {
		t.Error("Absorb changed its arguments")
	}

	// Works: entries are joined, one key used by both gets a new one, and the same genre is one.
	kw := &Work{Name: "A", Genres: []Ref{5}, Credits: []Credit{{Key: "x", Person: 7, Role: "Director"}}}
	mw := &Work{Name: "A", Genres: []Ref{5, 6}, Credits: []Credit{{Key: "x", Person: 8, Role: "Music"}, {Key: "y", Person: 7, Role: "director"}}}
	out, _ := Absorb(kw, mw, 2, 3)
	w := out.(*Work)
	if !cmp.Equal(w.Genres, []Ref{5, 6}) || len(w.Credits) != 2 || w.Credits[1].Key == "x" || w.Credits[1].Person != 8 {
		t.Errorf("absorbed work = %+v", w)
	}
	if err := w.Validate(); err != nil {
		t.Errorf("absorbed work is invalid: %v", err)
	}
}
