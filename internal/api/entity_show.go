package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Show answers /api/v1/{collection}/{id}: the entity's current document with its references
// resolved, or the fields picked with ?fields=.
func (a *API) Show(c collection) handler {
	return func(r *http.Request) (reply, error) {
		v := r.URL.Query()
		if err := onlyParams(v, "fields"); err != nil {
			return reply{}, err
		}
		keep, err := parseFields(c, v, false)
		if err != nil {
			return reply{}, err
		}
		id, err := pathID(r, c)
		if err != nil {
			return reply{}, err
		}
		ctx := r.Context()
		e, err := a.store.Entity(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && e.Kind != c.Kind) {
			return reply{}, notFoundIn(c, id)
		} else if err != nil {
			return reply{}, err
		}
		if e.MergedInto != 0 {
			moved := fmt.Sprintf("%s/%s/%d", Prefix, c.Path, e.MergedInto)
			if r.URL.RawQuery != "" {
				moved += "?" + r.URL.RawQuery
			}
			return reply{moved: moved}, nil
		}
		// Revisions never change once written: the entity's head revision goes with the
		// entity as read, whatever is accepted meanwhile.
		rev, err := a.store.Revision(ctx, id, e.Head)
		if err != nil {
			return reply{}, err
		}
		doc, err := wiki.Decode(c.Kind, rev.Document)
		if err != nil {
			return reply{}, err
		}
		out := writer{}
		if out.refs, err = a.resolve(ctx, doc); err != nil {
			return reply{}, err
		}
		out.entity(e, doc, keep)
		out.buf.WriteByte('\n')
		return reply{body: out.buf.Bytes()}, nil
	}
}

// pathID reads the {id} of the address.
func pathID(r *http.Request, c collection) (int64, error) {
	return parseID(c.Noun+" id", r.PathValue("id"))
}

// notFoundIn is the error for an id that names no entity of the collection.
func notFoundIn(c collection, id int64) error {
	return fmt.Errorf("api: no %s %d: %w", c.Noun, id, store.ErrNotFound)
}

// resolve reads the entities the documents refer to.
func (a *API) resolve(ctx context.Context, docs ...wiki.Document) (map[int64]store.Entity, error) {
	ids := wiki.RefIDs(docs...)
	if len(ids) == 0 {
		return nil, nil
	}
	return a.store.EntitiesByID(ctx, ids)
}

// onlyParams refuses parameters other than names (and format=json, which Comic Vine's users
// are used to sending).
func onlyParams(v map[string][]string, names ...string) error {
	for name, vals := range v {
		if name == "format" && len(vals) == 1 && vals[0] == "json" {
			continue
		}
		known := false
		for _, n := range names {
			known = known || n == name
		}
		if !known {
			if len(names) == 0 {
				return badRequest("unknown parameter %q: this address takes none", clip(name))
			}
			return badRequest("unknown parameter %q: this address takes %s", clip(name), strings.Join(names, ", "))
		}
	}
	return nil
}
