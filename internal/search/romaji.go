package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// kanaRomaji is the Hepburn spelling of each katakana letter from ァ (U+30A1) to ヺ (U+30FA),
// small ones included; ッ is empty, for the consonant after it is doubled instead.
var kanaRomaji = [...]string{
	"a", "a", "i", "i", "u", "u", "e", "e", "o", "o", // ァアィイゥウェエォオ
	"ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go",
	"sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo",
	"ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to", "do", // タダチヂッツヅテデトド
	"na", "ni", "nu", "ne", "no",
	"ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po",
	"ma", "mi", "mu", "me", "mo",
	"ya", "ya", "yu", "yu", "yo", "yo",
	"ra", "ri", "ru", "re", "ro",
	"wa", "wa", "i", "e", "o", "n", "vu", "ka", "ke", "va", "vi", "ve", "vo", // ヮワヰヱヲンヴヵヶヷヸヹヺ
}

// Romaji is the Hepburn romanisation of a reading written in hiragana, katakana or both:
// きょ → kyo, ファ → fa, ティ → ti, っか → kka, っち → tchi, ん → n (n' before a vowel or y),
// ー → a macron on the vowel before it. Other long vowels are spelled as their kana are
// (おう → ou, おお → oo; Fold makes them meet ō), and は, へ, を are ha, he, o. Spaces and
// punctuation become single spaces; digits are kept. Romaji returns "" when kana has letters
// other than kana (kanji, Latin), or no kana at all, so that callers can offer it as an
// extra key only for readings.
func Romaji(kana string) string {
	s, _ := romaji(kana, false)
	return s
}

// RomajiVariants is Romaji(kana) and, when kana has は or へ standing alone between
// space-separated words, a second romanisation that reads them as the particles wa and e.
// It is nil when Romaji(kana) is "".
func RomajiVariants(kana string) []string {
	s, particle := romaji(kana, false)
	if s == "" {
		return nil
	}
	if !particle {
		return []string{s}
	}
	p, _ := romaji(kana, true)
	return []string{s, p}
}

// romaji romanises kana, reading standalone は and へ as wa and e when particles is set. It
// reports whether kana has such a standalone は or へ.
func romaji(kana string, particles bool) (string, bool) {
	rs := []rune(norm.NFKC.String(kana))
	for i, r := range rs {
		if r >= 'ぁ' && r <= 'ゖ' || r == 'ゝ' || r == 'ゞ' {
			rs[i] = r + ('ァ' - 'ぁ')
		}
	}
	sep := func(i int) bool {
		return i < 0 || i >= len(rs) || !isKana(rs[i]) && rs[i] != 'ー' && !unicode.IsDigit(rs[i])
	}
	var b strings.Builder
	var (
		space, sokuon, found, any bool
		prev                      string // the last syllable, for ヽ and ヾ
	)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 'ー':
			lengthen(&b)
			continue
		case unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space, sokuon = false, false
			b.WriteRune(r)
			continue
		case !isKana(r):
			if unicode.IsLetter(r) {
				return "", false
			}
			if !unicode.Is(unicode.M, r) {
				space = true
			}
			continue
		}
		any = true
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r == 'ッ' {
			sokuon = true
			continue
		}
		var syl string
		switch {
		case r == 'ヽ':
			syl = prev
		case r == 'ヾ':
			syl = voiced(prev)
		case r == 'ン':
			syl = "n"
			if i+1 < len(rs) && isKana(rs[i+1]) {
				if next := kanaRomaji[rs[i+1]-'ァ']; next != "" && strings.IndexByte("aiueoy", next[0]) >= 0 {
					syl = "n'"
				}
			}
		default:
			syl = kanaRomaji[r-'ァ']
			if i+1 < len(rs) {
				if s, ok := combine(r, syl, rs[i+1]); ok {
					syl = s
					i++
				}
			}
			if (r == 'ハ' || r == 'ヘ') && sep(i-1) && sep(i+1) && i > 0 && strings.TrimSpace(b.String()) != "" {
				found = true
				switch {
				case particles && r == 'ハ':
					syl = "wa"
				case particles && r == 'ヘ':
					syl = "e"
				}
			}
		}
		if sokuon {
			sokuon = false
			switch {
			case strings.HasPrefix(syl, "ch"):
				b.WriteByte('t')
			case syl != "" && strings.IndexByte("aiueon", syl[0]) < 0:
				b.WriteByte(syl[0])
			}
		}
		b.WriteString(syl)
		prev = syl
	}
	if !any {
		return "", false
	}
	return b.String(), found
}

// isKana reports whether r is a katakana letter of kanaRomaji or an iteration mark.
func isKana(r rune) bool {
	return r >= 'ァ' && r <= 'ヺ' || r == 'ヽ' || r == 'ヾ'
}

// combine spells the kana r (romanised syl) with the small kana after it, as in キャ → kya,
// シェ → she, ファ → fa, ティ → ti, ウィ → wi, クァ → kwa.
func combine(r rune, syl string, next rune) (string, bool) {
	var v string
	switch next {
	case 'ャ':
		v = "a"
	case 'ュ':
		v = "u"
	case 'ョ':
		v = "o"
	case 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ':
		v = kanaRomaji[next-'ァ']
		switch r {
		case 'ウ':
			return "w" + v, true
		case 'イ':
			return "y" + v, true
		case 'ク', 'グ':
			return syl[:1] + "w" + v, true
		}
		if syl == "" || len(syl) < 2 || r == 'ン' {
			return "", false
		}
		return syl[:len(syl)-1] + v, true
	default:
		return "", false
	}
	// ャ ュ ョ: after a consonant, y and the vowel; sh, ch and j take the vowel alone.
	if len(syl) < 2 || r == 'ン' || r == 'ッ' {
		return "", false
	}
	c := syl[:len(syl)-1]
	if strings.HasSuffix(c, "sh") || strings.HasSuffix(c, "ch") || c == "j" {
		return c + v, true
	}
	return c + "y" + v, true
}

// voiced is the syllable syl with its consonant voiced, for ヾ: ka → ga, shi → ji, ha → ba.
func voiced(syl string) string {
	for _, p := range [...][2]string{
		{"k", "g"}, {"sh", "j"}, {"s", "z"}, {"ch", "j"}, {"ts", "z"}, {"t", "d"}, {"h", "b"}, {"f", "b"},
	} {
		if strings.HasPrefix(syl, p[0]) {
			return p[1] + syl[len(p[0]):]
		}
	}
	return syl
}

// lengthen puts a macron on the vowel b ends with, for ー; after anything else ー is dropped.
func lengthen(b *strings.Builder) {
	s := b.String()
	if s == "" {
		return
	}
	i := strings.IndexByte("aiueo", s[len(s)-1])
	if i < 0 {
		return
	}
	t := s[:len(s)-1] + string([]rune("āīūēō")[i])
	b.Reset()
	b.WriteString(t)
}
