package dataset

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// parseColonStaff reads the staff string of a National Diet Library package record:
//
//	原作:なばたとしたか 監督・キャラクター・絵コンテ:辰美 声の出演:田中真弓/岡村明美 ほか.
//
// Roles end with ":"; names are separated by "/"; a word without ":" continues the last name
// ("音楽:Audio Highs") or, after "role: ", is the first one.
func parseColonStaff(s string, b roleBook) []staffLine {
	s = unglueRoles(strings.TrimRight(strings.TrimFunc(s, isWideSpace), ".。"), b)
	var lines []staffLine
	var tmpls []staffLine // the lines each name of the current role gives
	var names []string    // the names of the current role, as written
	open := false         // whether the next word continues the last name
	section := ""         // the heading in force
	flush := func() {
		for _, n := range names {
			name, note := cleanName(n)
			if name == "" {
				continue
			}
			for _, t := range tmpls {
				t.Name, t.Note = name, joinNote(note, section)
				lines = append(lines, t)
			}
		}
		names = names[:0]
	}
	take := func(text string) {
		parts := strings.Split(text, "/")
		if open && len(names) > 0 && parts[0] != "" {
			names[len(names)-1] += " " + parts[0]
			parts = parts[1:]
		}
		for _, part := range parts {
			if part != "" {
				names = append(names, part)
			}
		}
		open = !strings.HasSuffix(text, "/")
	}
	for _, tok := range splitTopLevel(s, isWideSpace) {
		// "〈聖闘士星矢邪神エリス〉監督:森下孝三": a heading for the roles that follow.
		if rs := []rune(tok); rs[0] == '〈' {
			if end := matchClose(rs, 0); end > 0 {
				flush()
				section = cleanSpaces(foldWidth(string(rs[1:end])))
				if tok = string(rs[end+1:]); tok == "" {
					continue
				}
			}
		}
		i := strings.IndexAny(tok, ":：")
		if i <= 0 {
			if tmpls != nil {
				take(tok)
			}
			continue
		}
		flush()
		role := tok[:i]
		staff, cast, narrator := classifyRole(role)
		switch {
		case narrator != "":
			tmpls = []staffLine{{Cast: true, Character: narrator}}
		case cast && !staff:
			tmpls = []staffLine{{Cast: true}}
		case cast:
			tmpls = []staffLine{{Role: role}, {Cast: true}}
		default:
			tmpls = []staffLine{{Role: role}}
		}
		open = false
		take(strings.TrimLeft(tok[i+1:], ":："))
	}
	flush()
	return lines
}

// unglueRoles puts back the space missing before a role in the National Diet Library
// strings ("声の出演:A/田村ゆかりメカニックデザイン:森木靖泰"): when a word has a second
// colon, the longest ending of the name before it that starts with a known role of two or
// more characters is that role.
func unglueRoles(s string, b roleBook) string {
	known := func(role string) bool {
		first, _, _ := strings.Cut(role, "・")
		if utf8.RuneCountInString(first) < 2 {
			return false
		}
		_, ok := b.lookup(first)
		return ok || castRole(first) || narrationRole(first)
	}
	var out []rune
	start, colon := 0, false // where the current word starts in out; whether it has a colon
	depth := 0               // brackets open: a space inside "〈… 決戦!大海獣〉" ends no word
	for _, r := range s {
		switch {
		case closerOf(r) != 0:
			depth++
		case strayCloser(r):
			depth = max(0, depth-1)
		case isWideSpace(r) && depth == 0:
			start, colon = len(out)+1, false
		case (r == ':' || r == '：') && depth == 0:
			if colon {
				part := start
				for k := len(out) - 1; k >= start; k-- {
					if out[k] == '/' {
						part = k + 1
						break
					}
				}
				for k := part + 1; k < len(out); k++ {
					if known(string(out[k:])) {
						if out[k-1] == '〉' { // the role's heading goes with it
							if h := slices.Index(out[part:k], '〈'); h > 0 {
								k = part + h
							}
						}
						out = append(out[:k], append([]rune{' '}, out[k:]...)...)
						start = k + 1
						break
					}
				}
			}
			colon = true
		}
		out = append(out, r)
	}
	return string(out)
}

// colonForm reports whether a staff string is in the "役:名/名 役:名" form of the National
// Diet Library's package records rather than MADB's bracket form: its first word, before
// any space, bracket or slash, ends with a colon.
func colonForm(s string) bool {
	s = strings.TrimLeft(s, " 　")
	if strings.HasPrefix(s, "〈") {
		if end := closeIn(s, 0); end > 0 {
			s = s[end+len("〉"):] // "〈1st Stage〉監督:三沢伸": a heading first
		}
	}
	i := strings.IndexAny(s, ":：")
	return i > 0 && !strings.ContainsAny(s[:i], " 　[［【/／(（")
}
