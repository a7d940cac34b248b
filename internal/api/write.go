package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"kioku/internal/accounts"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// Bounds of a write request.
const (
	// MaxWriteBody is the largest body a write takes, in bytes.
	MaxWriteBody = 512 << 10
	// MaxChanges is how many entities one changeset may touch.
	MaxChanges = 50
)

// EntityWrite is the body of PUT /api/v1/{collection}/{id}: the entity's whole next document,
// made from revision base (by default the revision of a document as read).
type EntityWrite struct {
	Base     int             `json:"base,omitempty"`
	Summary  string          `json:"summary"`
	Document json.RawMessage `json:"document"`
}

// ChangesetWrite is the body of POST /api/v1/changesets: several changes saved as one changeset.
type ChangesetWrite struct {
	Summary string        `json:"summary"`
	Changes []ChangeWrite `json:"changes"`
}

// ChangeWrite is one change of a ChangesetWrite: a new entity (no id) or the next document of
// an existing one made from revision base. A document may point to an entity that an earlier
// change of the same request creates by minus its position: -1 is the first change's entity.
type ChangeWrite struct {
	Kind     string          `json:"kind"`
	ID       int64           `json:"id,omitempty"`
	Base     int             `json:"base,omitempty"`
	Document json.RawMessage `json:"document"`
}

// WriteResult is the answer to an accepted (201) or queued (202) write: its changeset, whose
// state APIURL tells (a queued one is accepted or rejected later), and its page.
type WriteResult struct {
	Changeset int64           `json:"changeset"`
	Status    string          `json:"status"`
	APIURL    string          `json:"api_url"`
	SiteURL   string          `json:"site_url"`
	Entities  []WrittenEntity `json:"entities"`
}

// WrittenEntity is an entity a write changed, or proposes to change while it waits.
type WrittenEntity struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	APIURL string `json:"api_url"`
}

// Put answers PUT /api/v1/{collection}/{id}.
func (a *API) Put(c collection) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		tok, err := editor(w, r)
		if err != nil {
			return err
		}
		id, err := pathID(r, c)
		if err != nil {
			return err
		}
		var in EntityWrite
		if err := readJSON(w, r, &in); err != nil {
			return err
		}
		doc, meta, err := decodeDocument(c.Kind, in.Document, "document")
		if err != nil {
			return err
		}
		if problems := checkMeta(meta, id, c.Kind, "document"); len(problems) > 0 {
			return invalid(w, problems...)
		}
		if in.Base == 0 {
			in.Base = meta.Revision // a document as read was made from the revision it was read at
		}
		if in.Base <= 0 {
			return invalid(w, "base: give the revision the document was made from (a positive number)")
		}
		ctx := r.Context()
		e, err := a.store.Entity(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (e.Kind != c.Kind || e.Head == 0)) {
			return notFoundIn(c, id)
		} else if err != nil {
			return err
		}
		res, err := a.edits.Apply(ctx, tok.User.ID, in.Summary, func(ch *edit.Changes) error {
			return ch.Update(ctx, id, in.Base, doc)
		})
		return a.answerWrite(w, r, res, err)
	}
}

// PostChangeset answers POST /api/v1/changesets.
func (a *API) PostChangeset(w http.ResponseWriter, r *http.Request) error {
	tok, err := editor(w, r)
	if err != nil {
		return err
	}
	var in ChangesetWrite
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case len(in.Changes) == 0:
		return invalid(w, "changes: a changeset has at least one change")
	case len(in.Changes) > MaxChanges:
		return invalid(w, fmt.Sprintf("changes: a changeset has at most %d changes", MaxChanges))
	}
	type change struct {
		kind wiki.Kind
		id   int64
		base int
		doc  wiki.Document
	}
	changes := make([]change, len(in.Changes))
	var problems []string
	for i, ch := range in.Changes {
		at := fmt.Sprintf("changes[%d]", i)
		kind := wiki.Kind(ch.Kind)
		if !kind.Valid() {
			return badRequest("%s.kind: %q is not a kind of entity", at, clip(ch.Kind))
		}
		doc, meta, err := decodeDocument(kind, ch.Document, at+".document")
		if err != nil {
			return err
		}
		problems = append(problems, checkMeta(meta, ch.ID, kind, at+".document")...)
		if ch.ID > 0 && ch.Base == 0 {
			ch.Base = meta.Revision
		}
		switch {
		case ch.ID < 0:
			problems = append(problems, at+".id: an id is a positive number")
		case ch.ID == 0 && ch.Base != 0:
			problems = append(problems, at+".base: a new entity has no base revision")
		case ch.ID > 0 && ch.Base <= 0:
			problems = append(problems, at+".base: give the revision the document was made from (a positive number)")
		}
		for _, t := range doc.Refs() {
			if t.ID < 0 && (-t.ID > int64(i) || in.Changes[-t.ID-1].ID != 0) {
				problems = append(problems, fmt.Sprintf("%s.document: %d names no new entity of an earlier change", at, t.ID))
			}
		}
		changes[i] = change{kind, ch.ID, ch.Base, doc}
	}
	if len(problems) > 0 {
		return invalid(w, problems...)
	}
	ctx := r.Context()
	res, err := a.edits.Apply(ctx, tok.User.ID, in.Summary, func(c *edit.Changes) error {
		made := map[int64]int64{} // -position → the id Create gave
		var existing []int64
		for _, ch := range changes {
			if ch.id > 0 {
				existing = append(existing, ch.id)
			}
		}
		reserved, err := c.Reserve(ctx, existing)
		if err != nil {
			return err
		}
		for i, ch := range changes {
			for from, into := range made {
				wiki.Retarget(ch.id, ch.doc, from, into)
			}
			if ch.id == 0 {
				id, err := c.Create(ctx, ch.kind, ch.doc)
				if err != nil {
					return err
				}
				made[-int64(i+1)] = id
				continue
			}
			// Reserve has read the entity (in this transaction, which holds it), and its kind
			// cannot change; one it did not find, or found with no accepted revision yet, is
			// read again as before.
			e, ok := reserved[ch.id]
			var err error
			if !ok || e.Head == 0 {
				e, err = c.Tx().Entity(ctx, ch.id)
			}
			if errors.Is(err, store.ErrNotFound) || (err == nil && e.Kind != ch.kind) {
				return wiki.Invalid("there is no %s %d", ch.kind, ch.id)
			} else if err != nil {
				return err
			}
			if err := c.Update(ctx, ch.id, ch.base, ch.doc); err != nil {
				return err
			}
		}
		return nil
	})
	return a.answerWrite(w, r, res, err)
}

// editor is the token of a write: a Bearer token with the edit scope. A cookie session does
// not write through the API, so no form on another site can make a browser do it.
func editor(w http.ResponseWriter, r *http.Request) (*accounts.Token, error) {
	tok := tokenFrom(r.Context())
	if tok == nil {
		return nil, unauthorized(w, "writing through the API takes a personal API token with the edit scope (Authorization: Bearer <token>); make one on your account page")
	}
	if !tok.Can(accounts.ScopeEdit) {
		return nil, fmt.Errorf("%w: this token may only read: make one with the edit scope to write", web.ErrForbidden)
	}
	return tok, nil
}

// readJSON decodes a request's JSON body strictly: one object, of at most MaxWriteBody bytes,
// with no field the type does not have and every value of its field's type.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		return fmt.Errorf("%w: send the body as application/json", web.ErrBadRequest)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWriteBody))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fmt.Errorf("%w: a write's body has at most %d bytes", web.ErrTooLarge, MaxWriteBody)
	} else if err != nil {
		return badRequest("the body could not be read: %v", err)
	}
	return strictJSON(body, v, "")
}

// strictJSON decodes data into v refusing unknown fields, wrong types and trailing data; at
// names the value in messages.
func strictJSON(data []byte, v any, at string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return badRequest("%s%s: a %s where the API takes a %s", prefix(at), te.Field, te.Value, te.Type)
		}
		return badRequest("%s%v", prefix(at), err)
	}
	if dec.More() {
		return badRequest("%sthe JSON value is followed by more", prefix(at))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("%sthe JSON value is followed by more", prefix(at))
	}
	return nil
}

func prefix(at string) string {
	if at == "" {
		return ""
	}
	return at + ": "
}

// decodeDocument reads a document of a kind, strictly, in its stored form (references as ids)
// or in the form the reads write it (see readForm), which says what it can of its entity; list
// items sent without a key are new items and get one.
func decodeDocument(kind wiki.Kind, data json.RawMessage, at string) (wiki.Document, docMeta, error) {
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return nil, docMeta{}, badRequest("%s: the document is missing", at)
	}
	doc, err := wiki.New(kind)
	if err != nil {
		return nil, docMeta{}, err
	}
	data, meta, err := readForm(reflect.TypeOf(doc).Elem(), data, at)
	if err != nil {
		return nil, meta, err
	}
	if err := strictJSON(data, doc, at); err != nil {
		return nil, meta, err
	}
	wiki.FillKeys(doc)
	return doc, meta, nil
}

// answerWrite answers a write: 201 when accepted, 202 when it waits for review, each with the
// changeset's API address in Location; a conflict with both versions (409), a document that breaks the
// wiki's rules with its problems (422); other errors go to the web package's adapter.
func (a *API) answerWrite(w http.ResponseWriter, r *http.Request, res edit.Result, err error) error {
	var (
		ve *wiki.ValidationError
		ce *edit.ConflictError
	)
	switch {
	case errors.As(err, &ce):
		return a.conflict(w, r, ce)
	case errors.As(err, &ve):
		return invalid(w, ve.Problems...)
	case err != nil:
		return err
	}
	out := WriteResult{Changeset: res.Changeset, Status: res.Status, APIURL: changesetURL(res.Changeset),
		SiteURL: "/changes/" + strconv.FormatInt(res.Changeset, 10), Entities: []WrittenEntity{}}
	found, err := a.store.EntitiesByID(r.Context(), res.Entities)
	if err != nil {
		return err
	}
	if len(found) < len(res.Entities) {
		// A new entity that waits for review has no page yet: the changeset knows its kind.
		cs, err := a.store.Changeset(r.Context(), res.Changeset)
		if err != nil {
			return err
		}
		for _, e := range cs.Entities {
			if _, ok := found[e.ID]; !ok {
				found[e.ID] = e
			}
		}
	}
	seen := map[int64]bool{}
	for _, id := range res.Entities {
		if seen[id] {
			continue
		}
		seen[id] = true
		e := found[id]
		out.Entities = append(out.Entities, WrittenEntity{ID: id, Kind: string(e.Kind), APIURL: entityURL(store.Entity{ID: id, Kind: e.Kind})})
	}
	status := http.StatusCreated
	if res.Status == store.StatusPending {
		status = http.StatusAccepted
	}
	w.Header().Set("Location", out.APIURL)
	return writeJSON(w, status, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	rep, err := encode(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(rep.body)
	return err
}

// InvalidProblem is the problem document of a write whose content breaks the wiki's rules.
type InvalidProblem struct {
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Status   int      `json:"status"`
	Detail   string   `json:"detail"`
	Problems []string `json:"problems"`
}

// invalid answers 422 listing the problems; nothing was saved.
func invalid(w http.ResponseWriter, problems ...string) error {
	w.Header().Set("Content-Type", "application/problem+json")
	return writeProblem(w, http.StatusUnprocessableEntity, InvalidProblem{Type: "about:blank", Title: "That could not be saved",
		Status: http.StatusUnprocessableEntity, Detail: "Nothing was saved: " + strings.Join(problems, "; "),
		Problems: problems})
}

// ConflictProblem is the problem document of a write that conflicts with a change made since
// its base: the entity's current revision and document, and each field both changed.
type ConflictProblem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Detail    string          `json:"detail"`
	Entity    WrittenEntity   `json:"entity"`
	Revision  int             `json:"revision"`
	Current   json.RawMessage `json:"current"`
	Conflicts []FieldConflict `json:"conflicts"`
}

// FieldConflict is one field that the write and a change since its base both changed.
type FieldConflict struct {
	Field  string `json:"field"`
	Theirs string `json:"theirs"`
	Ours   string `json:"ours"`
}

func (a *API) conflict(w http.ResponseWriter, r *http.Request, ce *edit.ConflictError) error {
	e, err := a.store.Entity(r.Context(), ce.Entity.ID)
	if err != nil {
		return err
	}
	rev, err := a.store.Revision(r.Context(), e.ID, e.Head)
	if err != nil {
		return err
	}
	p := ConflictProblem{Type: "about:blank", Title: "Someone else changed this meanwhile", Status: http.StatusConflict,
		Detail:   "Nothing was saved: the fields in conflicts were changed since the base revision. Make the edit again from the current revision.",
		Entity:   WrittenEntity{ID: e.ID, Kind: string(e.Kind), APIURL: entityURL(e)},
		Revision: e.Head, Current: rev.Document, Conflicts: []FieldConflict{}}
	for _, c := range ce.Conflicts {
		p.Conflicts = append(p.Conflicts, FieldConflict{Field: c.Field, Theirs: c.Theirs, Ours: c.Ours})
	}
	return writeProblem(w, http.StatusConflict, p)
}

func writeProblem(w http.ResponseWriter, status int, v any) error {
	rep, err := encode(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, err = w.Write(rep.body)
	return err
}
