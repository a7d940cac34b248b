package web

import (
	"slices"
	"strings"

	"kioku/internal/wiki"
)

// contextWords is how many unchanged words a diff shows on each side of a change.
const contextWords = 8

// changeRow is one row of a table of changes: the change, and when one text became another,
// the words that changed between them, long unchanged stretches shortened.
type changeRow struct {
	wiki.Change
	Words []wiki.Segment
}

// changeRows prepares changes for a table of changes. A field or list item changed from one
// text to another that shares words with it gets a word diff, so that one changed word of a long
// description shows as that word and not as the whole text twice. Texts with nothing in common,
// such as a rating changed from PG to R, keep their before and after columns.
func changeRows(changes []wiki.Change) []changeRow {
	rows := make([]changeRow, len(changes))
	for i, c := range changes {
		rows[i].Change = c
		if c.Op != wiki.Changed || c.Old == "" || c.New == "" {
			continue
		}
		words := wiki.WordDiff(c.Old, c.New)
		if slices.ContainsFunc(words, func(s wiki.Segment) bool {
			return s.Op == wiki.Equal && strings.TrimSpace(s.Text) != ""
		}) {
			rows[i].Words = wiki.Condense(words, contextWords)
		}
	}
	return rows
}
