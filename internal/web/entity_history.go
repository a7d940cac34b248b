package web

import (
	"context"
	"net/http"
	"strconv"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

type historyPage struct {
	Entity    store.Entity
	Revisions []store.Revision
}

// History lists an entity's revisions, newest first, with links to compare and revert.
func (a *App) History(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, ok, err := a.loadEntity(w, r, segment, "/history")
		if err != nil || !ok {
			return err
		}
		revs, err := a.store.Revisions(r.Context(), e.ID)
		if err != nil {
			return err
		}
		return a.render(w, r, http.StatusOK, "history", "History of "+e.Name, historyPage{Entity: e, Revisions: revs})
	}
}

type diffPage struct {
	Entity   store.Entity
	From, To store.Revision
	Changes  []changeRow
}

// Diff compares two revisions field by field: ?from=N&to=M, where from may be 0 for an entity's
// first revision; without parameters, the current revision against its parent.
func (a *App) Diff(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, ok, err := a.loadEntity(w, r, segment, "/diff")
		if err != nil || !ok {
			return err
		}
		ctx := r.Context()
		to, err := revisionParam(r, "to", e.Head)
		if err != nil {
			return err
		}
		toRev, err := a.store.Revision(ctx, e.ID, to)
		if err != nil {
			return err
		}
		from, err := revisionParam(r, "from", toRev.Parent)
		if err != nil {
			return err
		}
		toDoc, err := wiki.Decode(e.Kind, toRev.Document)
		if err != nil {
			return err
		}
		var fromRev store.Revision
		var fromDoc wiki.Document
		if from > 0 {
			if fromRev, err = a.store.Revision(ctx, e.ID, from); err != nil {
				return err
			}
			if fromDoc, err = wiki.Decode(e.Kind, fromRev.Document); err != nil {
				return err
			}
		}
		names, err := a.nameFunc(ctx, fromDoc, toDoc)
		if err != nil {
			return err
		}
		data := diffPage{Entity: e, From: fromRev, To: toRev, Changes: changeRows(wiki.Diff(fromDoc, toDoc, names))}
		return a.render(w, r, http.StatusOK, "diff", "Changes to "+e.Name, data)
	}
}

// nameFunc resolves the references of the given documents for a diff.
func (a *App) nameFunc(ctx context.Context, docs ...wiki.Document) (wiki.Names, error) {
	byID, err := a.names(ctx, docs...)
	if err != nil {
		return nil, err
	}
	return func(id int64) string { return byID[id].Name }, nil
}

func revisionParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest("%s must be a revision number, not %q", name, v)
	}
	return n, nil
}

// Revert makes a new revision with the document of an earlier one.
func (a *App) Revert(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/revert")
		if err != nil || !ok {
			return err
		}
		number, err := strconv.Atoi(r.PostFormValue("revision"))
		if err != nil || number <= 0 {
			return wiki.Invalid("choose the revision to revert to")
		}
		if _, err := a.edits.Revert(r.Context(), s.User.ID, e.ID, number, r.PostFormValue("edit_summary")); err != nil {
			return err
		}
		http.Redirect(w, r, e.Path()+"/history", http.StatusSeeOther)
		return nil
	}
}
