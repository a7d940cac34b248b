package web

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestStyleColours reads the style sheet: every colour is a custom property of the light set at
// its top, and each of them is given again for dark pages and for print, so that no colour is
// left as the light one on a dark page (dark text on a dark background) or printed grey.
// Outside those three sets the sheet names no colour of its own.
func TestStyleColours(t *testing.T) {
	raw, err := assets.ReadFile("static/kioku.css")
	if err != nil {
		t.Fatal(err)
	}
	// Comments may name colours in words.
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(raw), "")
	block := func(start string) string {
		i := strings.Index(css, start)
		if i < 0 {
			t.Fatalf("the style sheet has no %q", start)
		}
		// The block ends where its braces balance.
		depth := 0
		for j := i + len(start) - 1; j < len(css); j++ {
			switch css[j] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return css[i : j+1]
				}
			}
		}
		t.Fatalf("%q does not end", start)
		return ""
	}
	light, dark, print := block(":root {"), block("@media (prefers-color-scheme: dark) {"), block("@media print {")
	names := regexp.MustCompile(`(--[a-z-]+):`)
	defined := func(s string) []string {
		var out []string
		for _, m := range names.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	lightNames := defined(light)
	if len(lightNames) < 20 {
		t.Fatalf("the light colours are %q: too few, is the sheet read right?", lightNames)
	}
	for _, set := range []struct{ name, text string }{{"dark", dark}, {"print", print}} {
		got := defined(set.text)
		for _, n := range lightNames {
			if !slices.Contains(got, n) {
				t.Errorf("%s has no %s of its own", set.name, n)
			}
		}
	}
	colour := regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|(?:^|[\s:,])(?:white|black)(?:[\s;,)!]|$)`)
	rest := strings.NewReplacer(light, "", dark, "", print, "").Replace(css)
	for i, line := range strings.Split(rest, "\n") {
		if m := colour.FindString(line); m != "" {
			t.Errorf("line %d of the rest of the sheet names the colour %s; use a custom property: %s", i+1, m, strings.TrimSpace(line))
		}
	}
}
