package search

import "testing"

func TestKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"ＭＥＭＯＲＩＥＳ", "memories"},
		{"めもりーず", "メモリーズ"},
		{"ﾒﾓﾘｰｽﾞ", "メモリーズ"},
		{"機動戦士ガンダム 逆襲のシャア", "機動戦士ガンダム『逆襲のシャア』"},
		{"Cowboy Bebop: Tengoku no Tobira", "cowboy bebop tengoku no tobira"},
		{"ONE PIECE", "One Piece!"},
	}
	for _, tt := range tests {
		if Key(tt.a) != Key(tt.b) {
			t.Errorf("Key(%q) = %q, Key(%q) = %q; want them equal", tt.a, Key(tt.a), tt.b, Key(tt.b))
		}
	}
	different := []struct{ a, b string }{
		{"鉄腕アトム", "鉄腕アトム2"},
		{"メモリーズ", "メモリズ"},
	}
	for _, tt := range different {
		if Key(tt.a) == Key(tt.b) {
			t.Errorf("Key(%q) = Key(%q) = %q; want them different", tt.a, tt.b, Key(tt.a))
		}
	}
}
