package edit

import (
	"fmt"
	"strings"

	"kioku/internal/wiki"
)

// An edit saved without a summary gets one written from what it changed, entity by entity:
// "Memories: deck, credits +1". The summary is a courtesy to the people who read histories; the
// diff is always there for the details.

// maxSummary is the longest edit summary, in characters.
const maxSummary = 500

// describe says what a change to the entity called name did: a new page, or the fields it
// changed and the items it added to and removed from its lists.
func describe(kind wiki.Kind, name string, created bool, changes []wiki.Change) string {
	if created {
		return "new " + strings.ToLower(kind.Label()) + " " + name
	}
	type count struct{ changed, added, removed int }
	var order []string
	counts := map[string]*count{}
	for _, ch := range changes {
		c := counts[ch.Field]
		if c == nil {
			c = &count{}
			counts[ch.Field] = c
			order = append(order, ch.Field)
		}
		switch ch.Op {
		case wiki.Added:
			c.added++
		case wiki.Removed:
			c.removed++
		default:
			c.changed++
		}
	}
	parts := make([]string, 0, len(order))
	for _, field := range order {
		c := counts[field]
		part := strings.ToLower(field)
		if c.added > 0 {
			part += fmt.Sprintf(" +%d", c.added)
		}
		if c.removed > 0 {
			part += fmt.Sprintf(" −%d", c.removed)
		}
		parts = append(parts, part)
	}
	return name + ": " + strings.Join(parts, ", ")
}

// written joins the descriptions of a changeset's changes into its summary, within maxSummary.
func written(descriptions []string) string {
	s := strings.Join(descriptions, "; ")
	if r := []rune(s); len(r) > maxSummary {
		s = string(r[:maxSummary-1]) + "…"
	}
	if s == "" {
		s = "(no summary)"
	}
	return s
}
