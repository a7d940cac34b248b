package web

import (
	"slices"
	"strconv"

	"kioku/internal/wiki"
)

// sourceView is one numbered source of a page, as the reader sees it in the list of sources.
type sourceView struct {
	N      int
	Source wiki.Source
	// Fields are the labels of the plain fields the source gave.
	Fields []string
}

// Anchor is the id of the source's entry in the page's list of sources.
func (s sourceView) Anchor() string { return "source-" + strconv.Itoa(s.N) }

// sourceList numbers a document's sources in the order the document lists them.
func sourceList(doc wiki.Document, labels map[string]string) []sourceView {
	var out []sourceView
	for i, s := range wiki.SourcesOf(doc) {
		v := sourceView{N: i + 1, Source: s}
		for _, f := range s.Fields {
			if l, ok := labels[f]; ok {
				v.Fields = append(v.Fields, l)
			} else {
				v.Fields = append(v.Fields, f)
			}
		}
		out = append(out, v)
	}
	return out
}

// sourcesOfField lists the sources that gave a plain field (by its JSON name).
func sourcesOfField(list []sourceView, field string) []sourceView {
	var out []sourceView
	for _, s := range list {
		if slices.Contains(s.Source.Fields, field) {
			out = append(out, s)
		}
	}
	return out
}

// sourceByKey finds the numbered source with a key, for list items that name theirs.
func sourceByKey(list []sourceView, key string) *sourceView {
	if key == "" {
		return nil
	}
	for i := range list {
		if list[i].Source.Key == key {
			return &list[i]
		}
	}
	return nil
}

// cites lists a list item's source for the page's citation marks: none or one.
func cites(s *sourceView) []sourceView {
	if s == nil {
		return nil
	}
	return []sourceView{*s}
}
