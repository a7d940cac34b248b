package dataset

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanName cleans one name as MADB writes it and returns the text found beside it as a
// note: full-width ASCII is folded to half-width and spaces collapsed (the space inside
// "高乃 麗" stays; nameKey ignores it); text in brackets of any kind, quoted titles
// ("「Yes/No」") and remarks after "※" move to the note; a bracket left open takes the rest
// of the text with it. Placeholders ("ほか", "他", "不詳") and names with no letter in them
// give "".
func cleanName(s string) (name, note string) {
	name = s
	if strings.ContainsFunc(s, nameSpecial) {
		name, note = nameNotes(s)
	}
	// Marks before a name ("● ジェンコ", "△AIC ASTA") set it apart in the credits shown on
	// screen; "ほか" (and others) after it is not part of it.
	name = strings.Trim(name, "・･.。、,/:;●○◎△▲▽▼◇◆□■ ")
	for _, suffix := range []string{"ほか多数", "他多数", "ほか", " 他"} {
		name = strings.TrimSpace(strings.TrimSuffix(name, suffix))
	}
	if n := utf8.RuneCountInString(name); n > 2 && strings.HasSuffix(name, "他") {
		name = strings.TrimSuffix(name, "他")
	}
	if placeholderName(name) {
		name = ""
	}
	return name, note
}

// nameSpecial reports a rune that makes cleanName look closer: brackets, remarks, spaces
// and full-width ASCII.
func nameSpecial(r rune) bool {
	return closerOf(r) != 0 || strayCloser(r) || r == '※' || isWideSpace(r) || (r >= '！' && r <= '～')
}

// nameNotes is cleanName's close look: it folds the width, collapses spaces and moves the
// text in brackets and after "※" to the note.
func nameNotes(s string) (name, note string) {
	rs := []rune(foldWidth(s))
	var nb, cur strings.Builder
	var notes []string
	var stack []rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if len(stack) == 0 {
			if r == '※' {
				// "※茂呂田かおる" marks the name; "池畑祐※治" a character the database could
				// not write; anything longer after it is a remark.
				rest := string(rs[i+1:])
				switch n := utf8.RuneCountInString(rest); {
				case nb.Len() == 0 && !strings.HasPrefix(rest, "「"):
					continue
				case n > 0 && n <= 2 && !strings.ContainsFunc(rest, isWideSpace):
					continue
				}
				notes = append(notes, rest)
				break
			}
			if c := closerOf(r); c != 0 {
				stack = append(stack, c)
				cur.Reset()
				continue
			}
			if !strayCloser(r) {
				nb.WriteRune(r)
			}
			continue
		}
		if canonClose(r) == stack[len(stack)-1] {
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				notes = append(notes, cur.String())
				continue
			}
		} else if c := closerOf(r); c != 0 {
			stack = append(stack, c)
		}
		cur.WriteRune(r)
	}
	if len(stack) > 0 {
		notes = append(notes, cur.String())
	}
	for _, n := range notes {
		note = joinNote(note, cleanSpaces(n))
	}
	return cleanSpaces(nb.String()), note
}

// placeholderName reports whether a cleaned name stands for nobody in particular.
func placeholderName(name string) bool {
	switch name {
	case "", "ほか", "他", "外", "ほか多数", "他多数", "その他", "その他大勢", "ほか大勢", "他大勢", "多数",
		"ほか数名", "他数名", "不詳", "不明", "未詳", "未定", "調査中", "未確認", "なし", "無し", "同上", "〃",
		"左→右", "右→左", "上→下", "ロゴ", "スタッフ", "キャスト":
		return true
	}
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// joinNote joins two notes with "; ", skipping empty ones and repeats.
func joinNote(a, b string) string {
	switch {
	case b == "" || a == b:
		return a
	case a == "":
		return b
	}
	return a + "; " + b
}

// foldWidth turns full-width ASCII ("ＣＧ", "（", "［") into half-width and every kind of
// space into an ASCII space.
func foldWidth(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case isWideSpace(r):
			return ' '
		}
		return r
	}, s)
}

// cleanSpaces trims s and collapses runs of spaces of any width into one ASCII space.
func cleanSpaces(s string) string {
	f := strings.FieldsFunc(s, isWideSpace)
	if len(f) == 1 {
		return f[0]
	}
	return strings.Join(f, " ")
}

// isWideSpace reports white space, including the ideographic space and the zero-width ones that
// copy and paste leave in names.
func isWideSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// nameKey is the form names are matched to agents by: half-width, lower case, without
// spaces, commas and middle dots, so that "高乃 麗", "高乃麗" and "成沢, 大輔" meet their
// agents. A few variant kanji that stand in for one another in the data (髙/高, 﨑/崎) are
// folded too; different people who share a key are left unmatched by the reader.
func nameKey(s string) string {
	if !strings.ContainsFunc(s, keyChanges) {
		return s // most names are already their key; spare the allocation
	}
	var b strings.Builder
	for _, r := range foldWidth(s) {
		switch {
		case isWideSpace(r) || strings.ContainsRune(",、・･=＝·.", r):
			continue
		case r == '髙':
			r = '高'
		case r == '﨑':
			r = '崎'
		case r == '𠮷':
			r = '吉'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// keyChanges reports whether nameKey changes or drops r.
func keyChanges(r rune) bool {
	return isWideSpace(r) || strings.ContainsRune(",、・･=＝·.髙﨑𠮷", r) || (r >= '！' && r <= '～') || unicode.IsUpper(r)
}

// squeezeCJK removes the spaces between two Japanese or Chinese characters.
func squeezeCJK(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && isCJK(rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isCJK reports whether r is a kanji, hiragana or katakana.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
