package store

import (
	"slices"
	"testing"
)

// cut slices keys by rune, in any script, and lists each trigram once.
func TestCut(t *testing.T) {
	for _, tt := range []struct {
		key  string
		step int
		want []string
	}{
		{"", 1, nil},
		{"ab", 1, nil},
		{"abc", 1, []string{"abc"}},
		{"abcde", 1, []string{"abc", "bcd", "cde"}},
		{"abcdefg", 3, []string{"abc", "def"}},
		{"aaaaa", 1, []string{"aaa"}},
		{"めもりーず", 1, []string{"めもり", "もりー", "りーず"}},
		{"大友克洋x", 3, []string{"大友克"}},
		{"é1😀ab", 1, []string{"é1😀", "1😀a", "😀ab"}},
	} {
		if got := cut(tt.key, tt.step); !slices.Equal(got, tt.want) {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.key, tt.step, got, tt.want)
		}
	}
}
