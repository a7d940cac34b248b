package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words is the folded keys of the words of s, split on whitespace and punctuation, with empty
// keys dropped. Text written without spaces (Japanese, Chinese) is one word per run. Fold
// sees the letters of a title joined, so a long vowel may fold across a space ("Kono Uta"
// folds to konota); Words gives keys that a query word can meet on its own.
func Words(s string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(s, wordBreak) {
		if k := Fold(w); k != "" {
			words = append(words, k)
		}
	}
	return words
}

// wordBreak reports whether r separates words. Apostrophes do not (Shin'ichi, Kino's), nor
// do modifier symbols such as ゛.
func wordBreak(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ':
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) ||
		unicode.IsSymbol(r) && !unicode.Is(unicode.Sk, r)
}

// Typos is the number of typos a search tolerates in the folded query word: none under 5
// runes, one for 5 to 8, two for 9 or more.
func Typos(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n < 5:
		return 0
	case n < 9:
		return 1
	default:
		return 2
	}
}

// Distance is the least edit distance, over runes, between query and any substring of key:
// insertions, deletions, substitutions and transpositions of adjacent runes count one each
// (optimal string alignment). It reports false when that distance is above max. The work is
// proportional to the product of the lengths, and it stops at the first exact occurrence.
func Distance(key, query string, max int) (int, bool) {
	if max < 0 {
		return 0, false
	}
	var qa [64]rune
	q := qa[:0]
	for _, r := range query {
		q = append(q, r)
	}
	if len(q) > max+utf8.RuneCountInString(key) {
		return 0, false // even the whole key is too far
	}
	d, _, _ := sellers(key, q, max, false)
	if d > max {
		return 0, false
	}
	return d, true
}

// sellers runs Sellers' algorithm, the edit distance matrix of q against key with a free
// start anywhere in key, over runes. It returns the least distance found (at most max+1) and
// the rune range [start, end) of key where that best match lies; start is tracked only when
// starts is set. Rows come from the stack for queries of up to 64 runes.
func sellers(key string, q []rune, max int, starts bool) (best, start, end int) {
	m := len(q)
	var buf [6][65]int32
	var rows [6][]int32
	var big []int32 // one allocation for long queries
	if m >= len(buf[0]) {
		big = make([]int32, 6*(m+1))
	}
	for i := range rows {
		if big != nil {
			rows[i] = big[i*(m+1) : (i+1)*(m+1)]
		} else {
			rows[i] = buf[i][:m+1]
		}
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	sprev2, sprev, scur := rows[3], rows[4], rows[5]
	for j := range prev {
		prev[j] = int32(j)
	}
	best, start, end = m, 0, 0
	var pk rune // the key rune before k
	i := 0
	for _, k := range key {
		i++
		cur[0], scur[0] = 0, int32(i)
		for j := 1; j <= m; j++ {
			v, s := prev[j-1], sprev[j-1] // k for q[j-1]
			if k != q[j-1] {
				v++
			}
			if prev[j]+1 < v { // k is extra
				v, s = prev[j]+1, sprev[j]
			}
			if cur[j-1]+1 < v { // q[j-1] is missing
				v, s = cur[j-1]+1, scur[j-1]
			}
			if i >= 2 && j >= 2 && k == q[j-2] && pk == q[j-1] && prev2[j-2]+1 < v {
				v, s = prev2[j-2]+1, sprev2[j-2]
			}
			cur[j] = v
			if starts {
				scur[j] = s
			}
		}
		if d := int(cur[m]); d < best || starts && d == best && closer(i-int(scur[m]), end-start, m) {
			// Of equally close matches, the one nearest the query's length is the best.
			best, start, end = d, int(scur[m]), i
			if d == 0 {
				break
			}
		}
		pk = k
		prev2, prev, cur = prev, cur, prev2
		sprev2, sprev, scur = sprev, scur, sprev2
	}
	if best > max {
		best = max + 1
	}
	if !starts {
		start = 0
	}
	return best, start, end
}

// closer reports whether a match of length a is nearer the query length m than one of length b.
func closer(a, b, m int) bool {
	return abs(a-m) < abs(b-m)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// A Part is a piece of a text that Highlight split; Match marks the piece that matched.
type Part struct {
	Text  string
	Match bool
}

// maxApprox bounds the folded query length for which Highlight looks for approximate matches,
// to bound its work on long inputs; longer queries are matched exactly only.
const maxApprox = 64

// Highlight splits text, a title as written, into parts so that the part whose Fold best
// matches Fold(query) is marked: an exact occurrence of the folded query first, else the
// closest approximate one within Typos of it. When nothing matches, it returns the whole text
// as one unmarked part. The Text of the parts, concatenated, is always text.
func Highlight(text, query string) []Part {
	whole := []Part{{Text: text}}
	fq := Fold(query)
	if fq == "" {
		return whole
	}
	key, offs := foldOffsets(text)
	ks := string(key)
	start, end := -1, -1
	if i := strings.Index(ks, fq); i >= 0 {
		start = utf8.RuneCountInString(ks[:i])
		end = start + utf8.RuneCountInString(fq)
	} else if max := Typos(fq); max > 0 && len(key) > 0 {
		q := []rune(fq)
		if len(q) <= maxApprox {
			if d, s, e := sellers(ks, q, max, true); d <= max && s < e {
				start, end = s, e
			}
		}
	}
	if start < 0 {
		return whole
	}
	a, b := offs[start].start, offs[end-1].end
	var parts []Part
	if a > 0 {
		parts = append(parts, Part{Text: text[:a]})
	}
	parts = append(parts, Part{Text: text[a:b], Match: true})
	if b < len(text) {
		parts = append(parts, Part{Text: text[b:]})
	}
	return parts
}
