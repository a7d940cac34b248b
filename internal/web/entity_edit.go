package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

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
	// Rows are a work section's add rows; BlankRow is the one a script copies to add another.
	Rows     []addRow
	BlankRow addRow
	// Form is the form as it was sent, when it is shown again; nil when it is new.
	Form url.Values
	// Paste is the text of the pasted-list box (the lines that could not be read, once it was
	// read), PasteProblems what was wrong with them, Notice what reading it did.
	Paste         string
	PasteProblems []edit.LineProblem
	Notice        string
	// Changeset is the editor's own changeset waiting for review that the form is made from and
	// that what it saves joins; 0 for a form made from the page as it is.
	Changeset int64
}

// Removed reports whether the item with key was ticked for removal in the form as it was sent.
func (p editPage) Removed(key string) bool { return slices.Contains(p.Form["remove"], key) }

// Typed is the value of the input name as it was sent, or value on a new form.
func (p editPage) Typed(name, value string) string {
	if p.Form != nil && p.Form.Has(name) {
		return p.Form.Get(name)
	}
	return value
}

// Checked reports whether the box name was ticked in the form as it was sent.
func (p editPage) Checked(name string) bool { return p.Form.Get(name) != "" }

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
		e, ok, err := a.loadEditable(w, r, segment, editSuffix(section))
		if err != nil || !ok {
			return err
		}
		data, err := a.editData(r.Context(), e, section)
		if err != nil {
			return err
		}
		return a.render(w, r, http.StatusOK, "edit", editTitle(data), data)
	}
}

// editData is the edit form of entity e, of its section when e is a work, as the page is now;
// for an editor whose own edit of it waits for review, as that edit makes it.
func (a *App) editData(ctx context.Context, e store.Entity, section string) (editPage, error) {
	data := editPage{Entity: e, Base: e.Head, Kind: e.Kind, Lists: choices}
	var doc wiki.Document
	var err error
	if s := sessionFrom(ctx); s != nil {
		p, perr := a.store.PendingProposal(ctx, s.User.ID, e.ID)
		if perr != nil && !errors.Is(perr, store.ErrNotFound) {
			return editPage{}, perr
		}
		if perr == nil {
			data.Changeset = p.ChangesetID
			if doc, err = wiki.Decode(e.Kind, p.Document); err != nil {
				return editPage{}, err
			}
		}
	}
	if doc == nil {
		if doc, err = a.head(ctx, e); err != nil {
			return editPage{}, err
		}
	}
	if work, isWork := doc.(*wiki.Work); isWork {
		if section == "" {
			section = "basics"
		}
		s, ok := findSection(section)
		if !ok {
			return editPage{}, store.ErrNotFound
		}
		data.Section = s
		if data.View, err = a.workView(ctx, entityView{Entity: e}, work); err != nil {
			return editPage{}, err
		}
		data.Rows = numbered(blankRows(s.Start), nil)
		data.BlankRow = addRow{Prefix: rowPrefix + "__.", Values: url.Values{}}
	} else if section != "" {
		return editPage{}, store.ErrNotFound
	}
	if data.Section.Key == "" || data.Section.Key == "basics" {
		data.Fields = scalarFields(doc)
	}
	return data, nil
}

func editTitle(data editPage) string {
	title := "Edit " + data.Entity.Name
	if data.Section.Title != "" {
		title += ": " + data.Section.Title
	}
	return title
}

func blankRows(n int) []addRow {
	rows := make([]addRow, n)
	for i := range rows {
		rows[i].Values = url.Values{}
	}
	return rows
}

func editSuffix(section string) string {
	if section == "" {
		return "/edit"
	}
	return "/edit/" + section
}

// Edit saves an edit form as one changeset made from the revision the form was shown with. A
// form that cannot be saved comes back with its problems (400), or with what someone else
// changed meanwhile (409), everything typed kept. A work section's form sent with "Add another
// row" or "Check" comes back with one more row, or with its pasted list read into rows, and
// saves nothing.
func (a *App) Edit(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		section := r.PathValue("section")
		e, ok, err := a.loadEditable(w, r, segment, editSuffix(section))
		if err != nil || !ok {
			return err
		}
		// A form made from the editor's own edit waiting for review adds to that edit.
		var changeset int64
		if raw := r.PostFormValue("changeset"); raw != "" {
			if changeset, err = strconv.ParseInt(raw, 10, 64); err != nil || changeset <= 0 {
				return badRequest("changeset must be the number of your edit waiting for review")
			}
		}
		base, err := strconv.Atoi(r.PostFormValue("base"))
		if changeset == 0 && (err != nil || base <= 0) {
			return wiki.Invalid("the form is missing the revision it was made from; reload it and try again")
		}
		ctx, form := r.Context(), r.PostForm
		summary := form.Get("edit_summary")
		update := func(fn func(ctx context.Context, c *edit.Changes, doc wiki.Document) error) error {
			if changeset != 0 {
				_, err := a.edits.AmendEntity(ctx, s.User.ID, changeset, summary, e.ID, fn)
				return err
			}
			_, err := a.edits.Update(ctx, s.User.ID, summary, e.ID, base, fn)
			return err
		}
		if e.Kind != wiki.KindWork {
			if section != "" {
				return store.ErrNotFound
			}
			err = update(func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
				return applyScalars(doc, form)
			})
			return a.saved(w, r, e, "", base, form, err)
		}
		if section == "" {
			section = "basics"
		}
		sec, ok := findSection(section)
		if !ok {
			return store.ErrNotFound
		}
		if sec.Row != nil {
			var done bool
			if form, done, err = a.readRows(w, r, e, sec, base, form); done || err != nil {
				return err
			}
		}
		err = update(func(ctx context.Context, c *edit.Changes, doc wiki.Document) error {
			w, ok := doc.(*wiki.Work)
			if !ok {
				return store.ErrNotFound
			}
			return sec.apply(ctx, c, e.ID, w, form)
		})
		return a.saved(w, r, e, sec.Key, base, form, err)
	}
}

// readRows handles the buttons of a section with add rows. "Add another row" shows the form
// again with one more blank row; "Check" shows it with its pasted list read into rows; a form
// saved with a pasted list has the list read into rows, and is shown again when a line could
// not be read. When it has shown the form, readRows returns done; else the form to save.
func (a *App) readRows(w http.ResponseWriter, r *http.Request, e store.Entity, sec workSection, base int, form url.Values) (url.Values, bool, error) {
	more, check := form.Get("rows") != "", form.Get("check") != ""
	text := form.Get("paste")
	pasting := sec.Paste && strings.TrimSpace(text) != ""
	if !more && !check && !pasting {
		return form, false, nil
	}
	rows, _ := formRows(form, sec.Row, true)
	var notice string
	var problems []edit.LineProblem
	if pasting {
		data, err := a.editData(r.Context(), e, sec.Key)
		if err != nil {
			return nil, true, err
		}
		var pasted []addRow
		pasted, problems = pastedRows(sec, text, nextEpisode(data.View), form.Get("paste_segment") != "")
		if len(pasted) == 0 && len(problems) == 0 {
			problems = []edit.LineProblem{{Line: 1, Text: "", Problem: "the list shows nothing to read"}}
		}
		rows = slices.DeleteFunc(rows, func(r addRow) bool { return blankRow(r, sec.Row) })
		rows = append(rows, pasted...)
		form = withRows(form, rows)
		form.Set("paste", problemLines(text, problems))
		notice = fmt.Sprintf("The list gave %s, below: check them, then save.", plural(len(pasted), "row"))
		if len(problems) == 1 {
			notice = fmt.Sprintf("The list gave %s, below; 1 line could not be read, and is left in the box.", plural(len(pasted), "row"))
		} else if len(problems) > 1 {
			notice = fmt.Sprintf("The list gave %s, below; %d lines could not be read, and are left in the box.", plural(len(pasted), "row"), len(problems))
		}
	}
	if !more && !check && len(problems) == 0 {
		return form, false, nil
	}
	status := http.StatusOK
	if !more && !check {
		status = http.StatusBadRequest // saved with lines that could not be read
	}
	if (more || !slices.ContainsFunc(rows, func(r addRow) bool { return blankRow(r, sec.Row) })) && len(rows) < edit.MaxRows {
		rows = append(rows, addRow{Values: url.Values{}})
	}
	return nil, true, a.editAgain(w, r, e, sec.Key, base, form, rows, status, nil, func(p *editPage) {
		p.Notice, p.PasteProblems = notice, problems
		if status == http.StatusBadRequest {
			p.Problems = append(p.Problems, "Some lines of the pasted list could not be read; correct them in its box, or remove them, and save again:")
			for _, lp := range problems {
				p.Problems = append(p.Problems, lp.String())
			}
		}
	})
}

// plural is "1 row" or "n rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// nextEpisode is the number after the highest of the work's episodes and segments in view.
func nextEpisode(view any) int {
	n := 0
	if v, ok := view.(*workPage); ok {
		for _, ep := range v.Episodes {
			n = max(n, ep.Episode.Number)
		}
	}
	return n + 1
}

// saved answers a form saved with the outcome err: the page it changed, or the form again with
// what is wrong.
func (a *App) saved(w http.ResponseWriter, r *http.Request, e store.Entity, section string, base int, form url.Values, err error) error {
	if _, ok := errors.AsType[*wiki.ValidationError](err); ok {
		return a.editAgain(w, r, e, section, base, form, nil, http.StatusBadRequest, err, nil)
	}
	if _, ok := errors.AsType[*edit.ConflictError](err); ok {
		// The form again, made from the page as it is now: saved again, it changes that.
		now, lerr := a.store.Entity(r.Context(), e.ID)
		if lerr != nil {
			return lerr
		}
		return a.editAgain(w, r, now, section, now.Head, form, nil, http.StatusConflict, err, nil)
	}
	if err != nil {
		return err
	}
	// An edit waiting for review leaves the page as it was; the page then tells its author so,
	// and shows it to them with the edit. A page the edit creates has no other address yet.
	updated, err := a.store.Entity(r.Context(), e.ID)
	if errors.Is(err, store.ErrNotFound) {
		updated, err = e, nil
	}
	if err != nil {
		return err
	}
	anchor := ""
	if section != "" {
		anchor = "#" + section
	}
	http.Redirect(w, r, updated.Path()+anchor, http.StatusSeeOther)
	return nil
}

// editAgain shows the edit form of e as it was sent (form), made from revision base, with the
// problems of err: a *edit.RowsError's beside their rows, every one above the form. rows, when
// not nil, are the add rows to show instead of the form's; more changes the page last.
func (a *App) editAgain(w http.ResponseWriter, r *http.Request, e store.Entity, section string, base int, form url.Values,
	rows []addRow, status int, err error, more func(*editPage)) error {
	data, derr := a.editData(r.Context(), e, section)
	if derr != nil {
		return derr
	}
	data.Base, data.Form, data.Summary = base, form, form.Get("edit_summary")
	data.Paste = form.Get("paste")
	keepTyped(data.Fields, form)
	if data.Section.Row != nil {
		if rows == nil {
			rows, _ = formRows(form, data.Section.Row, true)
		}
		if len(rows) == 0 {
			rows = blankRows(max(data.Section.Start, 1))
		}
		data.Rows = numbered(rows, err)
	}
	if ve, ok := errors.AsType[*wiki.ValidationError](err); ok {
		data.Problems = ve.Problems
	}
	if ce, ok := errors.AsType[*edit.ConflictError](err); ok {
		data.Problems = []string{"Someone else changed this page since you opened the form. The form is now made from the page as it is, with what you typed: check it and save again."}
		for _, c := range ce.Conflicts {
			data.Problems = append(data.Problems, c.String())
		}
	}
	if more != nil {
		more(&data)
	}
	return a.render(w, r, status, "edit", editTitle(data), data)
}

// keepTyped sets the inputs of a plain-fields form to the values of form, as they were sent.
func keepTyped(fields []formField, form url.Values) {
	for i := range fields {
		f := &fields[i]
		if f.Type == "checkbox" {
			f.Checked = form.Get(f.Name) != ""
		} else if form.Has(f.Name) {
			f.Value = form.Get(f.Name)
		}
	}
}

func asRowsError(err error) (*edit.RowsError, bool) { return errors.AsType[*edit.RowsError](err) }

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
