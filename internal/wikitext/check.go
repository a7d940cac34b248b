package wikitext

import (
	"errors"
	"strings"
)

// MaxNesting is how deeply quotes, lists, brackets and parentheses may nest in wiki text.
// Real descriptions stay far below it; the Markdown parser's cost grows with the square of
// the nesting, so unbounded nesting would let one edit cost seconds of rendering.
const MaxNesting = 16

// ErrTooDeep is returned by Check for text nested deeper than MaxNesting.
var ErrTooDeep = errors.New("is nested too deeply (quotes, lists, brackets or parentheses)")

// Check reports whether src stays within the shapes the renderer handles in linear time.
// It is cheap (one pass) and meant for validation before a text is saved.
func Check(src string) error {
	for line := range strings.Lines(src) {
		if containerDepth(line) > MaxNesting {
			return ErrTooDeep
		}
	}
	// Unclosed brackets and parentheses make the link parser look ahead again and again.
	var square, round, angle int
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '[':
			square++
		case ']':
			square = max(square-1, 0)
		case '(':
			round++
		case ')':
			round = max(round-1, 0)
		case '<':
			// Only "](<" opens a link destination that runs to the next '>'.
			if i >= 2 && src[i-2:i] == "](" {
				angle++
			}
		case '>':
			angle = max(angle-1, 0)
		case '\n':
			// A blank line ends a paragraph, and with it every open link.
			if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') {
				square, round, angle = 0, 0, 0
			}
		}
		if square > MaxNesting || round > MaxNesting || angle > MaxNesting {
			return ErrTooDeep
		}
	}
	return nil
}

// containerDepth counts the block quote and list markers that open a line.
func containerDepth(line string) int {
	depth := 0
	for {
		line = strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(line, ">"):
			line = line[1:]
		case len(line) > 1 && strings.ContainsRune("-*+", rune(line[0])) && (line[1] == ' ' || line[1] == '\t'):
			line = line[2:]
		default:
			n := 0
			for n < len(line) && n < 9 && line[n] >= '0' && line[n] <= '9' {
				n++
			}
			if n == 0 || n+1 >= len(line) || (line[n] != '.' && line[n] != ')') || (line[n+1] != ' ' && line[n+1] != '\t') {
				return depth
			}
			line = line[n+2:]
		}
		depth++
	}
}
