package search

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRomaji(t *testing.T) {
	tests := []struct{ in, want string }{
		{"かのじょのおもいで", "kanojonoomoide"},
		{"おおとも かつひろ", "ootomo katsuhiro"},
		{"しんせいき えゔぁんげりおん", "shinseiki evangerion"},
		{"とうきょう", "toukyou"},
		{"ちはやふる", "chihayafuru"},
		{"じゅじゅつかいせん", "jujutsukaisen"},
		{"メモリーズ", "memorīzu"},
		{"カウボーイ・ビバップ", "kaubōi bibappu"},
		{"まっちゃ", "matcha"},
		{"けっか", "kekka"},
		{"しんいち", "shin'ichi"},
		{"こんやく", "kon'yaku"},
		{"しんぶん", "shinbun"},
		{"ファンタジー", "fantajī"},
		{"パーティー", "pātī"},
		{"ウィッチ", "witchi"},
		{"ヴァイオレット", "vaioretto"},
		{"ディズニー", "dizunī"},
		{"トゥーランドット", "tūrandotto"},
		{"シェフ", "shefu"},
		{"チェンソーマン", "chensōman"},
		{"ぢゃ づ", "ja zu"},
		{"ｶﾞﾝﾀﾞﾑ", "gandamu"},
		{"いすゞ", "isuzu"},
		{"ぼくは ともだちが すくない", "bokuha tomodachiga sukunai"},
		{"きみ を わすれない", "kimi o wasurenai"},
		{"ラブライブ! サンシャイン!!", "raburaibu sanshain"},
		{"  けいおん！  ", "keion"},
		{"にじゅう2", "nijuu2"},
		{"っ", ""},
		{"", ""},
		{"!!", ""},
		{"進撃の巨人", ""},
		{"ドラゴンボールZ", ""},
	}
	for _, tt := range tests {
		if got := Romaji(tt.in); got != tt.want {
			t.Errorf("Romaji(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRomajiFoldsLikeLatin(t *testing.T) {
	tests := []struct {
		kana  string
		latin []string
	}{
		{"かのじょのおもいで", []string{"Kanojo no Omoide"}},
		{"おおとも かつひろ", []string{"Otomo Katsuhiro", "Ōtomo Katsuhiro", "Ohtomo Katsuhiro"}},
		{"とうきょう ぐーる", []string{"Tokyo Guuru", "Tōkyō Gūru"}},
		{"しんげきのきょじん", []string{"Shingeki no Kyojin"}},
		{"ちゅうにびょうでもこいがしたい", []string{"Chūnibyō demo Koi ga Shitai!"}},
		{"すずみやはるひのゆううつ", []string{"Suzumiya Haruhi no Yuuutsu", "Suzumiya Haruhi no Yūutsu"}},
		{"しんいち", []string{"Shin'ichi", "Shinichi"}},
		{"メモリーズ", []string{"Memoriizu", "Memorizu"}},
	}
	for _, tt := range tests {
		k := Fold(Romaji(tt.kana))
		for _, l := range tt.latin {
			if Fold(l) != k {
				t.Errorf("Fold(Romaji(%q)) = %q, Fold(%q) = %q; want them equal", tt.kana, k, l, Fold(l))
			}
		}
	}
}

func TestRomajiVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ぼく は ともだち が すくない", []string{"boku ha tomodachi ga sukunai", "boku wa tomodachi ga sukunai"}},
		{"ちひろ の かみかくし", []string{"chihiro no kamikakushi"}},
		{"きみ へ", []string{"kimi he", "kimi e"}},
		{"は", []string{"ha"}},
		{"はな", []string{"hana"}},
		{"漢字", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, RomajiVariants(tt.in)); diff != "" {
			t.Errorf("RomajiVariants(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}
