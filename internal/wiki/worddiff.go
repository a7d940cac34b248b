package wiki

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Equal marks a stretch of text that a word diff finds on both sides.
const Equal Op = "equal"

// Skipped marks the middle of a long unchanged stretch that Condense left out.
const Skipped Op = "skipped"

// Segment is a stretch of text that a word diff keeps (Equal), adds (Added) or removes (Removed).
type Segment struct {
	Op   Op
	Text string
}

// The bounds of a word diff. Within them a diff of two texts of 64,000 characters takes a few
// milliseconds and a few megabytes; beyond them WordDiff compares lines instead, and beyond
// those it replaces the changed middle whole.
const (
	// maxEdits is the most insertions and deletions the comparison looks for. Its trace keeps
	// about maxEdits²/2 positions of four bytes.
	maxEdits = 800
	// maxWork is the most steps the comparison takes, snakes included.
	maxWork = 1_000_000
)

// WordDiff compares two texts word by word and returns the segments that turn a into b: the
// Equal and Removed segments join back into a, the Equal and Added ones into b. Words, runs of
// spaces and runs of punctuation are tokens of their own; so is each Han, kana and Hangul
// character, since Japanese and Chinese put no spaces between words. Within a change the
// removed text comes before the added text.
func WordDiff(a, b string) []Segment {
	if a == b {
		if a == "" {
			return nil
		}
		return []Segment{{Equal, a}}
	}
	if segs, ok := diffTokens(tokenize(a), tokenize(b)); ok {
		return segs
	}
	// When even the lines differ too much, diffTokens keeps the lines the texts start and end
	// with and replaces the rest whole.
	segs, _ := diffTokens(lines(a), lines(b))
	return segs
}

// diffTokens compares two token lists. Beyond the bounds it returns, with ok false, the
// tokens both lists start and end with around a replacement of the rest.
func diffTokens(a, b []string) (segs []Segment, ok bool) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var s segmenter
	s.add(Equal, a[:pre])
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) == 0 || len(mb) == 0 || (len(ma) == 1 && len(mb) == 1) {
		s.add(Removed, ma)
		s.add(Added, mb)
		ok = true
	} else {
		ia, ib := intern(ma, mb)
		script, found := myers(ia, ib)
		if !found {
			script = []edit{{Removed, len(ma)}, {Added, len(mb)}}
		}
		ok = found
		x, y := 0, 0
		for _, e := range script {
			switch e.op {
			case Equal:
				s.add(Equal, ma[x:x+e.n])
				x += e.n
				y += e.n
			case Removed:
				s.add(Removed, ma[x:x+e.n])
				x += e.n
			case Added:
				s.add(Added, mb[y:y+e.n])
				y += e.n
			}
		}
	}
	s.add(Equal, a[len(a)-suf:])
	return s.done(), ok
}

// edit is a run of one operation over n tokens.
type edit struct {
	op Op
	n  int
}

// myers finds a shortest edit script from a to b with Myers's O(ND) algorithm, keeping the
// furthest point of every diagonal at every step to trace the path back. It gives up, with ok
// false, beyond maxEdits edits or maxWork steps.
func myers(a, b []int32) (script []edit, ok bool) {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int32, 2*limit+3)
	var trace [][]int32 // trace[d][i] is the furthest x on diagonal -d+2i after d edits
	work := 0
	for d := 0; d <= limit; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			start := x
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			work += 1 + x - start
			v[off+k] = int32(x)
			if x >= n && y >= m {
				trace = append(trace, snapshot(v, off, d))
				return backtrack(trace, n, m), true
			}
		}
		if work > maxWork {
			return nil, false
		}
		trace = append(trace, snapshot(v, off, d))
	}
	return nil, false
}

func snapshot(v []int32, off, d int) []int32 {
	s := make([]int32, d+1)
	for i := range s {
		s[i] = v[off-d+2*i]
	}
	return s
}

// backtrack walks the trace from the end of both lists to their start and returns the edits
// in order.
func backtrack(trace [][]int32, n, m int) []edit {
	at := func(d, k int) int { return int(trace[d][(k+d)/2]) }
	var rev []edit
	push := func(op Op, count int) {
		if count == 0 {
			return
		}
		if len(rev) > 0 && rev[len(rev)-1].op == op {
			rev[len(rev)-1].n += count
			return
		}
		rev = append(rev, edit{op, count})
	}
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		k := x - y
		var prevK int
		if k == -d || (k != d && at(d-1, k-1) < at(d-1, k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		px := at(d-1, prevK)
		py := px - prevK
		midX := px
		if prevK == k-1 {
			midX = px + 1
		}
		push(Equal, x-midX)
		if prevK == k+1 {
			push(Added, 1)
		} else {
			push(Removed, 1)
		}
		x, y = px, py
	}
	push(Equal, x)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// intern numbers the tokens so that the comparison compares integers.
func intern(a, b []string) ([]int32, []int32) {
	ids := make(map[string]int32, len(a))
	number := func(list []string) []int32 {
		out := make([]int32, len(list))
		for i, t := range list {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	return number(a), number(b)
}

// segmenter gathers tokens into segments. Between two unchanged stretches it puts all the
// removed text before all the added text, and it folds a lone run of spaces between two
// changes into both, so that "a b" → "c d" reads as one replacement, not two.
type segmenter struct {
	out            []Segment
	removed, added strings.Builder
	pending        string // spaces seen after a change, not yet known to be between two
}

func (s *segmenter) add(op Op, toks []string) {
	if len(toks) == 0 {
		return
	}
	text := strings.Join(toks, "")
	if op != Equal {
		if s.pending != "" {
			s.removed.WriteString(s.pending)
			s.added.WriteString(s.pending)
			s.pending = ""
		}
		if op == Removed {
			s.removed.WriteString(text)
		} else {
			s.added.WriteString(text)
		}
		return
	}
	if s.pending == "" && s.changed() && len(toks) == 1 && strings.TrimSpace(text) == "" {
		s.pending = text
		return
	}
	s.flush()
	s.append(Equal, text)
}

func (s *segmenter) changed() bool { return s.removed.Len() > 0 || s.added.Len() > 0 }

// flush writes out the change gathered so far and any spaces held back after it.
func (s *segmenter) flush() {
	if s.removed.Len() > 0 {
		s.append(Removed, s.removed.String())
		s.removed.Reset()
	}
	if s.added.Len() > 0 {
		s.append(Added, s.added.String())
		s.added.Reset()
	}
	if s.pending != "" {
		s.append(Equal, s.pending)
		s.pending = ""
	}
}

func (s *segmenter) append(op Op, text string) {
	if n := len(s.out); n > 0 && s.out[n-1].Op == op {
		s.out[n-1].Text += text
		return
	}
	s.out = append(s.out, Segment{op, text})
}

func (s *segmenter) done() []Segment {
	s.flush()
	return s.out
}

// tokenize splits a text into words, runs of spaces, runs of punctuation and single CJK
// characters; the tokens join back into the text.
func tokenize(s string) []string {
	out := make([]string, 0, len(s)/4)
	start, class := 0, 0
	for i, r := range s {
		c := tokenClass(r)
		if i > start && (c != class || c == classCJK) {
			out = append(out, s[start:i])
			start = i
		}
		class = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

const (
	classWord = iota + 1
	classSpace
	classPunct
	classCJK
)

func tokenClass(r rune) int {
	if r < utf8.RuneSelf { // most descriptions are mostly ASCII
		switch {
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9':
			return classWord
		case r == ' ' || '\t' <= r && r <= '\r':
			return classSpace
		}
		return classPunct
	}
	switch {
	case r == utf8.RuneError:
		return classPunct
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r == 'ー' || r == '々':
		return classCJK
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return classWord
	case unicode.IsSpace(r):
		return classSpace
	}
	return classPunct
}

// lines splits a text after each line feed; the lines join back into the text.
func lines(s string) []string {
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// Condense shortens the long unchanged stretches of a word diff for reading: an Equal segment
// of more than 2×words words keeps its first and last words words around a Skipped segment
// holding the rest; the first segment keeps only its end and the last only its start, since
// only the words next to a change give it context.
func Condense(segs []Segment, words int) []Segment {
	var out []Segment
	for i, s := range segs {
		if s.Op != Equal {
			out = append(out, s)
			continue
		}
		toks := tokenize(s.Text)
		head, tail := wordsFrom(toks, words), wordsFrom(reverse(toks), words)
		if i == 0 {
			head = 0
		}
		if i == len(segs)-1 {
			tail = 0
		}
		if head+tail >= len(toks) || len(segs) == 1 {
			out = append(out, s)
			continue
		}
		if head > 0 {
			out = append(out, Segment{Equal, strings.Join(toks[:head], "")})
		}
		out = append(out, Segment{Skipped, strings.Join(toks[head:len(toks)-tail], "")})
		if tail > 0 {
			out = append(out, Segment{Equal, strings.Join(toks[len(toks)-tail:], "")})
		}
	}
	return out
}

// wordsFrom counts the tokens at the start of toks that hold n words, spaces and punctuation
// between them included.
func wordsFrom(toks []string, n int) int {
	seen := 0
	for i, t := range toks {
		r, _ := utf8.DecodeRuneInString(t)
		if c := tokenClass(r); c == classWord || c == classCJK {
			if seen == n {
				return i
			}
			seen++
		}
	}
	return len(toks)
}

func reverse(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[len(toks)-1-i] = t
	}
	return out
}
