package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// A moderator merges a duplicate page into the page to keep from the duplicate's page tools:
// /{segment}/{ref}/merge asks which page to keep (by name, "Name (#id)", id or address, with the
// pages of the same name offered), shows both with what the merge will do, and merges on
// confirmation (edit.Service.Merge). The merged page's address then leads to the kept one; its
// history stays, and reverting it there reverts the merge.

// mergeView is the data of the merge page.
type mergeView struct {
	From  mergeSide
	Into  *mergeSide // nil until a page to keep is chosen
	Query string     // what the moderator typed to name the page to keep
	// Choices are pages the moderator may mean: those with the duplicate's name, or those
	// with the name typed when several have it.
	Choices  []store.Entity
	Problems []string
	// Dropped and LeftIDs preview what the kept page will not take (see wiki.Absorbed).
	Dropped []string
	LeftIDs []string
	CSRF    string
}

// mergeSide is one of the two pages of a merge, with what it says and how many pages point to
// it.
type mergeSide struct {
	Entity    store.Entity
	Facts     []wiki.Change
	More      int // facts left out
	Referrers int
	doc       wiki.Document
}

// maxMergeFacts is how many facts of each page the confirmation shows.
const maxMergeFacts = 40

// MergeForm shows the merge page of a duplicate.
func (a *App) MergeForm(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireModerator(r, auth.Lock)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/merge")
		if err != nil || !ok {
			return err
		}
		v := mergeView{CSRF: s.CSRFToken, Query: strings.TrimSpace(r.URL.Query().Get("into"))}
		if len([]rune(v.Query)) > 300 {
			return badRequest("the page to keep is named in at most 300 characters")
		}
		if v.From, err = a.mergeSide(r.Context(), e); err != nil {
			return err
		}
		if v.Query == "" {
			if v.Choices, err = a.mergeLookalikes(r.Context(), e); err != nil {
				return err
			}
			return a.render(w, r, http.StatusOK, "merge", "Merge "+e.Name, v)
		}
		into, choices, problem, err := a.mergeTarget(r.Context(), e, v.Query)
		if err != nil {
			return err
		}
		if into.ID == 0 {
			v.Choices = choices
			v.Problems = []string{problem}
			return a.render(w, r, http.StatusOK, "merge", "Merge "+e.Name, v)
		}
		side, err := a.mergeSide(r.Context(), into)
		if err != nil {
			return err
		}
		v.Into = &side
		_, absorbed := wiki.Absorb(side.doc, v.From.doc, e.ID, into.ID)
		v.Dropped = absorbed.Dropped
		for _, x := range absorbed.LeftIDs {
			v.LeftIDs = append(v.LeftIDs, x.Label()+" "+x.ID)
		}
		return a.render(w, r, http.StatusOK, "merge", "Merge "+e.Name+" into "+into.Name, v)
	}
}

// Merge merges the page into the one the confirmed form names, and goes to the kept page.
func (a *App) Merge(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireModerator(r, auth.Lock)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/merge")
		if err != nil || !ok {
			return err
		}
		into, err := strconv.ParseInt(r.PostFormValue("into"), 10, 64)
		if err != nil || into <= 0 {
			return badRequest("choose the page to keep")
		}
		if r.PostFormValue("confirm") != "1" {
			return badRequest("confirm the merge")
		}
		if _, err := a.edits.Merge(r.Context(), s.User.ID, r.PostFormValue("edit_summary"), e.ID, into); err != nil {
			return err
		}
		kept, err := a.store.Entity(r.Context(), into)
		if err != nil {
			return err
		}
		http.Redirect(w, r, kept.Path(), http.StatusSeeOther)
		return nil
	}
}

// mergeSide reads what the merge page shows of entity e.
func (a *App) mergeSide(ctx context.Context, e store.Entity) (mergeSide, error) {
	side := mergeSide{Entity: e}
	var err error
	if side.doc, err = a.head(ctx, e); err != nil {
		return side, err
	}
	names, err := a.nameFunc(ctx, side.doc)
	if err != nil {
		return side, err
	}
	facts := wiki.Diff(nil, side.doc, names)
	if len(facts) > maxMergeFacts {
		side.More = len(facts) - maxMergeFacts
		facts = facts[:maxMergeFacts]
	}
	side.Facts = facts
	referrers, err := a.store.LinkSources(ctx, e.ID, edit.MaxMergeReferrers+1)
	side.Referrers = len(referrers)
	return side, err
}

// mergeLookalikes lists the other pages of e's kind that have its name, as search compares
// names: the duplicates a moderator most likely came to merge.
func (a *App) mergeLookalikes(ctx context.Context, e store.Entity) ([]store.Entity, error) {
	found, err := a.edits.Lookalikes(ctx, e.Kind, e.Name)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(found))
	for _, f := range found {
		if f.ID != e.ID {
			ids = append(ids, f.ID)
		}
	}
	return a.entitiesInOrder(ctx, ids)
}

func (a *App) entitiesInOrder(ctx context.Context, ids []int64) ([]store.Entity, error) {
	byID, err := a.store.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []store.Entity
	for _, id := range ids {
		if x, ok := byID[id]; ok && x.MergedInto == 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

// mergeTarget finds the page to keep that the moderator named: "#12", "12", "Name (#12)", the
// page's address, or its name. It returns the page, or the pages the name may mean with a
// problem to show.
func (a *App) mergeTarget(ctx context.Context, from store.Entity, text string) (store.Entity, []store.Entity, string, error) {
	id := int64(0)
	if ch := edit.ParseChoice(text, false); ch.ID != 0 {
		id = ch.ID
	} else if n, err := strconv.ParseInt(strings.TrimPrefix(text, "#"), 10, 64); err == nil && n > 0 {
		id = n
	} else if u := text[strings.LastIndex(text, "/")+1:]; strings.Contains(text, "/") {
		if n, _, err := wiki.ParseRef(u); err == nil {
			id = n
		}
	}
	if id != 0 {
		found, err := a.store.EntitiesByID(ctx, []int64{id})
		if err != nil {
			return store.Entity{}, nil, "", err
		}
		x, ok := found[id]
		switch {
		case !ok:
			return store.Entity{}, nil, "There is no page #" + strconv.FormatInt(id, 10) + ".", nil
		case x.ID == from.ID:
			return store.Entity{}, nil, "A page cannot be merged into itself.", nil
		case x.Kind != from.Kind:
			return store.Entity{}, nil, "“" + x.Name + "” is a " + string(x.Kind) + ", not a " + string(from.Kind) + ".", nil
		case x.MergedInto != 0:
			return store.Entity{}, nil, "“" + x.Name + "” redirects to another page: name that one.", nil
		}
		return x, nil, "", nil
	}
	list, err := a.store.EntitiesByName(ctx, from.Kind, text)
	if err != nil {
		return store.Entity{}, nil, "", err
	}
	list = slices.DeleteFunc(list, func(x store.Entity) bool { return x.ID == from.ID })
	switch len(list) {
	case 1:
		return list[0], nil, "", nil
	case 0:
		return store.Entity{}, nil, "No other " + string(from.Kind) + " is named “" + text + "”.", nil
	}
	return store.Entity{}, list, "Several pages are named “" + text + "”: choose one.", nil
}

// mergedRedirect answers a request for the page of e, which was merged into another, with a
// redirect to that page's address plus suffix. The redirect is permanent but not kept by
// browsers, since a merge can be reverted.
func (a *App) mergedRedirect(w http.ResponseWriter, r *http.Request, e store.Entity, suffix string) error {
	kept := e
	for range 4 { // a chain of merges is short: Merge never merges into a redirect
		if kept.MergedInto == 0 {
			break
		}
		next, err := a.store.Entity(r.Context(), kept.MergedInto)
		if err != nil {
			return err
		}
		kept = next
	}
	target := kept.Path() + suffix
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusMovedPermanently
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status = http.StatusPermanentRedirect
	}
	http.Redirect(w, r, target, status)
	return nil
}
