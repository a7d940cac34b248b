package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"kioku/internal/store"
)

// Revision is one revision of an entity, without its document.
type Revision struct {
	Number int `json:"number"`
	// Parent is the revision this one was made from (0 for the first).
	Parent    int       `json:"parent"`
	Status    string    `json:"status"`
	Summary   string    `json:"summary"`
	Author    Author    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
	// Points is what the revision earned its author: one per field or list item it changed.
	Points int `json:"points"`
	// Changeset is the changeset that made it, with the other revisions made with it;
	// ChangesetURL its address.
	Changeset    int64  `json:"changeset"`
	ChangesetURL string `json:"changeset_url"`
	// APIURL is the revision with its document; SiteURL the page comparing it with its parent.
	APIURL  string `json:"api_url"`
	SiteURL string `json:"site_url"`
}

// Author is the editor of a revision.
type Author struct {
	Name    string `json:"name"`
	SiteURL string `json:"site_url"`
}

func revisionOf(c collection, e store.Entity, r store.Revision) Revision {
	return Revision{Number: r.Number, Parent: r.Parent, Status: r.Status, Summary: r.Summary,
		Author: authorOf(r.AuthorName), CreatedAt: r.CreatedAt.UTC(), Points: r.Points, Changeset: r.ChangesetID,
		ChangesetURL: changesetURL(r.ChangesetID), APIURL: revisionURL(c, e.ID, r.Number),
		SiteURL: fmt.Sprintf("%s/diff?to=%d", e.Path(), r.Number)}
}

// revisionURL is the API address of revision n of entity id, with its document.
func revisionURL(c collection, id int64, n int) string {
	return fmt.Sprintf("%s/%s/%d/revisions/%d", Prefix, c.Path, id, n)
}

// Revisions answers /api/v1/{collection}/{id}/revisions: the entity's history, newest first,
// a page at a time.
func (a *API) Revisions(c collection) handler {
	return func(r *http.Request) (reply, error) {
		v := r.URL.Query()
		if err := onlyParams(v, "limit", "cursor"); err != nil {
			return reply{}, err
		}
		limit, err := parseLimit(v)
		if err != nil {
			return reply{}, err
		}
		before := 0
		if s := single(v, "cursor"); s != "" {
			var cur cursor
			if err := cur.decode(s); err != nil {
				return reply{}, err
			}
			if cur.Before <= 0 || cur.Order != "" {
				return reply{}, badRequest("the cursor is not one of a list of revisions")
			}
			before = cur.Before
		}
		e, err := a.entity(r, c)
		if err != nil {
			return reply{}, err
		}
		revs, total, err := a.store.RevisionsBefore(r.Context(), e.ID, before, limit+1)
		if err != nil {
			return reply{}, err
		}
		out := Page[Revision]{Total: total, Limit: limit, Results: []Revision{}}
		if len(revs) > limit {
			revs = revs[:limit]
			out.NextCursor = cursor{Before: revs[len(revs)-1].Number}.encode()
			out.Next = nextURL(r, out.NextCursor)
		}
		for _, rev := range revs {
			out.Results = append(out.Results, revisionOf(c, e, rev))
		}
		out.Count = len(out.Results)
		rep, err := encode(out)
		rep.next = out.Next
		return rep, err
	}
}

// entity reads the entity at the address's {id}, which must be of the collection's kind.
func (a *API) entity(r *http.Request, c collection) (store.Entity, error) {
	id, err := pathID(r, c)
	if err != nil {
		return store.Entity{}, err
	}
	e, err := a.store.Entity(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && e.Kind != c.Kind) {
		return store.Entity{}, notFoundIn(c, id)
	}
	return e, err
}

// revisionNumber reads a revision number from a parameter or the address; def when empty.
func revisionNumber(what, s string, def, least int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		return 0, badRequest("%s must be a revision number (a whole number from %d), not %q", what, least, clip(s))
	}
	return n, nil
}

// itoa writes a revision number.
func itoa(n int) string { return strconv.Itoa(n) }
