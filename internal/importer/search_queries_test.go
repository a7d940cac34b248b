package importer_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"kioku/internal/search"
	"kioku/internal/wiki"
)

// The makers of the search quality set's queries, one per category, from a work of the wiki.

// titlesIn lists a work's titles in the given languages, abbreviations left out.
func titlesIn(w *wiki.Work, langs ...string) []string {
	var out []string
	for _, x := range w.Titles {
		if slices.Contains(langs, x.Language) && x.Kind != "short" && strings.TrimSpace(x.Text) != "" {
			out = append(out, x.Text)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

func exactOriginal(_ *rand.Rand, _ *qualityData, w qualityWork) (string, string, bool) {
	return w.doc.OriginalTitle, w.doc.OriginalTitle, w.doc.OriginalTitle != ""
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' || r == 'ゝ' || r == 'ゞ' }
func isKatakana(r rune) bool { return r >= 'ァ' && r <= 'ヶ' || r == 'ヽ' || r == 'ヾ' }

func hasKana(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return isHiragana(r) || isKatakana(r) })
}

// kanaSwapped writes the original title, or its kana reading, with every hiragana turned into
// katakana and every katakana into hiragana.
func kanaSwapped(rng *rand.Rand, _ *qualityData, w qualityWork) (string, string, bool) {
	var from []string
	for _, s := range []string{w.doc.OriginalTitle, w.doc.OriginalTitleKana} {
		if hasKana(s) {
			from = append(from, s)
		}
	}
	if len(from) == 0 {
		return "", "", false
	}
	src := pick(rng, from)
	const shift = 'ァ' - 'ぁ'
	q := strings.Map(func(r rune) rune {
		switch {
		case isHiragana(r):
			return r + shift
		case isKatakana(r):
			return r - shift
		}
		return r
	}, src)
	return q, src, q != src
}

// macrons are the long-vowel marks of romanised Japanese, and their plain vowels.
var macrons = strings.NewReplacer("ā", "a", "ē", "e", "ī", "i", "ō", "o", "ū", "u", "â", "a", "ê", "e", "î", "i", "ô", "o", "û", "u",
	"Ā", "A", "Ē", "E", "Ī", "I", "Ō", "O", "Ū", "U", "Â", "A", "Ê", "E", "Î", "I", "Ô", "O", "Û", "U")

// plainRomaji writes a romanised title (AniDB's x-jat) with its macrons removed and its long
// vowels ou, uu and oo shortened, as readers type them.
func plainRomaji(rng *rand.Rand, _ *qualityData, w qualityWork) (string, string, bool) {
	var from []string
	for _, s := range titlesIn(w.doc, "x-jat") {
		if q := shortVowels(macrons.Replace(s)); q != s {
			from = append(from, s)
		}
	}
	if len(from) == 0 {
		return "", "", false
	}
	src := pick(rng, from)
	return shortVowels(macrons.Replace(src)), src, true
}

// shortVowels shortens ou to o, uu to u and oo to o, in any case.
func shortVowels(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		out = append(out, rs[i])
		if i+1 < len(rs) {
			a, b := unicode.ToLower(rs[i]), unicode.ToLower(rs[i+1])
			if a == 'o' && (b == 'u' || b == 'o') || a == 'u' && b == 'u' {
				i++
			}
		}
	}
	return string(out)
}

// fullWidth writes an English or romanised title in ASCII with its letters and digits in
// their full-width forms.
func fullWidth(rng *rand.Rand, _ *qualityData, w qualityWork) (string, string, bool) {
	var from []string
	for _, s := range titlesIn(w.doc, "en", "x-jat") {
		ascii := !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII })
		if ascii && strings.ContainsFunc(s, unicode.IsLetter) {
			from = append(from, s)
		}
	}
	if len(from) == 0 {
		return "", "", false
	}
	src := pick(rng, from)
	q := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r + ('Ａ' - 'A')
		}
		return r
	}, src)
	return q, src, true
}

// englishTypo makes one typo in a word of five letters or more of an English title: two
// adjacent letters swapped, or one dropped.
func englishTypo(rng *rand.Rand, d *qualityData, w qualityWork) (string, string, bool) {
	var from []string
	for _, s := range titlesIn(w.doc, "en") {
		if len(longWords(s)) > 0 {
			from = append(from, s)
		}
	}
	if len(from) == 0 {
		return "", "", false
	}
	src := pick(rng, from)
	rs := []rune(src)
	word := pick(rng, longWords(src))
	var swaps []int
	for i := word[0]; i+1 < word[1]; i++ {
		if unicode.ToLower(rs[i]) != unicode.ToLower(rs[i+1]) {
			swaps = append(swaps, i)
		}
	}
	var q []rune
	if rng.IntN(2) == 0 && len(swaps) > 0 {
		i := pick(rng, swaps)
		q = slices.Clone(rs)
		q[i], q[i+1] = q[i+1], q[i]
	} else {
		i := word[0] + rng.IntN(word[1]-word[0])
		q = slices.Delete(slices.Clone(rs), i, i+1)
	}
	// A typo that spells another title is not a typo of this one.
	if key := search.Fold(string(q)); key != search.Fold(src) && len(d.any[key]) > 0 {
		return "", "", false
	}
	return string(q), src, true
}

// longWords lists the runs of five letters or more of s, as rune offsets [start, end).
func longWords(s string) [][2]int {
	var out [][2]int
	start := -1
	rs := []rune(s)
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && unicode.IsLetter(rs[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 5 {
			out = append(out, [2]int{start, i})
		}
		start = -1
	}
	return out
}

// titleAsIs asks for a title in one of langs as it is written, unless it is the original
// title written the same way (a Chinese title in the kanji of the Japanese one).
func titleAsIs(langs ...string) func(*rand.Rand, *qualityData, qualityWork) (string, string, bool) {
	return func(rng *rand.Rand, _ *qualityData, w qualityWork) (string, string, bool) {
		from := slices.DeleteFunc(titlesIn(w.doc, langs...), func(s string) bool { return s == w.doc.OriginalTitle })
		if len(from) == 0 {
			return "", "", false
		}
		src := pick(rng, from)
		return src, src, true
	}
}

// personName is a person's name as a reader would type it: the name shown on the page, or the
// native name when the page has none.
func personName(p *wiki.Person) string {
	if strings.TrimSpace(p.Name) != "" {
		return strings.TrimSpace(p.Name)
	}
	return strings.TrimSpace(p.NativeName)
}

// staffAndWord asks for a person credited on the work (its director when it has one) and one
// word of its title: a word of three characters or more of an English or romanised title, or
// the Japanese title when it is one word. It skips a pair that fits another work of someone of
// that name.
func staffAndWord(rng *rand.Rand, d *qualityData, w qualityWork) (string, string, bool) {
	var directors, anyone []int64
	for _, c := range w.doc.Credits {
		if d.names[int64(c.Person)] == nil {
			continue
		}
		anyone = append(anyone, int64(c.Person))
		if c.Role == "Director" || c.RoleText == "監督" {
			directors = append(directors, int64(c.Person))
		}
	}
	if len(directors) > 0 {
		anyone = directors
	}
	if len(anyone) == 0 {
		return "", "", false
	}
	name := personName(d.names[pick(rng, anyone)])
	var words, titles []string // a word, and the title it is a word of
	for _, s := range titlesIn(w.doc, "en", "x-jat") {
		for _, f := range strings.Fields(s) {
			f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if utf8.RuneCountInString(f) >= 3 && !slices.Contains(words, f) {
				words, titles = append(words, f), append(titles, s)
			}
		}
	}
	title := strings.TrimSpace(w.doc.OriginalTitle)
	if len(words) == 0 && title != "" && !strings.ContainsFunc(title, unicode.IsSpace) {
		words, titles = append(words, title), append(titles, title)
	}
	if name == "" || len(words) == 0 {
		return "", "", false
	}
	i := rng.IntN(len(words))
	word := words[i]
	if search.Fold(word) == "" {
		return "", "", false
	}
	for _, p := range d.byKey[search.Fold(name)] {
		for _, other := range d.credited[p] {
			if other != w.id && d.hasTitleWith(other, word) {
				return "", "", false
			}
		}
	}
	return name + " " + word, titles[i], true
}

// hasTitleWith reports whether a title of work id has word in it, as written or folded.
func (d *qualityData) hasTitleWith(id int64, word string) bool {
	w, ok := d.work(id)
	if !ok {
		return false
	}
	key, lower := search.Fold(word), strings.ToLower(word)
	return slices.ContainsFunc(w.keys, func(k string) bool { return strings.Contains(k, key) }) ||
		slices.ContainsFunc(w.doc.Titles, func(t wiki.Title) bool { return strings.Contains(strings.ToLower(t.Text), lower) }) ||
		strings.Contains(strings.ToLower(w.doc.Name+" "+w.doc.OriginalTitle), lower)
}

// work finds a work by id.
func (d *qualityData) work(id int64) (qualityWork, bool) {
	i, ok := slices.BinarySearchFunc(d.works, id, func(w qualityWork, id int64) int { return cmp.Compare(w.id, id) })
	if !ok {
		return qualityWork{}, false
	}
	return d.works[i], true
}
