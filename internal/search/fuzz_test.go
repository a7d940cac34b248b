package search

import (
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"Tōkyō Ghoul", "Shingeki no Kyojin", "かのじょのおもいで", "ヴァイオレット・エヴァーガーデン",
	"魔法少女小圓", "Ｆａｔｅ／ｓｔａｙ ｎｉｇｈｔ", "ﾒﾓﾘｰｽﾞ", "Straße", "ohwo shhi mmb tchi jji ddya ffu",
	"\x00\xff\xed\xa0\x80", "o\u0304\u0301", "진격의 거인", "ǅ ﬃ Ω",
}

func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Fold(s)
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

func FuzzHighlight(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "tokyo")
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, text, query string) {
		var b strings.Builder
		for _, p := range Highlight(text, query) {
			b.WriteString(p.Text)
		}
		if b.String() != text {
			t.Errorf("Highlight(%q, %q) parts give %q", text, query, b.String())
		}
		k := Fold(text)
		if d, ok := Distance(k, k, 0); d != 0 || !ok {
			t.Errorf("Distance(%q, itself, 0) = %d, %v", k, d, ok)
		}
		Distance(k, Fold(query), Typos(Fold(query)))
	})
}
