package wiki

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sides joins a word diff's segments back into the two texts it compared.
func sides(segs []Segment) (a, b string) {
	var sa, sb strings.Builder
	for _, s := range segs {
		if s.Op != Added {
			sa.WriteString(s.Text)
		}
		if s.Op != Removed {
			sb.WriteString(s.Text)
		}
	}
	return sa.String(), sb.String()
}

// longText is a description of about n characters, made of varied words.
func longText(n int, seed uint64) string {
	words := strings.Fields("the film follows three stories of memory and loss, set in space, " +
		"in a factory town and in a city at war; each segment has its own director, " +
		"composer and designer. 大友克洋 が 製作 した オムニバス 映画 。")
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

func TestWordDiff(t *testing.T) {
	long := strings.Repeat("A quiet story of a ship that answers a distress call. ", 200)
	tests := []struct {
		name string
		a, b string
		want []Segment
	}{
		{"both empty", "", "", nil},
		{"equal", "Magnetic Rose", "Magnetic Rose", []Segment{{Equal, "Magnetic Rose"}}},
		{"added to empty", "", "Stink Bomb", []Segment{{Added, "Stink Bomb"}}},
		{"removed to empty", "Cannon Fodder", "", []Segment{{Removed, "Cannon Fodder"}}},
		{"one word", "a quiet story", "a loud story",
			[]Segment{{Equal, "a "}, {Removed, "quiet"}, {Added, "loud"}, {Equal, " story"}}},
		{"one word in a long text",
			long + "It ends badly. " + long, long + "It ends well. " + long,
			[]Segment{{Equal, long + "It ends "}, {Removed, "badly"}, {Added, "well"}, {Equal, ". " + long}}},
		{"punctuation", "It ends.", "It ends!",
			[]Segment{{Equal, "It ends"}, {Removed, "."}, {Added, "!"}}},
		{"words replaced together", "one two three four", "one six seven four",
			[]Segment{{Equal, "one "}, {Removed, "two three"}, {Added, "six seven"}, {Equal, " four"}}},
		{"insertion", "a story", "a short story",
			[]Segment{{Equal, "a "}, {Added, "short "}, {Equal, "story"}}},
		{"japanese", "大友克洋が製作した映画", "大友克洋が監督した映画",
			[]Segment{{Equal, "大友克洋が"}, {Removed, "製作"}, {Added, "監督"}, {Equal, "した映画"}}},
		{"katakana with a long vowel", "メモリーズ", "メモリーズ２",
			[]Segment{{Equal, "メモリーズ"}, {Added, "２"}}},
		{"hangul", "기억 의 영화", "기억 의 만화",
			[]Segment{{Equal, "기억 의 "}, {Removed, "영"}, {Added, "만"}, {Equal, "화"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WordDiff(tt.a, tt.b)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("WordDiff(%q, %q) (-want +got):\n%s", tt.a, tt.b, diff)
			}
			if a, b := sides(got); a != tt.a || b != tt.b {
				t.Errorf("segments join to %q and %q, want %q and %q", a, b, tt.a, tt.b)
			}
		})
	}
}

// TestWordDiffJoins checks on many random pairs of texts that the segments join back into both
// texts and that no two neighbours share an operation.
func TestWordDiffJoins(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	vocab := []string{"a", "b", "c", " ", ", ", "映", "画", "\n", "bb"}
	text := func() string {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		return b.String()
	}
	for range 2000 {
		a, b := text(), text()
		segs := WordDiff(a, b)
		if ga, gb := sides(segs); ga != a || gb != b {
			t.Fatalf("WordDiff(%q, %q) = %q, joining to %q and %q", a, b, segs, ga, gb)
		}
		for i := 1; i < len(segs); i++ {
			if segs[i].Op == segs[i-1].Op {
				t.Fatalf("WordDiff(%q, %q) = %q: two %s segments in a row", a, b, segs, segs[i].Op)
			}
		}
	}
}

// TestWordDiffBound checks that two long texts with nothing in common cost little: the
// comparison gives up at its bound and falls back to lines, and then to a whole replacement.
func TestWordDiffBound(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"different texts", longText(64000, 1), longText(64000, 2)},
		{"different lines", strings.ReplaceAll(longText(64000, 3), ". ", ".\n"), strings.ReplaceAll(longText(64000, 4), ". ", ".\n")},
		{"one text", "", longText(64000, 5)},
		{"every other word", longText(64000, 6), strings.ReplaceAll(longText(64000, 6), " the ", " a ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			segs := WordDiff(tt.a, tt.b)
			runtime.ReadMemStats(&after)
			if a, b := sides(segs); a != tt.a || b != tt.b {
				t.Fatalf("segments do not join back into the texts")
			}
			// The work is bounded by the diff's caps, which its memory shows; the benchmark
			// measures the time.
			if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 32 {
				t.Errorf("WordDiff allocated %d MB, want at most 32", mb)
			}
		})
	}
}

func TestMyersGivesUp(t *testing.T) {
	a := make([]int32, 5000)
	b := make([]int32, 5000)
	for i := range a {
		a[i], b[i] = int32(i), int32(i+5000)
	}
	if _, ok := myers(a, b); ok {
		t.Errorf("myers found a script of %d edits, beyond its bound of %d", len(a)+len(b), maxEdits)
	}
	if script, ok := myers(a[:400], b[:400]); !ok || len(script) != 2 {
		t.Errorf("myers(800 edits) = %v, %v; want a removal and an addition", script, ok)
	}
}

func BenchmarkWordDiff(b *testing.B) {
	x, y := longText(64000, 1), longText(64000, 2)
	b.ReportAllocs()
	for b.Loop() {
		WordDiff(x, y)
	}
}

func TestCondense(t *testing.T) {
	long := "one two three four five six seven eight nine ten"
	tests := []struct {
		name string
		in   []Segment
		want []Segment
	}{
		{"short stretches stay", []Segment{{Equal, "one two "}, {Removed, "x"}, {Added, "y"}, {Equal, " three"}},
			[]Segment{{Equal, "one two "}, {Removed, "x"}, {Added, "y"}, {Equal, " three"}}},
		{"the start keeps its end", []Segment{{Equal, long + " "}, {Added, "eleven"}},
			[]Segment{{Skipped, "one two three four five six seven"}, {Equal, " eight nine ten "}, {Added, "eleven"}}},
		{"the end keeps its start", []Segment{{Removed, "zero"}, {Equal, " " + long}},
			[]Segment{{Removed, "zero"}, {Equal, " one two three "}, {Skipped, "four five six seven eight nine ten"}}},
		{"the middle keeps both", []Segment{{Removed, "zero"}, {Equal, " " + long + " "}, {Added, "eleven"}},
			[]Segment{{Removed, "zero"}, {Equal, " one two three "}, {Skipped, "four five six seven"}, {Equal, " eight nine ten "}, {Added, "eleven"}}},
		{"japanese counts characters", []Segment{{Equal, "大友克洋が製作した"}, {Added, "映画"}},
			[]Segment{{Skipped, "大友克洋が製"}, {Equal, "作した"}, {Added, "映画"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Condense(tt.in, 3)); diff != "" {
				t.Errorf("Condense (-want +got):\n%s", diff)
			}
		})
	}
}
