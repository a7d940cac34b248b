package auth_test

import (
	"testing"

	"kioku/internal/auth"
)

func TestNameKey(t *testing.T) {
	same := [][]string{
		{"demo", "Demo", "DEMO", "ｄｅｍｏ", "dеmo" /* Cyrillic е */, " demo ", "ⅾemo"},
		{"Jos\u00e9", "Jose\u0301"},
		{"paypal", "pаypаl" /* Cyrillic а */, "PAYPAL"},
		{"Ann Lee", "ann  lee"},
		{"ℌello", "Hello"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			if auth.NameKey(n) != auth.NameKey(names[0]) {
				t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q: want them equal", n, auth.NameKey(n), names[0], auth.NameKey(names[0]))
			}
		}
	}
	differ := [][2]string{{"demo", "demos"}, {"ann", "anne"}, {"山田", "山口"}, {"Ann Lee", "AnnLee"}}
	for _, p := range differ {
		if auth.NameKey(p[0]) == auth.NameKey(p[1]) {
			t.Errorf("NameKey(%q) = NameKey(%q) = %q: want them different", p[0], p[1], auth.NameKey(p[0]))
		}
	}
}
