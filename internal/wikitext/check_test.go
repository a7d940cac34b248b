package wikitext

import (
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	ok := []struct{ name, src string }{
		{"plain", "Three short films, each by a different director."},
		{"links and parentheses", "See [the site](https://example.org/a_(b)) and [[Katsuhiro Otomo]] (director)."},
		{"nested list", "- a\n  - b\n    - c\n"},
		{"quotes at the limit", strings.Repeat("> ", MaxNesting) + "deep\n"},
		{"many closed links", strings.Repeat("[a](b) ", 5000)},
		{"open brackets closed by paragraphs", strings.Repeat("[a](\n\n", 5000)},
		{"less-than signs", strings.Repeat("a < b ", 5000)},
		{"escaped brackets", strings.Repeat(`\[`, 5000)},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			if err := Check(tc.src); err != nil {
				t.Errorf("Check = %v, want nil", err)
			}
		})
	}
	deep := []struct{ name, src string }{
		{"quotes", strings.Repeat("> ", 1000) + "x"},
		{"ordered lists", strings.Repeat("1. ", 1000) + "x"},
		{"mixed containers", strings.Repeat("> - 1) ", 100)},
		{"unclosed link destinations", strings.Repeat("[](", 1000)},
		{"unclosed brackets", strings.Repeat("[", 1000)},
		{"unclosed angle destinations", strings.Repeat("[a](<x)", 1000)},
	}
	for _, tc := range deep {
		t.Run(tc.name, func(t *testing.T) {
			if err := Check(tc.src); err != ErrTooDeep {
				t.Errorf("Check = %v, want %v", err, ErrTooDeep)
			}
		})
	}
}

// FuzzCheck checks that Check never panics, and that a text it accepts renders in about the
// time of a real description of the same size, even at the longest a description may be: the
// fuzzed text is repeated up to 64 KB (wiki.MaxText characters of ASCII), as someone trying to
// slow the site down would do. The budget is fifty times the time of benchSource's text, so
// that a slow or loaded machine does not fail it while work that grows with the square of the
// size (seconds, where a description takes milliseconds) does.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Three short films, each by a different director.",
		"[a](b) ", "[a](\n\n", "a < b ", `\[`, "> - 1) ", "[](", "[", "[a](<x)", "***a**b*",
		"- a\n  - b\n    - c\n", strings.Repeat("> ", MaxNesting) + "deep\n", "`` ` ``[[x]]",
		"[[a|b]]]](", "*_*_*_", "1. 2. 3. 4. 5. ", "\t>\t>\t>", "<https://a.example/(((>",
		"\xff[\x00(", "[x]: <y\n\n[x]", "[a]: b\n[a]\n",
	} {
		f.Add(s)
	}
	r := New()
	const size = 64_000
	base := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		r.Render(benchSource(size), nil)
		base = min(base, time.Since(start))
	}
	budget := 50*base + 100*time.Millisecond
	f.Fuzz(func(t *testing.T, unit string) {
		if unit == "" || len(unit) > maxFuzzText {
			return
		}
		if Check(unit) != nil {
			return
		}
		src := strings.Repeat(unit, max(1, size/len(unit)))
		if Check(src) != nil {
			return
		}
		start := time.Now()
		r.Render(src, nil)
		if d := time.Since(start); d > budget {
			t.Errorf("Render of %d bytes that Check accepts took %v, more than %v; the repeated unit is %q", len(src), d, budget, unit)
		}
	})
}
