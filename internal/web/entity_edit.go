package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"kioku/internal/edit"
	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// editPage is the data of every edit form.
type editPage struct {
	Entity  store.Entity
	Base    int // the revision the form was made from
	Section workSection
	Fields  []formField
	View    any // the page as it is, for forms that list what is there
	Kind    wiki.Kind
	Lists   editLists
	// Lookalikes are the pages named as a new one would be, shown before it is made; Summary
	// keeps the edit summary typed meanwhile.
	Lookalikes []search.Result
	Summary    string
	// Problems are what was wrong with the form as it was sent, shown above it.
	Problems []string
}

// editLists are the fixed choices the forms offer.
type editLists struct {
	CastRoles     []string
	CompanyRoles  []string
	RelationTypes []string
}

// Regions and Languages are the countries and languages a release may name.
func (editLists) Regions() []wiki.Place   { return wiki.Regions() }
func (editLists) Languages() []wiki.Place { return wiki.Languages() }

// RefList is what a reference-list section (genres, themes, similar, associations) lists now.
func (p editPage) RefList() []store.Entity {
	v, ok := p.View.(*workPage)
	if !ok {
		return nil
	}
	switch p.Section.Key {
	case "genres":
		return v.Genres
	case "themes":
		return v.Themes
	case "similar":
		return v.Similar
	case "associations":
		return v.Associations
	}
	return nil
}

// RefKind is the kind of entity a reference-list section points to.
func (p editPage) RefKind() wiki.Kind {
	switch p.Section.Key {
	case "genres":
		return wiki.KindGenre
	case "themes":
		return wiki.KindTheme
	case "similar":
		return wiki.KindWork
	}
	return wiki.KindConcept
}

var choices = editLists{CastRoles: wiki.CastRoles, CompanyRoles: wiki.CompanyRoles, RelationTypes: wiki.RelationTypes}

// EditForm shows the form for one section of a work ("/anime/1-memories/edit/credits") or for
// the fields of any other entity ("/person/2-satoshi-kon/edit").
func (a *App) EditForm(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if sessionFrom(r.Context()) == nil {
			return signInRedirect(w, r)
		}
		section := r.PathValue("section")
		e, ok, err := a.loadEntity(w, r, segment, editSuffix(section))
		if err != nil || !ok {
			return err
		}
		doc, err := a.head(r.Context(), e)
		if err != nil {
			return err
		}
		data := editPage{Entity: e, Base: e.Head, Kind: e.Kind, Lists: choices}
		if work, isWork := doc.(*wiki.Work); isWork {
			if section == "" {
				section = "basics"
			}
			s, ok := findSection(section)
			if !ok {
				return store.ErrNotFound
			}
			data.Section = s
			if data.View, err = a.workView(r.Context(), entityView{Entity: e}, work); err != nil {
				return err
			}
		} else if section != "" {
			return store.ErrNotFound
		}
		if data.Section.Key == "" || data.Section.Key == "basics" {
			data.Fields = scalarFields(doc)
		}
		title := "Edit " + e.Name
		if data.Section.Title != "" {
			title += ": " + data.Section.Title
		}
		return a.render(w, r, http.StatusOK, "edit", title, data)
	}
}

func editSuffix(section string) string {
	if section == "" {
		return "/edit"
	}
	return "/edit/" + section
}

// Edit saves an edit form as one changeset made from the revision the form was shown with.
func (a *App) Edit(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		section := r.PathValue("section")
		e, ok, err := a.loadEntity(w, r, segment, editSuffix(section))
		if err != nil || !ok {
			return err
		}
		base, err := strconv.Atoi(r.PostFormValue("base"))
		if err != nil || base <= 0 {
			return wiki.Invalid("the form is missing the revision it was made from; reload it and try again")
		}
		ctx, summary := r.Context(), r.PostFormValue("edit_summary")
		anchor := ""
		if e.Kind == wiki.KindWork {
			if section == "" {
				section = "basics"
			}
			sec, ok := findSection(section)
			if !ok {
				return store.ErrNotFound
			}
			anchor = "#" + sec.Key
			_, err = a.edits.UpdateWork(ctx, s.User.ID, summary, e.ID, base, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return sec.apply(ctx, c, e.ID, w, r.PostForm)
			})
		} else {
			if section != "" {
				return store.ErrNotFound
			}
			_, err = a.edits.Update(ctx, s.User.ID, summary, e.ID, base, func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
				return applyScalars(doc, r.PostForm)
			})
		}
		if err != nil {
			return err
		}
		// An edit waiting for review leaves the page as it was; the page then tells its author so.
		updated, err := a.store.Entity(ctx, e.ID)
		if err != nil {
			return err
		}
		http.Redirect(w, r, updated.Path()+anchor, http.StatusSeeOther)
		return nil
	}
}

// creatable lists the kinds a person can start a page of from /new/{kind}. Episodes are added
// from their work.
var creatable = []wiki.Kind{wiki.KindWork, wiki.KindPerson, wiki.KindCharacter, wiki.KindCompany,
	wiki.KindFranchise, wiki.KindGenre, wiki.KindTheme, wiki.KindConcept}

func creatableKind(r *http.Request) (wiki.Kind, error) {
	k := wiki.Kind(r.PathValue("kind"))
	for _, c := range creatable {
		if c == k {
			return k, nil
		}
	}
	return "", store.ErrNotFound
}

// NewForm shows the form that starts a page.
func (a *App) NewForm(w http.ResponseWriter, r *http.Request) error {
	if sessionFrom(r.Context()) == nil {
		return signInRedirect(w, r)
	}
	kind, err := creatableKind(r)
	if err != nil {
		return err
	}
	doc, _ := wiki.New(kind)
	if work, ok := doc.(*wiki.Work); ok {
		work.Medium = wiki.Medium(r.URL.Query().Get("medium"))
	}
	if name := r.URL.Query().Get("name"); name != "" {
		_ = applyScalars(doc, map[string][]string{"name": {name}})
	}
	return a.render(w, r, http.StatusOK, "new", "New "+kind.Label(), editPage{Kind: kind, Fields: scalarFields(doc)})
}

// New creates a page from the new-page form.
func (a *App) New(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	kind, err := creatableKind(r)
	if err != nil {
		return err
	}
	doc, _ := wiki.New(kind)
	if err := applyScalars(doc, r.PostForm); err != nil {
		return err
	}
	if r.PostFormValue("different") == "" {
		// A page of this name may be there already: the person sees it before making another.
		same, err := a.edits.Lookalikes(r.Context(), kind, doc.Title())
		if err != nil {
			return err
		}
		if len(same) > 0 {
			return a.render(w, r, http.StatusConflict, "new", "New "+kind.Label(), editPage{Kind: kind, Fields: scalarFields(doc),
				Lookalikes: same, Summary: r.PostFormValue("edit_summary")})
		}
	}
	id, res, err := a.edits.Create(r.Context(), s.User.ID, r.PostFormValue("edit_summary"), kind, doc)
	if ve, ok := errors.AsType[*wiki.ValidationError](err); ok {
		// The form again, with what was typed and what is wrong with it.
		return a.render(w, r, http.StatusBadRequest, "new", "New "+kind.Label(), editPage{Kind: kind, Fields: scalarFields(doc),
			Problems: ve.Problems, Summary: r.PostFormValue("edit_summary")})
	}
	if err != nil {
		return err
	}
	if res.Status == store.StatusPending {
		// The page does not exist until a moderator accepts it; its changeset's page says so.
		http.Redirect(w, r, changesetPath(res.Changeset), http.StatusSeeOther)
		return nil
	}
	e, err := a.store.Entity(r.Context(), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, e.Path(), http.StatusSeeOther)
	return nil
}
