package edit_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/edit"
)

func TestParseStaffList(t *testing.T) {
	credit := func(name, role, note string) edit.CreditInput {
		return edit.CreditInput{Person: edit.ParseChoice(name, false), Role: role, Note: note}
	}
	tests := []struct {
		name     string
		text     string
		want     []edit.CreditInput
		problems []int // the lines with a problem
	}{
		{"empty", "", nil, nil},
		{"blank lines", "\n  \r\n\t\n", nil, nil},
		{"role colon name", "Director: Katsuhiro Otomo", []edit.CreditInput{credit("Katsuhiro Otomo", "Director", "")}, nil},
		{"full-width colon", "監督：大友克洋", []edit.CreditInput{credit("大友克洋", "監督", "")}, nil},
		{"name then role", "Satoshi Kon (Screenplay)", []edit.CreditInput{credit("Satoshi Kon", "Screenplay", "")}, nil},
		{"full-width brackets", "今敏（脚本）", []edit.CreditInput{credit("今敏", "脚本", "")}, nil},
		{"dash and tab", "Music - Yoko Kanno\r\nEditing\tTakeshi Seyama", []edit.CreditInput{
			credit("Yoko Kanno", "Music", ""), credit("Takeshi Seyama", "Editing", "")}, nil},
		{"several names", "Key Animator: Hiroyuki Okiura, Toshiyuki Inoue、Shinji Otsuka", []edit.CreditInput{
			credit("Hiroyuki Okiura", "Key Animator", ""), credit("Toshiyuki Inoue", "Key Animator", ""),
			credit("Shinji Otsuka", "Key Animator", "")}, nil},
		{"note on the role", "Director (Magnetic Rose): Koji Morimoto", []edit.CreditInput{credit("Koji Morimoto", "Director", "Magnetic Rose")}, nil},
		{"note on a name", "Director: Koji Morimoto (Magnetic Rose), Tensai Okamura (Stink Bomb)", []edit.CreditInput{
			credit("Koji Morimoto", "Director", "Magnetic Rose"), credit("Tensai Okamura", "Director", "Stink Bomb")}, nil},
		{"picked page", "Writer: Satoshi Kon (#12)", []edit.CreditInput{{Person: edit.Choice{Name: "Satoshi Kon", ID: 12}, Role: "Writer"}}, nil},
		{"bullets", "- Director: A\n* Music: B\n• Art Director: C\n・作画監督：D\n3. Producer: E", []edit.CreditInput{
			credit("A", "Director", ""), credit("B", "Music", ""), credit("C", "Art Director", ""),
			credit("D", "作画監督", ""), credit("E", "Producer", "")}, nil},
		{"spaces", "  Art   Director :   Hiroshi  Ono  ", []edit.CreditInput{credit("Hiroshi Ono", "Art Director", "")}, nil},
		{"no role", "Staff\nDirector: A", []edit.CreditInput{credit("A", "Director", "")}, []int{1}},
		{"empty parts", ": Name\nDirector:\nDirector: , ,", nil, []int{1, 2, 3}},
		{"control characters", "Director: A\x00B\nMusic: \x1b[31mC", nil, []int{1, 2}},
		{"invalid UTF-8", "Director: \xff\xfe", nil, []int{1}},
		{"long line", "Director: " + strings.Repeat("a", edit.MaxPasteLine), nil, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := edit.ParseStaffList(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseStaffList(%q) (-want +got):\n%s", tt.text, diff)
			}
			var lines []int
			for _, p := range problems {
				lines = append(lines, p.Line)
				if p.Problem == "" || !utf8.ValidString(p.Text) {
					t.Errorf("problem %+v: no words, or text that is not valid", p)
				}
			}
			if diff := cmp.Diff(tt.problems, lines); diff != "" {
				t.Errorf("ParseStaffList(%q): lines with problems (-want +got):\n%s\n%v", tt.text, diff, problems)
			}
		})
	}
}

func TestParseEpisodeList(t *testing.T) {
	ep := func(n int, name, original string) edit.EpisodeInput {
		return edit.EpisodeInput{Number: n, Name: name, OriginalName: original}
	}
	tests := []struct {
		name     string
		text     string
		first    int
		want     []edit.EpisodeInput
		problems []int
	}{
		{"empty", "", 1, nil, nil},
		{"numbered", "1. Magnetic Rose\n2 Stink Bomb\n#3 Cannon Fodder", 1, []edit.EpisodeInput{
			ep(1, "Magnetic Rose", ""), ep(2, "Stink Bomb", ""), ep(3, "Cannon Fodder", "")}, nil},
		{"episode words", "Episode 1: Asteroid Blues\nEp. 2 - Stray Dog Strut\nepisode 3) Honky Tonk Women", 1, []edit.EpisodeInput{
			ep(1, "Asteroid Blues", ""), ep(2, "Stray Dog Strut", ""), ep(3, "Honky Tonk Women", "")}, nil},
		{"japanese", "第1話 アステロイド・ブルース\n第２話　野良犬のストラット", 1, []edit.EpisodeInput{
			ep(1, "", "アステロイド・ブルース"), ep(2, "", "野良犬のストラット")}, nil},
		{"unnumbered in order", "Magnetic Rose\nStink Bomb\n\nCannon Fodder", 1, []edit.EpisodeInput{
			ep(1, "Magnetic Rose", ""), ep(2, "Stink Bomb", ""), ep(3, "Cannon Fodder", "")}, nil},
		{"unnumbered after existing ones", "Jupiter Jazz\nJupiter Jazz 2", 12, []edit.EpisodeInput{
			ep(12, "Jupiter Jazz", ""), ep(13, "Jupiter Jazz 2", "")}, nil},
		{"after a numbered line", "5. Ballad of Fallen Angels\nSympathy for the Devil", 1, []edit.EpisodeInput{
			ep(5, "Ballad of Fallen Angels", ""), ep(6, "Sympathy for the Devil", "")}, nil},
		{"both names", "1. Magnetic Rose / 彼女の想いで", 1, []edit.EpisodeInput{ep(1, "Magnetic Rose", "彼女の想いで")}, nil},
		{"number alone", "7", 1, []edit.EpisodeInput{ep(7, "", "")}, nil},
		{"zero", "0. Prologue\nOne", 1, []edit.EpisodeInput{ep(1, "One", "")}, []int{1}},
		{"control characters", "1. A\x07\n2. B", 1, []edit.EpisodeInput{ep(2, "B", "")}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := edit.ParseEpisodeList(tt.text, tt.first)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEpisodeList(%q) (-want +got):\n%s", tt.text, diff)
			}
			var lines []int
			for _, p := range problems {
				lines = append(lines, p.Line)
			}
			if diff := cmp.Diff(tt.problems, lines); diff != "" {
				t.Errorf("ParseEpisodeList(%q): lines with problems (-want +got):\n%s\n%v", tt.text, diff, problems)
			}
		})
	}
}

// A list longer than the parsers read is cut with a problem that says so, and never more than
// MaxRows rows come out, however many names a line gives.
func TestPastedListBounds(t *testing.T) {
	var long strings.Builder
	for i := range edit.MaxPasteLines + 10 {
		fmt.Fprintf(&long, "%d. Episode\n", i+1)
	}
	eps, problems := edit.ParseEpisodeList(long.String(), 1)
	if len(eps) != edit.MaxRows || len(problems) != 1 || !strings.Contains(problems[0].Problem, "at most") {
		t.Errorf("%d lines: %d episodes, problems %v; want %d and one problem", edit.MaxPasteLines+10, len(eps), problems, edit.MaxRows)
	}
	line := "In-between: " + strings.Repeat("A, ", 300)[:edit.MaxPasteLine-20]
	credits, problems := edit.ParseStaffList(line + "\n" + line)
	if len(credits) != edit.MaxRows || len(problems) != 1 || problems[0].Line != 2 {
		t.Errorf("two lines of 160 names: %d credits, problems %v; want %d and a problem on line 2", len(credits), problems, edit.MaxRows)
	}
	blank := strings.Repeat("\n", edit.MaxPasteLines) + "Director: A"
	credits, problems = edit.ParseStaffList(blank)
	if len(credits) != 0 || len(problems) != 1 || problems[0].Line != edit.MaxPasteLines+1 {
		t.Errorf("a line after %d blank ones: credits %v, problems %v; want it refused", edit.MaxPasteLines, credits, problems)
	}
}

// FuzzPastedLists reads any text as a staff list and an episode list: neither panics, each row
// has what a row needs, and every problem names a line of the text.
func FuzzPastedLists(f *testing.F) {
	for _, s := range []string{"", "Director: A", "A (Director)", "監督：大友克洋、森本晃司", "1. Title\n#2 T\nEpisode 3: x",
		"第１話 タイトル", "Role: (#12)", "(#1) (x)", "（（（", "Director (x (y)): z", "\xff\n\x00", "999999999 x",
		strings.Repeat("a:b,", 200), strings.Repeat("\n", 600) + "x: y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 64<<10 {
			t.Skip("longer than the fuzz bound")
		}
		lines := strings.Count(text, "\n") + 1
		credits, problems := edit.ParseStaffList(text)
		if len(credits) > edit.MaxRows {
			t.Errorf("%d credits", len(credits))
		}
		for _, c := range credits {
			if strings.TrimSpace(c.Role) == "" || c.Person.IsZero() {
				t.Errorf("credit %+v without a role or a person", c)
			}
		}
		episodes, eproblems := edit.ParseEpisodeList(text, 1)
		if len(episodes) > edit.MaxRows {
			t.Errorf("%d episodes", len(episodes))
		}
		for _, e := range episodes {
			if e.Number <= 0 {
				t.Errorf("episode %+v without a number", e)
			}
		}
		for _, p := range append(problems, eproblems...) {
			if p.Line < 1 || p.Line > lines || p.Problem == "" || !utf8.ValidString(p.Text) {
				t.Errorf("problem %+v of a text of %d lines", p, lines)
			}
		}
	})
}
