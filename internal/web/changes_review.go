package web

import (
	"net/http"
	"strconv"

	"kioku/internal/auth"
	"kioku/internal/store"
)

// requireModerator returns the session of a signed-in account that may take the action.
func requireModerator(r *http.Request, action auth.Action) (*store.Session, error) {
	s, err := requireEditor(r)
	if err != nil {
		return nil, err
	}
	if !auth.Role(s.User.Role).Can(action) {
		return nil, forbidden("Your role does not allow that.")
	}
	return s, nil
}

func changesetID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// ApproveChangeset accepts a pending changeset and goes back to the queue. If the pages moved on
// in a way that conflicts with it, the moderator gets the conflict page with both versions.
func (a *App) ApproveChangeset(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Approve)
	if err != nil {
		return err
	}
	id, err := changesetID(r)
	if err != nil {
		return err
	}
	if _, err := a.edits.Approve(r.Context(), id, s.User.ID); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// RejectChangeset turns a pending changeset down with the reason its author will read.
func (a *App) RejectChangeset(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Reject)
	if err != nil {
		return err
	}
	id, err := changesetID(r)
	if err != nil {
		return err
	}
	if err := a.edits.Reject(r.Context(), id, s.User.ID, r.PostFormValue("reason")); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// WithdrawChangeset takes back the signed-in editor's own changeset that waits for review.
func (a *App) WithdrawChangeset(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	id, err := changesetID(r)
	if err != nil {
		return err
	}
	if err := a.edits.Withdraw(r.Context(), id, s.User.ID); err != nil {
		return err
	}
	http.Redirect(w, r, changesetPath(id), http.StatusSeeOther)
	return nil
}
