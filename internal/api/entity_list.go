package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Page is the envelope of every list: how many items the list holds in all, the page's limit
// and its number of items, and, unless the page is the last, the cursor and address of the
// next page.
type Page[T any] struct {
	Total      int    `json:"total"`
	Limit      int    `json:"limit"`
	Count      int    `json:"count"`
	NextCursor string `json:"next_cursor,omitempty"`
	Next       string `json:"next,omitempty"`
	Results    []T    `json:"results"`
}

// List answers /api/v1/{collection}: a page of the collection's entities, filtered, sorted and
// paged by keyset cursor (see parseList).
func (a *API) List(c collection) handler {
	return func(r *http.Request) (reply, error) {
		p, err := parseList(c, r.URL.Query())
		if err != nil {
			return reply{}, err
		}
		ctx := r.Context()
		q := p.query
		q.Limit++ // one more row tells whether there is a next page
		rows, total, err := a.store.ListEntities(ctx, q)
		if err != nil {
			return reply{}, err
		}
		out := Page[json.RawMessage]{Total: total, Limit: p.query.Limit, Results: []json.RawMessage{}}
		if len(rows) > p.query.Limit {
			rows = rows[:p.query.Limit]
			key := store.Key(rows[len(rows)-1], p.query.Order)
			cur := cursor{Order: string(p.query.Order), Desc: p.query.Desc, Filter: hash(p.filter), Text: key.Text, ID: key.ID}
			if !key.Time.IsZero() {
				cur.Time = key.Time.UnixNano()
			}
			out.NextCursor = cur.encode()
			out.Next = nextURL(r, out.NextCursor)
		}
		docs := map[int64]wiki.Document{}
		var wr writer
		if p.fields.needsDocument(c.Kind) {
			if docs, wr.refs, err = a.documents(r, rows); err != nil {
				return reply{}, err
			}
		}
		for _, row := range rows {
			doc := docs[row.ID]
			if doc == nil && c.Kind == wiki.KindWork {
				// The work's facts kept beside its row are what a list shows by default.
				doc = &wiki.Work{Medium: row.Medium, OriginalTitle: row.OriginalTitle, StartDate: row.StartDate,
					EndDate: row.EndDate, Episodes: row.Episodes}
			}
			wr.buf.Reset()
			wr.entity(row.Entity, doc, p.fields)
			out.Results = append(out.Results, json.RawMessage(bytes.Clone(wr.buf.Bytes())))
		}
		out.Count = len(out.Results)
		// The envelope is written by the same writer: encoding/json would check and copy
		// every entity's bytes again.
		wr.buf.Reset()
		wr.comma = false
		wr.value(reflect.ValueOf(out))
		wr.buf.WriteByte('\n')
		return reply{body: wr.buf.Bytes(), next: out.Next}, nil
	}
}

// documents reads the current documents of the listed entities and the entities they refer to.
func (a *API) documents(r *http.Request, rows []store.ListRow) (map[int64]wiki.Document, map[int64]store.Entity, error) {
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	heads, err := a.store.HeadDocumentsByID(r.Context(), ids)
	if err != nil {
		return nil, nil, err
	}
	docs := make(map[int64]wiki.Document, len(heads))
	list := make([]wiki.Document, 0, len(heads))
	for i, row := range rows {
		h, ok := heads[row.ID]
		if !ok {
			continue
		}
		doc, err := wiki.Decode(h.Entity.Kind, h.Document)
		if err != nil {
			return nil, nil, err
		}
		// The row shows the entity as the document is now, should an edit have been accepted
		// between the two reads.
		rows[i].Entity.Head, rows[i].Entity.Name, rows[i].Entity.UpdatedAt = h.Entity.Head, h.Entity.Name, h.Entity.UpdatedAt
		docs[row.ID] = doc
		list = append(list, doc)
	}
	refs, err := a.resolve(r.Context(), list...)
	return docs, refs, err
}

// nextURL is the address of the next page: the request's own with the cursor replaced.
func nextURL(r *http.Request, cur string) string {
	v := r.URL.Query()
	v.Set("cursor", cur)
	return r.URL.Path + "?" + v.Encode()
}
