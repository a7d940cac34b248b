package web

import (
	"net/http"

	"kioku/internal/auth"
	"kioku/internal/store"
)

type userPage struct {
	User     store.User
	Role     string
	Accepted []store.Changeset
	Pending  []store.Changeset
	Rejected []store.Changeset
	// Lists are the account's lists the viewer may see (internal/lists).
	Lists []store.ReaderList
}

// ShowUser is an account's profile: its role, points and accepted edits, and its latest
// accepted, pending and rejected changesets.
func (a *App) ShowUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := a.store.UserByName(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	data := userPage{User: u, Role: auth.Role(u.Role).Label()}
	f := store.ChangesetFilter{Author: u.Name, Limit: 20}
	for _, part := range []struct {
		status string
		list   *[]store.Changeset
	}{{store.StatusAccepted, &data.Accepted}, {store.StatusPending, &data.Pending}, {store.StatusRejected, &data.Rejected}} {
		f.Status = part.status
		if *part.list, err = a.store.Changesets(ctx, f); err != nil {
			return err
		}
	}
	var viewer *store.User
	if s := sessionFrom(ctx); s != nil {
		viewer = &s.User
	}
	if data.Lists, err = a.lists.ListsOf(ctx, viewer, u); err != nil {
		return err
	}
	return a.render(w, r, http.StatusOK, "user", u.Name, data)
}

// Leaderboard ranks the editors by the points their accepted edits earned.
func (a *App) Leaderboard(w http.ResponseWriter, r *http.Request) error {
	users, err := a.store.Leaderboard(r.Context(), 100)
	if err != nil {
		return err
	}
	return a.render(w, r, http.StatusOK, "leaderboard", "Leaderboard", users)
}
