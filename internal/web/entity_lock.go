package web

import (
	"net/http"

	"kioku/internal/auth"
)

// Lock locks a page so that only trusted editors can change it (locked=1), or unlocks it
// (locked=0). Only moderators may.
func (a *App) Lock(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireModerator(r, auth.Lock)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/lock")
		if err != nil || !ok {
			return err
		}
		if err := a.edits.SetLocked(r.Context(), s.User.ID, e.ID, r.PostFormValue("locked") == "1"); err != nil {
			return err
		}
		http.Redirect(w, r, e.Path(), http.StatusSeeOther)
		return nil
	}
}
