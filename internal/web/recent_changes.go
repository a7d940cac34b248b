package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// changeFilter reads the filters shared by the recent changes page and its feed: ?kind=,
// ?user=, ?state= (accepted, pending, rejected or withdrawn) and ?before= (a changeset id, for paging).
func changeFilter(q url.Values) (store.ChangesetFilter, error) {
	f := store.ChangesetFilter{Kind: wiki.Kind(q.Get("kind")), Author: q.Get("user"), Status: q.Get("state"), Limit: 50}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, badRequest("there is no kind of page called %q", f.Kind)
	}
	switch f.Status {
	case "", store.StatusAccepted, store.StatusPending, store.StatusRejected, store.StatusWithdrawn:
	default:
		return f, badRequest("state must be accepted, pending, rejected or withdrawn, not %q", f.Status)
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, badRequest("before must be the number of an edit, not %q", v)
		}
		f.Before = n
	}
	return f, nil
}

type recentPage struct {
	Kind, User, State string
	Kinds             []wiki.Kind
	Changesets        []store.Changeset
	// Older is the address of the next page, when there may be one.
	Older string
	Feed  string
}

// RecentChanges lists the newest changesets, whatever became of them, filterable by kind of
// page, account and state, with an Atom feed of the same list.
func (a *App) RecentChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := changeFilter(q)
	if err != nil {
		return err
	}
	list, err := a.store.Changesets(r.Context(), f)
	if err != nil {
		return err
	}
	data := recentPage{Kind: string(f.Kind), User: f.Author, State: f.Status, Kinds: wiki.Kinds, Changesets: list}
	feed := url.Values{}
	for _, k := range []string{"kind", "user", "state"} {
		if v := q.Get(k); v != "" {
			feed.Set(k, v)
		}
	}
	data.Feed = "/recent-changes.atom"
	if len(feed) > 0 {
		data.Feed += "?" + feed.Encode()
	}
	if len(list) == f.Limit {
		older := url.Values{}
		for k, v := range q {
			older[k] = v
		}
		older.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		data.Older = "/recent-changes?" + older.Encode()
	}
	return a.render(w, r, http.StatusOK, "recent_changes", "Recent changes", data)
}

// RecentChangesFeed is the Atom feed of the recent changes, with the page's filters.
func (a *App) RecentChangesFeed(w http.ResponseWriter, r *http.Request) error {
	f, err := changeFilter(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := a.store.Changesets(r.Context(), f)
	if err != nil {
		return err
	}
	self := "/recent-changes.atom"
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	return writeFeed(w, r, "Kioku: recent changes", self, "/recent-changes", list)
}
