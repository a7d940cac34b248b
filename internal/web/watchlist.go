package web

import (
	"net/http"

	"kioku/internal/auth"
	"kioku/internal/store"
)

// Watch adds the page to the signed-in reader's watchlist (watch=1) or takes it off (watch=0).
func (a *App) Watch(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/watch")
		if err != nil || !ok {
			return err
		}
		if r.PostFormValue("watch") == "1" {
			err = a.store.Watch(r.Context(), s.User.ID, e.ID)
		} else {
			err = a.store.Unwatch(r.Context(), s.User.ID, e.ID)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, e.Path(), http.StatusSeeOther)
		return nil
	}
}

type watchlistPage struct {
	Watched    []store.Entity
	Changesets []store.Changeset
	Feed       string
	CSRF       string
}

// Watchlist shows the signed-in reader's watched pages and their latest changes, with the
// address of a private feed of the same changes.
func (a *App) Watchlist(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		return signInRedirect(w, r)
	}
	ctx := r.Context()
	watched, err := a.store.Watched(ctx, s.User.ID)
	if err != nil {
		return err
	}
	list, err := a.store.Changesets(ctx, store.ChangesetFilter{Watcher: s.User.ID, Limit: 50})
	if err != nil {
		return err
	}
	token, err := a.store.FeedToken(ctx, s.User.ID, auth.NewToken())
	if err != nil {
		return err
	}
	return a.render(w, r, http.StatusOK, "watchlist", "Watchlist", watchlistPage{Watched: watched, Changesets: list,
		Feed: "/watchlist.atom?token=" + token, CSRF: s.CSRFToken})
}

// WatchlistFeed is the Atom feed of one account's watchlist, opened by the secret token in its
// address, since feed readers carry no session.
func (a *App) WatchlistFeed(w http.ResponseWriter, r *http.Request) error {
	u, err := a.store.UserByFeedToken(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	list, err := a.store.Changesets(r.Context(), store.ChangesetFilter{Watcher: u.ID, Limit: 50})
	if err != nil {
		return err
	}
	return writeFeed(w, r, "Kioku: "+u.Name+"'s watchlist", "/watchlist.atom?token="+r.URL.Query().Get("token"), "/watchlist", list)
}
