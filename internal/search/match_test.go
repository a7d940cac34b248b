package search

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Kono Oto Tomare!", []string{"kono", "oto", "tomare"}},
		{"Kono Uta", []string{"kono", "uta"}},
		{"Re:Zero kara Hajimeru Isekai Seikatsu", []string{"re", "zero", "kara", "hazimeru", "isekai", "seikatu"}},
		{"Shin'ichi's Tōkyō", []string{"sinitis", "tokyo"}},
		{"機動戦士ガンダム 逆襲のシャア", []string{"机动戦士ガンダム", "逆袭ノシャア"}},
		{"Ｆａｔｅ／ｓｔａｙ　ｎｉｇｈｔ", []string{"fate", "stay", "night"}},
		{"ヴァイオレット・エヴァーガーデン", []string{"バイオレット", "エバガデン"}},
		{" - !! ", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Words(tt.in)); diff != "" {
			t.Errorf("Words(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTypos(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"", 0}, {"lain", 0}, {"naruto", 1}, {"ナルト", 0}, {"evangelion", 2}, {"tokyoghol", 2}, {"monogatar", 2}, {"bebop", 1},
	}
	for _, tt := range tests {
		if got := Typos(tt.word); got != tt.want {
			t.Errorf("Typos(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		key, query string
		max, want  int
		ok         bool
	}{
		{"singekinokyozin", "kyozin", 0, 0, true},
		{"singekinokyozin", "kyoizn", 1, 1, true}, // transposition
		{"singekinokyozin", "kyozn", 1, 1, true},  // deletion
		{"singekinokyozin", "kyozinn", 1, 1, true},
		{"singekinokyozin", "kxozin", 1, 1, true},
		{"singekinokyozin", "kiozn", 1, 0, false},
		{"singekinokyozin", "kiozn", 2, 2, true},
		{"evangerion", "evangelion", 2, 1, true},
		{"魔法少女まどかマギカ", "まどか", 0, 0, true},
		{"魔法少女まどかマギカ", "まろか", 1, 1, true},
		{"", "abc", 3, 3, true},
		{"", "abc", 2, 0, false},
		{"abc", "", 0, 0, true},
		{"abc", "abc", -1, 0, false},
		{"ab", "ba", 1, 1, true},
		{"ca", "abc", 2, 2, true},
		{strings.Repeat("ab", 100), strings.Repeat("ab", 40) + "x", 1, 1, true},
	}
	for _, tt := range tests {
		got, ok := Distance(tt.key, tt.query, tt.max)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Distance(%q, %q, %d) = %d, %v; want %d, %v", tt.key, tt.query, tt.max, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text, query string
		want        []Part
	}{
		{"Shingeki no Kyojin", "kyojin", []Part{{"Shingeki no ", false}, {"Kyojin", true}}},
		{"Tōkyō Ghoul", "tokyo", []Part{{"Tōkyō", true}, {" Ghoul", false}}},
		{"Toukyou Ghoul", "Tōkyō", []Part{{"Toukyou", true}, {" Ghoul", false}}},
		{"進撃の巨人", "しんげき", []Part{{"進撃の巨人", false}}},
		{"しんげきのきょじん", "キョジン", []Part{{"しんげきの", false}, {"きょじん", true}}},
		{"メモリーズ", "めもりず", []Part{{"メモリーズ", true}}},
		{"魔法少女小圓", "小圆", []Part{{"魔法少女", false}, {"小圓", true}}},
		{"Neon Genesis Evangelion", "evangerion", []Part{{"Neon Genesis ", false}, {"Evangelion", true}}},
		{"Neon Genesis Evangelion", "evagnelion", []Part{{"Neon Genesis ", false}, {"Evangelion", true}}},
		{"Cowboy Bebop", "bebpo", []Part{{"Cowboy ", false}, {"Bebop", true}}},
		{"Cowboy Bebop", "lain", []Part{{"Cowboy Bebop", false}}},
		{"Cowboy Bebop", "", []Part{{"Cowboy Bebop", false}}},
		{"Ｆａｔｅ／ｓｔａｙ ｎｉｇｈｔ", "stay night", []Part{{"Ｆａｔｅ／", false}, {"ｓｔａｙ ｎｉｇｈｔ", true}}},
		{"Straße", "ss", []Part{{"Stra", false}, {"ß", true}, {"e", false}}},
		{"", "abc", []Part{{"", false}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Highlight(tt.text, tt.query)); diff != "" {
			t.Errorf("Highlight(%q, %q) mismatch (-want +got):\n%s", tt.text, tt.query, diff)
		}
	}
}

func TestHighlightLong(t *testing.T) {
	text := strings.Repeat("あ\x00\xff\xed\xa0\x80Tōkyō ", 1000)
	query := strings.Repeat("tokyp", 2000)
	for _, q := range []string{query, "tokyp", query[:60], "\xed\xa0\x80"} {
		parts := Highlight(text, q)
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		if b.String() != text {
			t.Errorf("Highlight(long, %.20q...) parts do not give back the text", q)
		}
	}
}

func BenchmarkDistance(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Distance("singekinokyozinthefinalseason", "kyoizn", 1)
	}
}

func BenchmarkHighlight(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Highlight("Shingeki no Kyojin: The Final Season", "kyoizn")
	}
}
