package wiki

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Memories", "memories"},
		{"Katsuhiro Otomo Presents: Memories", "katsuhiro-otomo-presents-memories"},
		{"Wolf's Rain", "wolfs-rain"},
		{"メモリーズ", "メモリーズ"},
		{"  --!!  ", "untitled"},
		{"Kōji Morimoto", "kōji-morimoto"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in       string
		id       int64
		slug     string
		wantFail bool
	}{
		{"1-memories", 1, "memories", false},
		{"12", 12, "", false},
		{"12-a-b", 12, "a-b", false},
		{"x-12", 0, "", true},
		{"0-zero", 0, "", true},
		{"-3", 0, "", true},
	}
	for _, tt := range tests {
		id, slug, err := ParseRef(tt.in)
		if (err != nil) != tt.wantFail || id != tt.id || slug != tt.slug {
			t.Errorf("ParseRef(%q) = %d, %q, %v", tt.in, id, slug, err)
		}
	}
}

func names(id int64) string {
	return map[int64]string{1: "Satoshi Kon", 2: "Yoko Kanno", 3: "Drama"}[id]
}

func TestDiff(t *testing.T) {
	a := &Work{Name: "Memories", Medium: MediumFilm, Rating: "PG", Aliases: []string{"Magnetic Rose", "Stink bomb"},
		Credits: []Credit{{Key: "a", Person: 1, Role: "Writer"}, {Key: "b", Person: 2, Role: "Music"}}}
	b := &Work{Name: "Memories", Medium: MediumFilm, Rating: "R", Aliases: []string{"Magnetic Rose", "Cannon Fodder"},
		Credits: []Credit{{Key: "b", Person: 2, Role: "Music", Note: "Magnetic Rose"}, {Key: "c", Person: 1, Role: "Director"}},
		Genres:  []Ref{3}}
	got := Diff(a, b, names)
	want := []Change{
		{Field: "Rating", Op: Changed, Old: "PG", New: "R"},
		{Field: "Credits", Op: Removed, Old: "Satoshi Kon — Writer"},
		{Field: "Credits", Op: Changed, Old: "Yoko Kanno — Music", New: "Yoko Kanno — Music (Magnetic Rose)"},
		{Field: "Credits", Op: Added, New: "Satoshi Kon — Director"},
		{Field: "Aliases", Op: Removed, Old: "Stink bomb"},
		{Field: "Aliases", Op: Added, New: "Cannon Fodder"},
		{Field: "Genres", Op: Added, New: "Drama"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Diff (-got +want):\n%s", diff)
	}
	if got := Diff(nil, &Person{Name: "Yoko Kanno"}, names); !cmp.Equal(got, []Change{{Field: "Name", Op: Changed, New: "Yoko Kanno"}}) {
		t.Errorf("Diff from nothing = %+v", got)
	}
	if got := Diff(b, Clone(b), names); len(got) != 0 {
		t.Errorf("Diff of equal documents = %+v", got)
	}
}

// A list put in another order shows the fewest items that moved, each with its place before and
// after; an item added or removed in front of the others moves nothing.
func TestDiffMoved(t *testing.T) {
	credit := func(key string, person Ref, role string) Credit { return Credit{Key: key, Person: person, Role: role} }
	a := &Work{Name: "Memories", Aliases: []string{"A", "B", "C", "D"},
		Credits: []Credit{credit("a", 1, "Writer"), credit("b", 2, "Music"), credit("c", 1, "Director"), credit("d", 2, "Lyrics")}}
	b := &Work{Name: "Memories", Aliases: []string{"D", "A", "B", "C"},
		Credits: []Credit{credit("c", 1, "Director"), credit("a", 1, "Writer"), credit("b", 2, "Music"), credit("d", 2, "Lyrics")}}
	want := []Change{
		{Field: "Credits", Op: Moved, Old: "3. Satoshi Kon — Director", New: "1. Satoshi Kon — Director"},
		{Field: "Aliases", Op: Moved, Old: "4. D", New: "1. D"},
	}
	if diff := cmp.Diff(Diff(a, b, names), want); diff != "" {
		t.Errorf("Diff of a reordered list (-got +want):\n%s", diff)
	}
	c := &Work{Name: "Memories", Aliases: []string{"Z", "A", "B", "C", "D"}, Credits: a.Credits[1:]}
	for _, ch := range Diff(a, c, names) {
		if ch.Op == Moved {
			t.Errorf("adding and removing moved %+v", ch)
		}
	}
	reversed := &Work{Name: "Memories", Aliases: []string{"D", "C", "B", "A"}}
	if got := len(Diff(&Work{Name: "Memories", Aliases: a.Aliases}, reversed, names)); got != 3 {
		t.Errorf("reversing four aliases moved %d, want 3", got)
	}
}

func TestMerge(t *testing.T) {
	base := &Work{Name: "Memories", Medium: MediumFilm, Aliases: []string{"A"},
		Credits: []Credit{{Key: "a", Person: 1, Role: "Writer"}, {Key: "b", Person: 2, Role: "Music"}}}
	tests := []struct {
		name      string
		theirs    func(w *Work)
		ours      func(w *Work)
		want      func(w *Work)
		conflicts []string
	}{
		{
			name:   "different fields",
			theirs: func(w *Work) { w.Rating = "R" },
			ours:   func(w *Work) { w.RuntimeMinutes = 115 },
			want:   func(w *Work) { w.Rating, w.RuntimeMinutes = "R", 115 },
		},
		{
			name:   "both add credits",
			theirs: func(w *Work) { w.Credits = append(w.Credits, Credit{Key: "t", Person: 1, Role: "Director"}) },
			ours:   func(w *Work) { w.Credits = append(w.Credits, Credit{Key: "o", Person: 2, Role: "Director"}) },
			want: func(w *Work) {
				w.Credits = append(w.Credits, Credit{Key: "t", Person: 1, Role: "Director"}, Credit{Key: "o", Person: 2, Role: "Director"})
			},
		},
		{
			name:   "one edits, one removes another credit",
			theirs: func(w *Work) { w.Credits[0].Note = "segment" },
			ours:   func(w *Work) { w.Credits = w.Credits[:1] },
			want:   func(w *Work) { w.Credits[0].Note = "segment"; w.Credits = w.Credits[:1] },
		},
		{
			name:      "same field, different values",
			theirs:    func(w *Work) { w.Rating = "R" },
			ours:      func(w *Work) { w.Rating = "PG" },
			want:      func(w *Work) { w.Rating = "R" },
			conflicts: []string{"Rating"},
		},
		{
			name:   "same field, same value",
			theirs: func(w *Work) { w.Rating = "R" },
			ours:   func(w *Work) { w.Rating = "R" },
			want:   func(w *Work) { w.Rating = "R" },
		},
		{
			name:      "one changes a credit the other removed",
			theirs:    func(w *Work) { w.Credits = w.Credits[1:] },
			ours:      func(w *Work) { w.Credits[0].Note = "x" },
			want:      func(w *Work) { w.Credits = w.Credits[1:] },
			conflicts: []string{"Credits"},
		},
		{
			name:   "aliases as a set",
			theirs: func(w *Work) { w.Aliases = append(w.Aliases, "B") },
			ours:   func(w *Work) { w.Aliases = []string{"C"} },
			want:   func(w *Work) { w.Aliases = []string{"B", "C"} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs, ours, want := Clone(base), Clone(base), Clone(base)
			tt.theirs(theirs)
			tt.ours(ours)
			tt.want(want)
			got, conflicts := Merge(base, theirs, ours, names)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("merged (-got +want):\n%s", diff)
			}
			var fields []string
			for _, c := range conflicts {
				fields = append(fields, c.Field)
			}
			if !cmp.Equal(fields, tt.conflicts) {
				t.Errorf("conflicts = %v, want %v", fields, tt.conflicts)
			}
		})
	}
}

func TestValidateWork(t *testing.T) {
	w := &Work{Name: "Memories", Medium: MediumFilm,
		Credits: []Credit{{Key: "a", Person: 1, Role: "Director"}, {Key: "b", Person: 1, Role: "director"}}}
	if err := w.Validate(); err == nil {
		t.Error("the same person twice in one role passed validation")
	}
	w.Credits[1].Role = "Writer"
	if err := w.Validate(); err != nil {
		t.Errorf("valid work: %v", err)
	}
}

func TestValidateText(t *testing.T) {
	tests := []struct {
		name, description, want string
	}{
		{"ordinary", "An anthology of three films. See [[Katsuhiro Otomo]].", ""},
		{"too long", strings.Repeat("a", MaxText+1), "description is longer than 64000 characters"},
		{"nested too deeply", strings.Repeat("> ", 500), "description is nested too deeply"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Work{Name: "Memories", Medium: MediumFilm, Description: tc.description}).Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
