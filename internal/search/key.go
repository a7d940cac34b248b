// Package search normalises titles and names so that spellings of one title meet: the same
// key for full-width and half-width forms, upper and lower case, hiragana and katakana,
// punctuation and spacing. Importers match records with it; the search index uses it too.
package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Key is the form of s that spellings of one title share: NFKC (which folds full-width Latin
// letters and half-width kana), lower case, hiragana written as katakana, and only letters and
// digits kept, so that spaces, punctuation and symbols make no difference.
func Key(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'ぁ' && r <= 'ゖ':
			b.WriteRune(r + ('ァ' - 'ぁ'))
		case r == 'ー' || r == 'ヽ' || r == 'ヾ' || r == 'ゝ' || r == 'ゞ':
			// Marks of length and repetition are letters of a word, not punctuation.
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
