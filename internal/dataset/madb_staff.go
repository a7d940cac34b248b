package dataset

import (
	"strings"
	"unicode/utf8"
)

// staffLine is one name read from a MADB staff or cast string, before its role is translated
// and its name matched to an agent.
type staffLine struct {
	// Role is the role as written, without its brackets ("演出、絵コンテ"); "" when none.
	Role string
	// Cast marks a performer; Character is then the character ("" when unnamed).
	Cast      bool
	Character string
	// Name is the cleaned name; "" only for a cast line naming a character without a voice.
	Name string
	// Note is the text found beside the name: episodes, a segment, a remark.
	Note string
}

// parseStaff reads a MADB staff string in bracket form, as `contributor`, `creator`,
// `originalWorkCreator`, `productionCompany` and `actor` hold it:
//
//	[演出]前田康成（「縄文・弥生・奈良」「江戸」） ／ [音楽]東野克 ／ 池田浩雄
//	【男の子A】高乃 麗 ／ 【ウサギ】高乃 麗〈奈良〉 ／ 【】加藤順一 ／ [出演]東映児童
//
// Entries are cut at "／" outside brackets. "[role]" starts staff (cast when the role is
// 出演, 声の出演 and the like), "【character】" starts cast; an entry without a bracket
// continues the previous one, with the same role or as a second voice of the same character,
// which is how MADB writes "[演出]鈴木宏昌 ／ 古沢秀雄". When nothing precedes it, it is staff
// without a role, or, with cast set (an actor string), a voice without a character. A bracket
// holding only episode numbers ("[2話]", "[1]") is a note, not a role. "〈…〉" alone and
// "◆…" lines head a segment; their text becomes the note of the entries that follow.
// Remarks ("※…") are dropped, as are placeholder names ("ほか") and empty ones.
func parseStaff(s string, cast bool) []staffLine {
	p := staffParser{cast: cast}
	for _, seg := range splitSegments(s) {
		p.entry(strings.TrimFunc(seg, isWideSpace))
	}
	return p.lines
}

// staffParser holds the state of reading one staff string.
type staffParser struct {
	cast    bool
	lines   []staffLine
	section string    // the segment heading in force ("日本語版制作スタッフ")
	last    staffLine // what an entry without brackets continues
	hasLast bool
}

// entry reads one entry of a staff string.
func (p *staffParser) entry(seg string) {
	if seg == "" {
		return
	}
	rs := []rune(seg)
	switch rs[0] {
	case '※':
		return // a remark on the list, not a name
	case '◆', '●', '■', '◇', '*', '＊':
		head := strings.TrimFunc(strings.TrimLeft(seg, "◆●■◇*＊"), isWideSpace)
		if strings.HasPrefix(head, "※") {
			return
		}
		p.section, _ = cleanName(head)
		return
	case '〈':
		end := matchClose(rs, 0)
		if end < 0 {
			break
		}
		p.section = cleanSpaces(foldWidth(string(rs[1:end])))
		if rest := strings.TrimFunc(string(rs[end+1:]), isWideSpace); rest != "" {
			p.entry(rest)
		}
		return
	case '(', '（':
		// "（2）上海大竜" heads the staff of segment 2 of an anthology.
		if end := matchClose(rs, 0); !p.cast && end > 1 && asciiDigits(foldWidth(string(rs[1:end]))) &&
			!strings.ContainsAny(string(rs[end+1:]), "[［【") {
			p.section = "(" + foldWidth(string(rs[1:end])) + ") " + cleanSpaces(string(rs[end+1:]))
			p.hasLast = false
			return
		}
	case '[', '［':
		if end := matchClose(rs, 0); end > 0 {
			p.roleEntry(string(rs[1:end]), string(rs[end+1:]))
			return
		}
		seg = string(rs[1:]) // an unclosed "[": read the rest as a name
	case '【':
		if end := matchClose(rs, 0); end > 0 {
			p.castEntry(string(rs[1:end]), string(rs[end+1:]))
			return
		}
		seg = string(rs[1:])
	}
	if i := strings.Index(seg, "】"); i > 0 && !strings.Contains(seg[:i], "【") {
		p.castEntry(seg[:i], seg[i+len("】"):]) // "Ninja-Ninja】Samuel L. Jackson"
		return
	}
	if p.hasLast {
		p.names(p.last, seg, "")
		return
	}
	p.names(staffLine{Cast: p.cast}, seg, "")
}

// roleEntry reads "[role]names", where role may also be episode numbers or carry a segment
// heading ("[〈日本語版制作スタッフ〉翻訳]森みさ").
func (p *staffParser) roleEntry(role, rest string) {
	if episodeLike(role) {
		tmpl := p.last
		if !p.hasLast {
			tmpl = staffLine{Cast: p.cast}
		}
		p.names(tmpl, rest, cleanSpaces(foldWidth(role)))
		return
	}
	var note string
	if i := strings.Index(role, "〈"); i >= 0 {
		if j := strings.Index(role[i:], "〉"); j > 0 {
			note = cleanSpaces(foldWidth(role[i+len("〈") : i+j]))
			role = role[:i] + role[i+j+len("〉"):]
		}
	}
	role = strings.TrimFunc(role, isWideSpace)
	// A second bracket right after the role is episodes ("[美術監督][～23回]岡部真由美") or,
	// when nothing follows it, the name itself ("[製作委員会][バンダイ]").
	for {
		rs := []rune(strings.TrimFunc(rest, isWideSpace))
		if len(rs) == 0 || (rs[0] != '[' && rs[0] != '［') {
			break
		}
		end := matchClose(rs, 0)
		if end < 0 {
			break
		}
		inner := string(rs[1:end])
		after := string(rs[end+1:])
		if strings.TrimFunc(after, isWideSpace) == "" && !episodeLike(inner) {
			rest = inner
			break
		}
		note = joinNote(note, cleanSpaces(foldWidth(inner)))
		rest = after
	}
	tmpl := staffLine{Role: role}
	staff, cast, narrator := classifyRole(role)
	switch {
	case narrator != "":
		tmpl = staffLine{Cast: true, Character: cleanSpaces(foldWidth(narrator))}
	case cast && !staff:
		tmpl = staffLine{Cast: true}
	case cast:
		// "[キャラクター原案・声の出演]堀江由衣": staff and cast at once.
		p.names(staffLine{Cast: true}, rest, note)
	}
	p.last, p.hasLast = tmpl, true
	p.names(tmpl, rest, note)
}

// castEntry reads "【character】voices". Several characters voiced by one actor
// ("【ボス、せわし博士】大竹宏") give one line each.
func (p *staffParser) castEntry(char, rest string) {
	if strings.Contains(char, "要修正") || strings.Contains(char, "【") {
		p.hasLast = false // an editor's marker ("【【【！！！メインスタッフ要修正！！！】】】")
		return
	}
	name, note := cleanName(char)
	name = squeezeCJK(name) // "【磐 丸】": spaced out for layout, not two words
	if note == "声" || note == "声優" || note == "CV" {
		// "【ピピ（声）】", "【ペケペケの（声）】": the voice of the character.
		note = ""
		name = strings.TrimSuffix(name, "の")
	}
	var chars []string
	for _, c := range strings.FieldsFunc(name, func(r rune) bool { return r == '、' || r == ',' }) {
		if c = strings.TrimFunc(c, isWideSpace); c != "" {
			chars = append(chars, c)
		}
	}
	if len(chars) == 1 && (castRole(chars[0]) || chars[0] == "キャスト") {
		chars = nil // 【声の出演】, 【出演】: a heading, not a character
	}
	if len(chars) == 0 {
		chars = []string{""}
	}
	for _, c := range chars {
		p.names(staffLine{Cast: true, Character: c}, rest, note)
	}
	p.last, p.hasLast = staffLine{Cast: true, Character: chars[0]}, true
}

// names adds a line per name in text, each a copy of tmpl with its own note. A character
// with no voice named still gets a line, so that the character is not lost.
func (p *staffParser) names(tmpl staffLine, text, note string) {
	added := false
	for _, part := range splitNames(text) {
		name, own := cleanName(part)
		if name == "" {
			continue
		}
		l := tmpl
		l.Name = name
		l.Note = joinNote(joinNote(note, own), p.section)
		p.lines = append(p.lines, l)
		added = true
	}
	if !added && tmpl.Cast && tmpl.Character != "" {
		tmpl.Note = joinNote(note, p.section)
		p.lines = append(p.lines, tmpl)
	}
}

// classifyRole tells whether a role text names staff, cast or a narrator; narrator is the
// narration part of the role ("ナレーション" of "出演・ナレーション"), "" when there is none.
// A compound is cast when every part is.
func classifyRole(role string) (staff, cast bool, narrator string) {
	k := roleKey(role)
	if narrationKey(k) {
		return false, true, role
	}
	if castKey(k) {
		return false, true, ""
	}
	if !strings.ContainsAny(k, roleSeparators) {
		return true, false, ""
	}
	parts := strings.FieldsFunc(k, func(r rune) bool { return strings.ContainsRune(roleSeparators, r) })
	for _, part := range parts {
		switch {
		case narrationKey(part):
			cast, narrator = true, part
		case castKey(part):
			cast = true
		default:
			staff = true
		}
	}
	if len(parts) == 0 {
		staff = true
	}
	if staff {
		narrator = ""
	}
	return staff, cast, narrator
}

// splitSegments cuts a staff string into entries: at "／" outside brackets (and at a
// spaced "／" or " / " anywhere, since brackets are sometimes left open), before a "【" that
// opens a new cast entry, and before a role bracket that follows a space
// ("スタジオカーペンター〈第３シリーズ〉　[脚本]島田満").
func splitSegments(s string) []string {
	var segs []string
	var stack []rune
	start, content := 0, false // content: a non-space rune since start
	prev := rune(0)            // the rune before i
	cut := func(i, next int) {
		segs = append(segs, s[start:i])
		start, content = next, false
	}
	for i, r := range s {
		_, size := utf8.DecodeRuneInString(s[i:]) // 1 for a byte that is not UTF-8
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		spaced := isWideSpace(prev) && isWideSpace(next)
		pr := prev
		prev = r
		if n := len(stack); n > 0 && canonClose(r) == stack[n-1] {
			stack = stack[:n-1]
			continue
		}
		if r == '／' || (r == '/' && spaced) {
			if len(stack) == 0 || spaced {
				cut(i, i+size)
				stack = stack[:0]
				continue
			}
		}
		if len(stack) == 0 && content {
			switch {
			case r == '【':
				cut(i, i)
			case (r == '[' || r == '［') && isWideSpace(pr):
				if end := closeIn(s, i); end > 0 && !episodeLike(s[i+size:end]) {
					cut(i, i)
				}
			}
		}
		if c := closerOf(r); c != 0 {
			stack = append(stack, c)
		}
		content = content || !isWideSpace(r)
	}
	return append(segs, s[start:])
}

// closeIn is matchClose on a string: the byte index of the bracket closing the one at
// s[open], or -1.
func closeIn(s string, open int) int {
	o, _ := utf8.DecodeRuneInString(s[open:])
	c := closerOf(o)
	depth := 0
	for i, r := range s[open:] {
		switch {
		case closerOf(r) == c:
			depth++
		case canonClose(r) == c:
			depth--
			if depth == 0 {
				return open + i
			}
		}
	}
	return -1
}

// splitNames cuts the names of one entry: at "、", "，", "," and "/" outside brackets.
func splitNames(s string) []string {
	return splitTopLevel(s, func(r rune) bool { return r == '、' || r == '，' || r == ',' || r == '/' })
}

// splitTopLevel cuts s at the runes sep accepts when they are outside brackets, dropping
// empty pieces.
func splitTopLevel(s string, sep func(rune) bool) []string {
	var out []string
	var stack []rune
	var b strings.Builder
	flush := func() {
		if t := strings.TrimFunc(b.String(), isWideSpace); t != "" {
			out = append(out, t)
		}
		b.Reset()
	}
	for _, r := range s {
		switch {
		case len(stack) > 0 && canonClose(r) == stack[len(stack)-1]:
			stack = stack[:len(stack)-1]
		case len(stack) == 0 && sep(r):
			flush()
			continue
		case closerOf(r) != 0:
			stack = append(stack, closerOf(r))
		}
		b.WriteRune(r)
	}
	flush()
	return out
}

// episodeLike reports whether bracketed text holds episode numbers ("1", "2話", "9、11話",
// "～23回", "24回～") rather than a role.
func episodeLike(s string) bool {
	digit := false
	for _, r := range foldWidth(s) {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("、,~～-‐―・ 第#話回巻以降最終からまで前後編期", r):
		default:
			return false
		}
	}
	return digit
}

// matchClose returns the index of the bracket closing the one at rs[open], counting nested
// brackets of the same kind, or -1 when it is never closed. Full- and half-width brackets
// close each other: the data mixes them ("［演出]").
func matchClose(rs []rune, open int) int {
	c := closerOf(rs[open])
	depth := 0
	for i := open; i < len(rs); i++ {
		switch {
		case closerOf(rs[i]) == c:
			depth++
		case canonClose(rs[i]) == c:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// closerOf returns the bracket closing r, or 0 when r opens none. Full-width "［" and "（"
// give the half-width closers; canonClose maps closers the same way.
func closerOf(r rune) rune {
	switch r {
	case '[', '［':
		return ']'
	case '(', '（':
		return ')'
	case '<', '＜':
		return '>'
	case '【':
		return '】'
	case '「':
		return '」'
	case '『':
		return '』'
	case '〈':
		return '〉'
	case '《':
		return '》'
	case '〔':
		return '〕'
	}
	return 0
}

// canonClose maps a full-width closing bracket to the half-width one closerOf gives.
func canonClose(r rune) rune {
	switch r {
	case '］':
		return ']'
	case '）':
		return ')'
	case '＞':
		return '>'
	}
	return r
}

// strayCloser reports a closing bracket; one met outside brackets is dropped from names.
func strayCloser(r rune) bool {
	return strings.ContainsRune("])>】」』〉》〕］）＞", r)
}
