package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"time"

	"kioku/internal/store"
)

// Changeset is one changeset as GET /api/v1/changesets/{id} writes it: its state, who made it
// and why, and each entity it changes with the revision it made or, until it is accepted, the
// revision its proposal was made from.
type Changeset struct {
	ID int64 `json:"id"`
	// Status is pending, accepted, rejected or withdrawn.
	Status    string    `json:"status"`
	Summary   string    `json:"summary"`
	Author    Author    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
	// Reviewer decided on it: the moderator who accepted or rejected it, or its author who
	// withdrew it; ReviewedAt is when. Neither is written while it waits, nor for a changeset
	// accepted at once.
	Reviewer   *Author    `json:"reviewer,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	// Reason is the moderator's reason for rejecting it.
	Reason string `json:"reason,omitempty"`
	// Points is what it earned its author once accepted.
	Points   int               `json:"points"`
	Entities []ChangesetEntity `json:"entities"`
	APIURL   string            `json:"api_url"`
	// SiteURL is its page, which shows what it changes field by field.
	SiteURL string `json:"site_url"`
}

// ChangesetEntity is what a changeset does to one entity.
type ChangesetEntity struct {
	// Entity is written without addresses while it has no page: a new entity whose changeset
	// waits, was rejected or was withdrawn.
	Entity Ref `json:"entity"`
	// New is true when the changeset creates the entity.
	New bool `json:"new"`
	// Base is the revision the change was made from (0 for a new entity); BaseURL its document.
	Base    int    `json:"base"`
	BaseURL string `json:"base_url,omitempty"`
	// Revision is the revision the change made, once accepted; RevisionURL is its document and
	// DiffURL its changes against Base.
	Revision    int    `json:"revision,omitempty"`
	RevisionURL string `json:"revision_url,omitempty"`
	DiffURL     string `json:"diff_url,omitempty"`
}

// changesetFields are the JSON names of Changeset's fields, which fields may pick.
var changesetFields = fieldNamesOf(reflect.TypeFor[Changeset]())

// changesetURL is the API address of a changeset.
func changesetURL(id int64) string { return Prefix + "/changesets/" + strconv.FormatInt(id, 10) }

// ShowChangeset answers /api/v1/changesets/{id}. Like the site's changeset page, it shows every
// changeset to everyone, whatever its state: what waits for review is kept off the entity pages
// only. An answer about a changeset that waits is never kept, since it may be amended, withdrawn
// or rejected without any edit being accepted.
func (a *API) ShowChangeset(r *http.Request) (reply, error) {
	v := r.URL.Query()
	if err := onlyParams(v, "fields"); err != nil {
		return reply{}, err
	}
	var keep fieldSet
	if s := single(v, "fields"); s != "" {
		var err error
		if keep, err = pickFields("changesets", changesetFields, s); err != nil {
			return reply{}, err
		}
	}
	id, err := parseID("changeset id", r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	ctx := r.Context()
	cs, err := a.store.Changeset(ctx, id)
	if err != nil {
		return reply{}, err
	}
	out := Changeset{ID: cs.ID, Status: cs.Status, Summary: cs.Summary, Author: authorOf(cs.AuthorName),
		CreatedAt: cs.CreatedAt.UTC(), Reason: cs.Reason, Points: cs.Points, APIURL: changesetURL(cs.ID),
		SiteURL: "/changes/" + strconv.FormatInt(cs.ID, 10)}
	if cs.ReviewerName != "" && cs.ReviewedAt != nil {
		rv, at := authorOf(cs.ReviewerName), cs.ReviewedAt.UTC()
		out.Reviewer, out.ReviewedAt = &rv, &at
	}
	if keep.has("entities") {
		if out.Entities, err = a.changesetEntities(ctx, cs); err != nil {
			return reply{}, err
		}
	}
	var w writer
	w.buf.WriteByte('{')
	w.fields(reflect.ValueOf(out), keep.has)
	w.buf.WriteString("}\n")
	return reply{body: w.buf.Bytes(), live: cs.Status == store.StatusPending}, nil
}

// changesetEntities lists what a changeset does to each entity (store.ChangesetParts, as its
// page on the site shows it): the revision it made once accepted, else the revision its proposal
// was made from.
func (a *API) changesetEntities(ctx context.Context, cs store.Changeset) ([]ChangesetEntity, error) {
	parts, err := a.store.ChangesetParts(ctx, cs)
	if err != nil {
		return nil, err
	}
	out := []ChangesetEntity{}
	for _, p := range parts {
		ce := changesetEntity(p.Entity, p.Base)
		if c, ok := collectionOf(p.Entity.Kind); ok && p.Number > 0 {
			ce.Revision, ce.RevisionURL = p.Number, revisionURL(c, p.Entity.ID, p.Number)
			ce.DiffURL = fmt.Sprintf("%s/%s/%d/diff?from=%d&to=%d", Prefix, c.Path, p.Entity.ID, p.Base, p.Number)
		}
		out = append(out, ce)
	}
	return out, nil
}

// changesetEntity is a change to entity e made from revision base.
func changesetEntity(e store.Entity, base int) ChangesetEntity {
	ce := ChangesetEntity{Entity: Ref{ID: e.ID, Kind: string(e.Kind), Name: e.Name}, New: base == 0, Base: base}
	if e.Head > 0 {
		ce.Entity.APIURL, ce.Entity.SiteURL = entityURL(e), e.Path()
	}
	if c, ok := collectionOf(e.Kind); ok && base > 0 {
		ce.BaseURL = revisionURL(c, e.ID, base)
	}
	return ce
}

// authorOf is an account as the API names it.
func authorOf(name string) Author {
	return Author{Name: name, SiteURL: "/users/" + url.PathEscape(name)}
}
