package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// maxFuzzText bounds the texts the fuzz targets fold: titles are far shorter, and Search
// refuses a query over MaxQuery characters.
const maxFuzzText = 4 << 10

var fuzzSeeds = []string{
	"Tōkyō Ghoul", "Shingeki no Kyojin", "かのじょのおもいで", "ヴァイオレット・エヴァーガーデン",
	"魔法少女小圓", "Ｆａｔｅ／ｓｔａｙ ｎｉｇｈｔ", "ﾒﾓﾘｰｽﾞ", "Straße", "ohwo shhi mmb tchi jji ddya ffu",
	"\x00\xff\xed\xa0\x80", "o\u0304\u0301", "진격의 거인", "ǅ ﬃ Ω",
}

// FuzzFold checks that Fold is idempotent, that foldOffsets agrees with it and maps each
// folded rune to a range of the input that never goes back, and that a key is at distance
// zero from itself.
func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzText {
			t.Skip("longer than the fuzz bound")
		}
		k := Fold(s)
		if utf8.ValidString(s) && !utf8.ValidString(k) {
			t.Errorf("Fold(%q) = %q, not valid UTF-8", s, k)
		}
		if Fold(k) != k {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q", s, k, k, Fold(k))
		}
		runes, offs := foldOffsets(s)
		if string(runes) != k {
			t.Errorf("foldOffsets(%q) = %q, Fold = %q", s, string(runes), k)
		}
		end := 0
		for _, o := range offs {
			// Runes of one NFKC segment share its range; ranges never go back otherwise.
			if o.start < 0 || o.end < o.start || o.end > len(s) || o.end < end {
				t.Fatalf("foldOffsets(%q): range %v after one ending at %d", s, o, end)
			}
			end = o.end
		}
		if d, ok := Distance(k, k, 0); d != 0 || !ok {
			t.Errorf("Distance(%q, itself, 0) = %d, %v", k, d, ok)
		}
	})
}

// FuzzHighlight checks that Highlight's parts join back to the text, cut it at character
// boundaries, and mark at most one non-empty part; and that Distance stays within what it
// was allowed.
func FuzzHighlight(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "tokyo")
		f.Add(s, s)
	}
	f.Add("Tōkyō Ghoul", "toukyou")
	f.Add("メモリーズ", "memorizu")
	f.Add("Ｆａｔｅ／ｓｔａｙ ｎｉｇｈｔ", "stay nihgt")
	f.Add("ǅ ﬃ Ω", "ﬃ")
	f.Fuzz(func(t *testing.T, text, query string) {
		if len(text) > maxFuzzText || len(query) > maxFuzzText {
			t.Skip("longer than the fuzz bound")
		}
		var b strings.Builder
		parts := Highlight(text, query)
		marked := 0
		for _, p := range parts {
			b.WriteString(p.Text)
			if p.Match {
				marked++
				if p.Text == "" {
					t.Errorf("Highlight(%q, %q) marks an empty part", text, query)
				}
			}
			if utf8.ValidString(text) && !utf8.ValidString(p.Text) {
				t.Errorf("Highlight(%q, %q) cuts a character: part %q", text, query, p.Text)
			}
		}
		if b.String() != text {
			t.Errorf("Highlight(%q, %q) parts give %q", text, query, b.String())
		}
		if marked > 1 || len(parts) > 3 {
			t.Errorf("Highlight(%q, %q) = %d parts, %d marked", text, query, len(parts), marked)
		}
		k := Fold(text)
		if d, ok := Distance(k, k, 0); d != 0 || !ok {
			t.Errorf("Distance(%q, itself, 0) = %d, %v", k, d, ok)
		}
		fq := Fold(query)
		if d, ok := Distance(k, fq, Typos(fq)); ok && (d < 0 || d > Typos(fq)) {
			t.Errorf("Distance(%q, %q, %d) = %d, true", k, fq, Typos(fq), d)
		}
	})
}

// FuzzKeys checks the keys a text is indexed and searched under: Keys, Words, Key, Typos,
// Romaji and the parts of a query Search looks up. Keys and words are never empty and valid
// UTF-8 when the text is; the first key and each word are folded, so Fold leaves them as they
// are. (The second key, the folded words joined, need not be: Fold sees letters across the
// joins that Words kept apart.)
func FuzzKeys(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		"Greed Island", "Kono Uta", "Shin'ichi Kino's", "はへ は へ を", "きょうのわんこ", "っ", "ーー", "んあ",
		"ヴァ ヴィ ゔ", "ティ ファ ㇰ", "かﾞ", "Memories (1995)", "　 ", "\xe3\x81", "ｱｲｳ", "ゟ ヿ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzText {
			t.Skip("longer than the fuzz bound")
		}
		valid := utf8.ValidString(s)
		check := func(what, k string, folded bool) {
			t.Helper()
			if k == "" {
				t.Errorf("%s(%q) holds an empty key", what, s)
			}
			if folded && Fold(k) != k {
				t.Errorf("%s(%q) holds %q, which folds to %q", what, s, k, Fold(k))
			}
			if valid && !utf8.ValidString(k) {
				t.Errorf("%s(%q) holds %q, not valid UTF-8", what, s, k)
			}
		}
		keys := Keys(s)
		if len(keys) > 2 || len(keys) == 2 && keys[0] == keys[1] {
			t.Errorf("Keys(%q) = %q", s, keys)
		}
		for i, k := range keys {
			check("Keys", k, i == 0)
			for _, l := range swapped(k) {
				if utf8.RuneCountInString(l.Key) != utf8.RuneCountInString(k) || l.Mode != Prefix {
					t.Errorf("swapped(%q) holds %+v", k, l)
				}
			}
		}
		words := Words(s)
		for _, w := range words {
			check("Words", w, true)
		}
		if n := len(uniqueWords(s)); n > len(words) {
			t.Errorf("uniqueWords(%q) has %d words, Words %d", s, n, len(words))
		}
		if n := Typos(s); n < 0 || n > 2 || n < Typos(string([]rune(s)[:len([]rune(s))/2])) {
			t.Errorf("Typos(%q) = %d", s, n)
		}
		if k := Key(s); valid && !utf8.ValidString(k) {
			t.Errorf("Key(%q) = %q, not valid UTF-8", s, k)
		}
		r := Romaji(s)
		if valid && !utf8.ValidString(r) {
			t.Errorf("Romaji(%q) = %q, not valid UTF-8", s, r)
		}
		switch v := RomajiVariants(s); {
		case r == "" && v != nil, r != "" && (len(v) == 0 || len(v) > 2 || v[0] != r):
			t.Errorf("Romaji(%q) = %q but RomajiVariants = %q", s, r, v)
		}
	})
}
