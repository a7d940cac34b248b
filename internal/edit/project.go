package edit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// project rebuilds the projection rows of entity id from its current document doc: the links,
// the ids on other sites, a work's plain facts, the main image and the entity's search terms. old is the document before (nil when
// unknown): rows that would come out the same are left as they are, so that an edit of a
// description rewrites none. fresh says the entity was just created and has no rows yet.
func project(ctx context.Context, tx *store.Tx, id int64, kind wiki.Kind, doc, old wiki.Document, fresh bool) error {
	if links := wiki.Links(id, doc); fresh || old == nil || !reflect.DeepEqual(links, wiki.Links(id, old)) {
		if err := tx.ReplaceLinks(ctx, id, links, fresh); err != nil {
			return err
		}
	}
	if ids := externalIDs(doc); fresh || old == nil || !reflect.DeepEqual(ids, externalIDs(old)) {
		if err := tx.ReplaceExternalIDs(ctx, id, ids, fresh); err != nil {
			if errors.Is(err, store.ErrExists) {
				// Another transaction claimed the id since checkExternalIDs looked.
				return wiki.Invalid("an id on another site that this page gives was just given to another page")
			}
			return err
		}
	}
	if facts := workFacts(doc); fresh || old == nil || !reflect.DeepEqual(facts, workFacts(old)) {
		if err := tx.ReplaceWorkFacts(ctx, id, facts, fresh); err != nil {
			return err
		}
	}
	if m := mainImage(doc); fresh || old == nil || !reflect.DeepEqual(m, mainImage(old)) {
		if err := tx.ReplaceMainImage(ctx, id, m, fresh); err != nil {
			return err
		}
	}
	if terms := search.Terms(kind, doc); fresh || old == nil || !reflect.DeepEqual(terms, search.Terms(kind, old)) {
		return tx.ReplaceSearchTerms(ctx, id, terms, fresh)
	}
	return nil
}

// workFacts is a work's row of the facts projection; nil for other kinds.
func workFacts(doc wiki.Document) *store.WorkFacts {
	w, ok := doc.(*wiki.Work)
	if !ok || w.MergedInto != 0 {
		return nil // a redirect is listed as the work it was merged into
	}
	return &store.WorkFacts{Medium: w.Medium, StartDate: w.StartDate, EndDate: w.EndDate, Episodes: w.Episodes,
		OriginalTitle: w.OriginalTitle}
}

// mainImage is a page's row of the main images projection; nil when it has none, or is a
// redirect.
func mainImage(doc wiki.Document) *store.MainImage {
	im, ok := wiki.MainImage(doc)
	if !ok || wiki.MergedInto(doc) != 0 {
		return nil
	}
	return &store.MainImage{Hash: im.Key, Width: im.Width, Height: im.Height}
}

// externalIDs returns the ids a document gives on other sites.
func externalIDs(doc wiki.Document) []wiki.ExternalID {
	switch d := doc.(type) {
	case *wiki.Work:
		return d.ExternalIDs
	case *wiki.Person:
		return d.ExternalIDs
	case *wiki.Company:
		return d.ExternalIDs
	case *wiki.Topic:
		return d.ExternalIDs
	}
	return nil
}

// checkExternalIDs refuses a document of entity id that gives an id another page already
// gives: two pages can never claim one work on AniDB.
func checkExternalIDs(ctx context.Context, tx *store.Tx, id int64, doc wiki.Document) error {
	ids := externalIDs(doc)
	if len(ids) == 0 {
		return nil
	}
	owners, err := tx.ExternalIDOwners(ctx, ids)
	if err != nil {
		return err
	}
	var taken []string
	for _, x := range ids {
		if site, ok := wiki.SiteNamed(x.Site); ok && site.Shared {
			continue
		}
		for _, owner := range owners[x.ItemKey()] {
			if owner == id {
				continue
			}
			name := fmt.Sprintf("#%d", owner)
			if found, err := tx.EntitiesByID(ctx, []int64{owner}); err == nil {
				if e, ok := found[owner]; ok {
					name = fmt.Sprintf("%s (#%d)", e.Name, owner)
				}
			}
			taken = append(taken, fmt.Sprintf("%s %s is already the id of %s", x.Label(), x.ID, name))
		}
	}
	if len(taken) > 0 {
		return wiki.Invalid("%s", strings.Join(taken, "; "))
	}
	return nil
}
