package wikitext

import (
	"strings"
	"testing"
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
