package web

import (
	"net/http"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// External sends a reader who knows a work by another site's id to its page here:
// /external/anidb/1240 answers 303 to the page that carries AniDB id 1240, 404 when none does.
func (a *App) External(w http.ResponseWriter, r *http.Request) error {
	site, ok := wiki.SiteNamed(r.PathValue("site"))
	id := r.PathValue("id")
	if !ok || !site.Valid(id) {
		return store.ErrNotFound
	}
	e, err := a.store.EntityByExternalID(r.Context(), site.Name, id)
	if err != nil {
		return err
	}
	if e.MergedInto != 0 { // an id a merged page kept leads to the page it was merged into
		if e, err = a.store.Entity(r.Context(), e.MergedInto); err != nil {
			return err
		}
	}
	http.Redirect(w, r, e.Path(), http.StatusSeeOther)
	return nil
}
