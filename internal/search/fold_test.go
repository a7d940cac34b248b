package search

import (
	"testing"
	"unicode/utf8"
)

func TestFoldMeets(t *testing.T) {
	// Each group holds spellings of one title or name that must fold to the same key.
	groups := []struct {
		name  string
		forms []string
		want  string
	}{
		{"Tokyo", []string{"Tōkyō", "Toukyou", "Tokyo", "Tôkyô", "Tookyoo", "TOKYO", "Tohkyoh"}, "tokyo"},
		{"Otomo", []string{"Ōtomo", "Ohtomo", "Otomo", "Ootomo", "Outomo"}, "otomo"},
		{"Kanojo no Omoide", []string{"Kanojo no Omoide", "kanojonoomoide", "Kanozyo no Omoide"}, "kanozyonomoide"},
		{"Shinbun", []string{"Shimbun", "shinbun", "Sinbun"}, "sinbun"},
		{"matcha", []string{"matcha", "maccha", "mattya"}, "mattya"},
		{"Ecchi", []string{"Ecchi", "Etchi", "Etti"}, "etti"},
		{"Shin'ichi", []string{"Shin'ichi", "Shinichi", "Shinnichi", "Sin'iti"}, "siniti"},
		{"Chunibyo", []string{"Chūnibyō", "Chuunibyou", "Tyuunibyou", "Cyunibyo"}, "tyunibyo"},
		{"Jujutsu", []string{"Jujutsu Kaisen", "Zyuzyutu Kaisen", "Jyujutsu Kaisen"}, "zyuzyutukaisen"},
		{"Fushigi Yuugi", []string{"Fushigi Yûgi", "Fushigi Yuugi", "Husigi Yuugi", "Fusigi Yūgi"}, "husigiyugi"},
		{"Tsubasa", []string{"Tsubasa", "Tubasa"}, "tubasa"},
		{"Chihayafuru", []string{"Chihayafuru", "Tihayahuru"}, "tihayahuru"},
		{"Shoujo", []string{"Shōjo", "Shoujo", "Syouzyo", "Shojo"}, "syozyo"},
		{"Kyojin", []string{"Shingeki no Kyojin", "Singeki no Kyozin"}, "singekinokyozin"},
		{"Oniichan", []string{"Onii-chan", "Onīchan", "Onichan"}, "onityan"},
		{"Dzi", []string{"Hanadi", "Hanaji", "Hanazi"}, "hanazi"},
		{"Pokemon", []string{"Pokémon", "POKEMON", "Ｐｏｋéｍｏｎ"}, "pokemon"},
		{"Straße", []string{"Straße", "Strasse"}, "strasse"},
		{"Memories", []string{"メモリーズ", "めもりーず", "メモリズ", "ﾒﾓﾘｰｽﾞ"}, "メモリズ"},
		{"Violet", []string{"ヴァイオレット・エヴァーガーデン", "バイオレット エバーガーデン"}, "バイオレットエバガデン"},
		{"ヶ", []string{"竜ヶ崎", "竜ケ崎", "竜ヶ崎"}, "竜ケ崎"},
		{"ヵ", []string{"一ヵ月", "一カ月", "一か月"}, "一カ月"},
		{"Madoka", []string{"魔法少女小圓", "魔法少女小圆"}, "魔法少女小圆"},
		{"Kimetsu", []string{"鬼滅之刃", "鬼灭之刃"}, "鬼灭之刃"},
		{"Fate", []string{"Ｆａｔｅ／ｓｔａｙ ｎｉｇｈｔ", "Fate/stay night"}, "fatestaynight"},
		{"Attack on Titan (ko)", []string{"진격의 거인", "진격의거인"}, "진격의거인"},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, s := range g.forms {
				if got := Fold(s); got != g.want {
					t.Errorf("Fold(%q) = %q, want %q", s, got, g.want)
				}
			}
		})
	}
}

func TestFoldKeeps(t *testing.T) {
	// Differences that Fold must keep: dakuten and handakuten, ei, digits, small kana.
	tests := []struct{ a, b string }{
		{"ガ", "カ"},
		{"パン", "ハン"},
		{"Sensei", "Sense"},
		{"鉄腕アトム", "鉄腕アトム2"},
		{"キャ", "キヤ"},
		{"Lain", "Rain"},
	}
	for _, tt := range tests {
		if Fold(tt.a) == Fold(tt.b) {
			t.Errorf("Fold(%q) = Fold(%q) = %q; want them different", tt.a, tt.b, Fold(tt.a))
		}
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{
		"Tōkyō", "ohwo", "shhi", "ohhx", "mmmb", "nnn", "tchi", "cchya", "jji", "ddya", "ffu",
		"ヴァヴ", "ゔぁ", "ウ゛ァ", "ß", "Ǆ", "ﬃ", "鬱", "Ω", "ǅ", "oh u", "ouh", "tsutsu",
	} {
		if k := Fold(s); Fold(k) != k {
			t.Errorf("Fold(%q) = %q, but Fold(%q) = %q", s, k, k, Fold(k))
		}
	}
}

func TestFoldOffsets(t *testing.T) {
	tests := []struct {
		in   string
		want []string // the bytes of in that each rune of the key covers
	}{
		{"Tōkyō", []string{"T", "ō", "k", "y", "ō"}},
		{"Toukyou", []string{"T", "ou", "k", "y", "ou"}},
		{"Shin'ichi", []string{"Sh", "i", "n", "i", "ch", "i"}},
		{"メモリーズ!", []string{"メ", "モ", "リー", "ズ"}},
		{"ﾒﾓﾘｰｽﾞ", []string{"ﾒ", "ﾓ", "ﾘｰ", "ｽﾞ"}},
		{"ヴァイ", []string{"ヴァ", "イ"}},
		{"Straße", []string{"S", "t", "r", "a", "ß", "ß", "e"}},
	}
	for _, tt := range tests {
		runes, offs := foldOffsets(tt.in)
		if string(runes) != Fold(tt.in) {
			t.Errorf("foldOffsets(%q) gives %q, Fold gives %q", tt.in, string(runes), Fold(tt.in))
		}
		var got []string
		for _, o := range offs {
			got = append(got, tt.in[o.start:o.end])
		}
		if len(got) != len(tt.want) {
			t.Errorf("foldOffsets(%q) covers %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("foldOffsets(%q) covers %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}

func TestSimplifiedTable(t *testing.T) {
	if len(hansFrom) != len(hansTo) {
		t.Fatalf("%d traditional characters, %d simplified", len(hansFrom), len(hansTo))
	}
	for i := range hansFrom {
		if i > 0 && hansFrom[i-1] >= hansFrom[i] {
			t.Fatalf("hansFrom not in increasing order at %d", i)
		}
		if _, ok := simplified(hansTo[i]); ok {
			t.Errorf("%c → %c, which folds again", hansFrom[i], hansTo[i])
		}
		if !utf8.ValidRune(hansTo[i]) {
			t.Errorf("%#x → invalid %#x", hansFrom[i], hansTo[i])
		}
	}
}

func BenchmarkFold(b *testing.B) {
	for _, bb := range []struct{ name, s string }{
		{"latin", "Shingeki no Kyojin: The Final Season"},
		{"macrons", "Tōkyō Ghoul: Chūnibyō Demo Koi ga"},
		{"kana", "かのじょのおもいで・メモリーズ ヴァイオレット"},
		{"han", "魔法少女小圓 劇場版 叛逆的物語 新編"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(bb.s)
			}
		})
	}
}
