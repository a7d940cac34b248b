package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"kioku/internal/store"
)

// atomFeed is an Atom 1.0 document (RFC 4287), as much of it as a list of changes needs.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Author  atomAuthor `xml:"author"`
	Link    atomLink   `xml:"link"`
	Summary string     `xml:"summary"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

// siteURL is the scheme and host the request came to, for the absolute addresses a feed needs.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// writeFeed writes changesets as an Atom feed. self and alternate are site-relative addresses
// of the feed and of the page it mirrors.
func writeFeed(w http.ResponseWriter, r *http.Request, title, self, alternate string, list []store.Changeset) error {
	base := siteURL(r)
	updated := time.Unix(0, 0).UTC()
	for _, cs := range list {
		if t := latest(cs); t.After(updated) {
			updated = t
		}
	}
	feed := atomFeed{Title: title, ID: base + self, Updated: updated.Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Href: base + self}, {Rel: "alternate", Href: base + alternate}}}
	for _, cs := range list {
		names := make([]string, len(cs.Entities))
		for i, e := range cs.Entities {
			names[i] = e.Name
		}
		state := cs.Status
		if cs.Status == store.StatusRejected && cs.Reason != "" {
			state += ": " + cs.Reason
		}
		feed.Entries = append(feed.Entries, atomEntry{
			Title:   fmt.Sprintf("%s (%s)", cs.Summary, strings.Join(names, ", ")),
			ID:      base + changesetPath(cs.ID),
			Updated: latest(cs).Format(time.RFC3339),
			Author:  atomAuthor{Name: cs.AuthorName},
			Link:    atomLink{Href: base + changesetPath(cs.ID)},
			Summary: fmt.Sprintf("Edit #%d by %s, %s.", cs.ID, cs.AuthorName, state),
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if _, err := w.Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(feed)
}

// latest is when a changeset last changed: its review, or else its saving.
func latest(cs store.Changeset) time.Time {
	if cs.ReviewedAt != nil {
		return cs.ReviewedAt.UTC()
	}
	return cs.CreatedAt.UTC()
}
