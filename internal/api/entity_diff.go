package api

import (
	"net/http"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Diff is the difference between two revisions of an entity, field by field, as the site's
// diff page shows it.
type Diff struct {
	Entity Ref `json:"entity"`
	// From is 0 when the diff is of the entity's first revision against nothing.
	From    int      `json:"from"`
	To      int      `json:"to"`
	Changes []Change `json:"changes"`
	SiteURL string   `json:"site_url"`
}

// Change is one field or list item that differs: its field's label, what happened to it, and
// its old and new values described for a reader (references by name).
type Change struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// Diff answers /api/v1/{collection}/{id}/diff?from=&to=: to is the entity's current revision
// unless given, from that revision's parent (0: the diff of a first revision).
func (a *API) Diff(c collection) handler {
	return func(r *http.Request) (reply, error) {
		v := r.URL.Query()
		if err := onlyParams(v, "from", "to"); err != nil {
			return reply{}, err
		}
		e, err := a.entity(r, c)
		if err != nil {
			return reply{}, err
		}
		ctx := r.Context()
		to, err := revisionNumber("to", single(v, "to"), e.Head, 1)
		if err != nil {
			return reply{}, err
		}
		toRev, err := a.store.Revision(ctx, e.ID, to)
		if err != nil {
			return reply{}, err
		}
		from, err := revisionNumber("from", single(v, "from"), toRev.Parent, 0)
		if err != nil {
			return reply{}, err
		}
		toDoc, err := wiki.Decode(e.Kind, toRev.Document)
		if err != nil {
			return reply{}, err
		}
		var fromDoc wiki.Document
		if from > 0 {
			fromRev, err := a.store.Revision(ctx, e.ID, from)
			if err != nil {
				return reply{}, err
			}
			if fromDoc, err = wiki.Decode(e.Kind, fromRev.Document); err != nil {
				return reply{}, err
			}
		}
		refs, err := a.resolve(ctx, fromDoc, toDoc)
		if err != nil {
			return reply{}, err
		}
		out := Diff{Entity: refOf(e.ID, map[int64]store.Entity{e.ID: e}), From: from, To: to, Changes: []Change{},
			SiteURL: e.Path() + "/diff?from=" + itoa(from) + "&to=" + itoa(to)}
		for _, ch := range wiki.Diff(fromDoc, toDoc, func(id int64) string { return refs[id].Name }) {
			out.Changes = append(out.Changes, Change{Field: ch.Field, Op: string(ch.Op), Old: ch.Old, New: ch.New})
		}
		return encode(out)
	}
}
