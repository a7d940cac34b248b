package edit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The functions of this file read lists a person pastes, a film's staff as its end credits or an
// encyclopedia give them, or a series' episode titles, into rows of the section forms, for the
// person to check before saving. They read what they can and say which lines they could not;
// whatever the text, they end in time proportional to MaxPasteLines lines of MaxPasteLine.

// MaxPasteLines is the most lines a pasted list is read to; MaxPasteLine the longest line, in
// characters.
const (
	MaxPasteLines = 500
	MaxPasteLine  = 500
)

// LineProblem is a line of a pasted list that could not be read, and why.
type LineProblem struct {
	Line    int    // from 1
	Text    string // the line, shortened when long
	Problem string
	Unread  bool // this line and those after it were not read at all
}

func (p LineProblem) String() string {
	if p.Text == "" {
		return fmt.Sprintf("line %d of the list: %s", p.Line, p.Problem)
	}
	return fmt.Sprintf("line %d of the list (%s): %s", p.Line, p.Text, p.Problem)
}

// pastedLines splits text into trimmed lines, calling read for each line that is not blank and
// that holds only text (no control characters, valid UTF-8, not too long). It stops after
// MaxPasteLines lines, or when read has made MaxRows rows, with a problem saying so.
func pastedLines(text string, rows func() int, read func(n int, line string) string) []LineProblem {
	var problems []LineProblem
	add := func(n int, line, problem string) {
		problems = append(problems, LineProblem{Line: n, Text: shorten(line), Problem: problem})
	}
	unread := func(n int, line, problem string) {
		add(n, line, problem)
		problems[len(problems)-1].Unread = true
	}
	n := 0
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		n++
		if n > MaxPasteLines {
			unread(n, line, fmt.Sprintf("only the first %d lines are read: paste the rest after saving these", MaxPasteLines))
			break
		}
		line = strings.TrimSpace(line)
		switch {
		case strings.TrimFunc(line, invisible) == "":
			continue
		case rows() >= MaxRows:
			unread(n, line, fmt.Sprintf("at most %d rows are read at once: paste the rest after saving these", MaxRows))
			return problems
		case !utf8.ValidString(line):
			add(n, strings.ToValidUTF8(line, "\uFFFD"), "this line is not valid text")
		case utf8.RuneCountInString(line) > MaxPasteLine:
			add(n, line, fmt.Sprintf("this line is longer than %d characters", MaxPasteLine))
		case strings.ContainsFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }):
			add(n, line, "this line holds control characters")
		default:
			if p := read(n, line); p != "" {
				add(n, line, p)
			}
		}
	}
	return problems
}

// invisible reports whether r shows nothing: a space, or a format character such as a
// zero-width space. A line of them is a blank line.
func invisible(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// shorten cuts a line for a problem's message.
func shorten(line string) string {
	const most = 60
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, line)
	if utf8.RuneCountInString(line) <= most {
		return line
	}
	r := []rune(line)
	return string(r[:most]) + "…"
}

// bullet matches a list's mark at the start of a line: "- ", "* ", "• ", "・".
var bullet = regexp.MustCompile(`^(?:[-*•·・]|\d+[.)])\s*`)

// staffSeparators split a staff line into its role and its names, role first. The first found
// in the line is used: "Director: Koji Morimoto".
var staffSeparators = []string{"\t", ":", "：", " - ", " – ", " — "}

// roleAfter matches "Name (Role)", in ASCII or full-width brackets; a picked page's "(#12)" is
// not a role.
var roleAfter = regexp.MustCompile(`^(.+?)\s*[(（]([^#(（)）][^(（)）]*)[)）]$`)

// noteAfter matches a role with a note: "Director (Magnetic Rose)".
var noteAfter = regexp.MustCompile(`^(.+?)\s*[(（]([^(（)）]+)[)）]$`)

// nameSeparators split several names given one role: "Key Animation: A, B、C".
var nameSeparators = regexp.MustCompile(`\s*[,，、;；]\s*`)

// ParseStaffList reads a pasted staff list, one role a line, into credits. A line is
// "Role: Name" (a full-width colon, a tab or " - " also separate them), or "Name (Role)". A
// role may carry a note in brackets, "Director (Magnetic Rose): Koji Morimoto"; several names
// separated by commas or "、" are several credits with one role, and a name may carry a note of
// its own, "Koji Morimoto (Magnetic Rose)", or pick a page as the forms do, "Satoshi Kon (#12)". A list's bullets and numbers before a line are left out.
func ParseStaffList(text string) ([]CreditInput, []LineProblem) {
	var out []CreditInput
	problems := pastedLines(text, func() int { return len(out) }, func(_ int, line string) string {
		line = strings.TrimSpace(bullet.ReplaceAllString(line, ""))
		role, names, ok := cutStaffLine(line)
		if !ok {
			return "write “Role: Name” or “Name (Role)”"
		}
		note := ""
		if m := noteAfter.FindStringSubmatch(role); m != nil {
			role, note = m[1], strings.TrimSpace(m[2])
		}
		role = strings.Join(strings.Fields(role), " ")
		if role == "" {
			return "the role is missing: write “Role: Name”"
		}
		var added int
		for _, name := range nameSeparators.Split(names, -1) {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if len(out) >= MaxRows {
				return fmt.Sprintf("at most %d rows are read at once: paste the rest after saving these", MaxRows)
			}
			in := CreditInput{Person: ParseChoice(name, false), Role: role, Note: note}
			// A note after the name, "Koji Morimoto (Magnetic Rose)", is the name's own.
			if m := roleAfter.FindStringSubmatch(in.Person.Name); m != nil && in.Person.ID == 0 {
				in.Person, in.Note = ParseChoice(m[1], false), strings.TrimSpace(m[2])
			}
			out = append(out, in)
			added++
		}
		if added == 0 {
			return "the name is missing: write “Role: Name”"
		}
		return ""
	})
	return out, problems
}

// cutStaffLine splits a staff line into its role and the text of its names.
func cutStaffLine(line string) (role, names string, ok bool) {
	at, sep := -1, ""
	for _, s := range staffSeparators {
		if i := strings.Index(line, s); i >= 0 && (at < 0 || i < at) {
			at, sep = i, s
		}
	}
	if at >= 0 {
		return line[:at], line[at+len(sep):], true
	}
	if m := roleAfter.FindStringSubmatch(line); m != nil {
		return m[2], m[1], true
	}
	return "", "", false
}

// episodeNumber matches a number before an episode's title: "1. Title", "1 Title", "#1 Title",
// "Episode 1: Title", "Ep. 1 - Title", "第1話 Title", "1) Title", and the number alone.
var episodeNumber = regexp.MustCompile(`^(?i:(?:episode|ep\.?|segment|part|#|第)[\s\x{3000}]*)?([0-9０-９]{1,6})(?:[\s\x{3000}]*[話回])?(?:[\s\x{3000}]*[.:：)\-–—][\s\x{3000}]*|[\s\x{3000}]+|$)`)

// originalScript reports whether s holds Japanese kana or CJK ideographs, or Hangul: a title in
// the original script.
func originalScript(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han, unicode.Hangul)
	})
}

// ParseEpisodeList reads a pasted list of episodes or segments, one a line, numbered as in "1.
// Title", "1 Title", "#1 Title", "Episode 1: Title" or "第1話 Title", or not at all: a line
// without a number comes after the line before it, the first one being number first. A title in
// Latin letters followed by one in Japanese, "Magnetic Rose / 彼女の想いで", gives both.
func ParseEpisodeList(text string, first int) ([]EpisodeInput, []LineProblem) {
	var out []EpisodeInput
	next := max(first, 1)
	problems := pastedLines(text, func() int { return len(out) }, func(_ int, line string) string {
		in := EpisodeInput{Number: next}
		if m := episodeNumber.FindStringSubmatchIndex(line); m != nil {
			n, err := strconv.Atoi(foldDigits(line[m[2]:m[3]]))
			if err != nil || n <= 0 {
				return "the episode's number must be 1 or more"
			}
			in.Number = n
			line = strings.TrimSpace(line[m[1]:])
		}
		if name, original, ok := strings.Cut(line, " / "); ok && !originalScript(name) && originalScript(original) {
			in.Name, in.OriginalName = strings.TrimSpace(name), strings.TrimSpace(original)
		} else if originalScript(line) {
			in.OriginalName = line
		} else {
			in.Name = line
		}
		next = in.Number + 1
		out = append(out, in)
		return ""
	})
	return out, problems
}

// foldDigits turns full-width digits into ASCII ones.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}
