package api

import (
	"encoding/json"
	"net/http"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// RevisionDocument is one revision with its document, written like the current document of an
// entity: the document's fields, its references resolved as they are now.
type RevisionDocument struct {
	Entity   Ref             `json:"entity"`
	Revision Revision        `json:"revision"`
	Document json.RawMessage `json:"document"`
}

// Revision answers /api/v1/{collection}/{id}/revisions/{n}.
func (a *API) Revision(c collection) handler {
	return func(r *http.Request) (reply, error) {
		if err := onlyParams(r.URL.Query()); err != nil {
			return reply{}, err
		}
		n, err := revisionNumber("the revision", r.PathValue("n"), 0, 1)
		if err != nil {
			return reply{}, err
		}
		e, err := a.entity(r, c)
		if err != nil {
			return reply{}, err
		}
		ctx := r.Context()
		rev, err := a.store.Revision(ctx, e.ID, n)
		if err != nil {
			return reply{}, err
		}
		doc, err := wiki.Decode(e.Kind, rev.Document)
		if err != nil {
			return reply{}, err
		}
		var wr writer
		if wr.refs, err = a.resolve(ctx, doc); err != nil {
			return reply{}, err
		}
		wr.document(doc)
		out := RevisionDocument{Entity: refOf(e.ID, map[int64]store.Entity{e.ID: e}), Revision: revisionOf(c, e, rev),
			Document: wr.buf.Bytes()}
		return encode(out)
	}
}
