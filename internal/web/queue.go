package web

import (
	"net/http"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

type queuePage struct {
	Kind, Editor string
	Kinds        []wiki.Kind
	Changesets   []changesetView
	CSRF         string
	Next         string
}

// Queue lists the edits waiting for review, oldest first, each with its changes against the
// pages as they are now, for moderators to approve or reject. ?kind= and ?editor= filter it.
func (a *App) Queue(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		return signInRedirect(w, r)
	}
	if !auth.Role(s.User.Role).Can(auth.Approve) {
		return forbidden("Only moderators can see the review queue.")
	}
	q := r.URL.Query()
	data := queuePage{Kind: q.Get("kind"), Editor: q.Get("editor"), Kinds: wiki.Kinds, CSRF: s.CSRFToken,
		Next: r.URL.RequestURI()}
	if data.Kind != "" && !wiki.Kind(data.Kind).Valid() {
		return badRequest("there is no kind of page called %q", data.Kind)
	}
	list, err := a.store.Changesets(r.Context(), store.ChangesetFilter{Status: store.StatusPending,
		Kind: wiki.Kind(data.Kind), Author: data.Editor, Oldest: true, Limit: 50})
	if err != nil {
		return err
	}
	for _, cs := range list {
		v, err := a.changesetView(r.Context(), cs)
		if err != nil {
			return err
		}
		data.Changesets = append(data.Changesets, v)
	}
	return a.render(w, r, http.StatusOK, "queue", "Review queue", data)
}
