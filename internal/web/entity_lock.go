package web

import (
	"net/http"

	"kioku/internal/auth"
)

// Lock locks a page so that only trusted editors can change it (locked=1), or unlocks it
// (locked=0). Only moderators may.
func (a *App) Lock(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := requireModerator(r, auth.Lock); err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/lock")
		if err != nil || !ok {
			return err
		}
		locked := r.PostFormValue("locked") == "1"
		if err := a.store.SetLocked(r.Context(), e.ID, locked); err != nil {
			return err
		}
		// The lock notice is on the page, so the cached copies must go.
		a.cache.invalidate()
		http.Redirect(w, r, e.Path(), http.StatusSeeOther)
		return nil
	}
}
