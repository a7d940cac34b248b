package edit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// project rebuilds every projection row of entity id from its current document: the links, the
// ids on other sites, and a work's plain facts. fresh says the entity was just created and has
// no rows yet, so there is nothing to clear first.
func project(ctx context.Context, tx *store.Tx, id int64, doc wiki.Document, fresh bool) error {
	if err := tx.ReplaceLinks(ctx, id, wiki.Links(id, doc), fresh); err != nil {
		return err
	}
	if err := tx.ReplaceExternalIDs(ctx, id, externalIDs(doc), fresh); err != nil {
		if errors.Is(err, store.ErrExists) {
			// Another transaction claimed the id since checkExternalIDs looked.
			return wiki.Invalid("an id on another site that this page gives was just given to another page")
		}
		return err
	}
	var facts *store.WorkFacts
	if w, ok := doc.(*wiki.Work); ok {
		facts = &store.WorkFacts{Medium: w.Medium, StartDate: w.StartDate, EndDate: w.EndDate, Episodes: w.Episodes,
			OriginalTitle: w.OriginalTitle}
	}
	return tx.ReplaceWorkFacts(ctx, id, facts, fresh)
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
