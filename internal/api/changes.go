package api

import (
	"net/http"
	"strconv"
	"time"

	"kioku/internal/store"
)

// FeedChange is one accepted revision in the change feed.
type FeedChange struct {
	// Cursor is the change's place in the feed: pass it as since to list what follows it.
	Cursor    string `json:"cursor"`
	Changeset int64  `json:"changeset"`
	// ChangesetURL is the changeset's address, RevisionURL the revision's with its document.
	ChangesetURL string    `json:"changeset_url"`
	Entity       Ref       `json:"entity"`
	Revision     int       `json:"revision"`
	RevisionURL  string    `json:"revision_url"`
	Time         time.Time `json:"time"`
	Author       string    `json:"author"`
	Summary      string    `json:"summary"`
}

// FeedPage is a page of the change feed.
type FeedPage struct {
	Count int `json:"count"`
	// NextSince is where the next request resumes: the last change's cursor, or the since given
	// when there was nothing new.
	NextSince string       `json:"next_since"`
	Next      string       `json:"next"`
	Results   []FeedChange `json:"results"`
}

// Changes answers /api/v1/changes?since=&limit=: every accepted revision, in the order the store
// committed them (see store/feed.go), after the change whose cursor is since (from the first
// without it). A program keeps next_since and asks again: it sees each revision once, and no
// revision committed after it asked can have come before since. The cursor is the feed number
// as a string, opaque to readers.
func (a *API) Changes(r *http.Request) (reply, error) {
	v := r.URL.Query()
	if err := onlyParams(v, "since", "limit"); err != nil {
		return reply{}, err
	}
	limit, err := parseLimit(v)
	if err != nil {
		return reply{}, err
	}
	var since int64
	if s := v.Get("since"); s != "" {
		since, err = strconv.ParseInt(s, 10, 64)
		if err != nil || since < 0 {
			return reply{}, badRequest("since: %q is not a cursor of the change feed", clip(s))
		}
	}
	list, err := a.store.ChangesAfter(r.Context(), since, limit)
	if err != nil {
		return reply{}, err
	}
	out := FeedPage{Count: len(list), NextSince: strconv.FormatInt(since, 10), Results: make([]FeedChange, 0, len(list))}
	for _, ch := range list {
		fc := FeedChange{Cursor: strconv.FormatInt(ch.Feed, 10), Changeset: ch.ChangesetID, ChangesetURL: changesetURL(ch.ChangesetID),
			Entity: refOf(ch.Entity.ID, map[int64]store.Entity{ch.Entity.ID: ch.Entity}), Revision: ch.Number, Time: ch.CreatedAt.UTC(), Author: ch.Author, Summary: ch.Summary}
		if c, ok := collectionOf(ch.Entity.Kind); ok {
			fc.RevisionURL = revisionURL(c, ch.Entity.ID, ch.Number)
		}
		out.Results = append(out.Results, fc)
		out.NextSince = strconv.FormatInt(ch.Feed, 10)
	}
	out.Next = Prefix + "/changes?since=" + out.NextSince + "&limit=" + strconv.Itoa(limit)
	return encode(out)
}
