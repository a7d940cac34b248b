package edit

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Revert makes a new revision of entity id whose document is that of revision number. History is
// kept: the revisions after number stay, and the revert is one more. Like any edit, a revert by
// an editor whose edits are reviewed waits in the queue.
//
// Reverting a page that a merge made a redirect reverts the whole merge (see RevertMerge): the
// page and the references to it come back together.
func (s *Service) Revert(ctx context.Context, author, id int64, number int, summary string) (Result, error) {
	if e, err := s.Store.Entity(ctx, id); err == nil && e.MergedInto != 0 {
		rev, err := s.Store.Revision(ctx, id, e.Head)
		if err != nil {
			return Result{}, err
		}
		return s.RevertMerge(ctx, author, rev.ChangesetID, summary)
	}
	if summary == "" {
		summary = fmt.Sprintf("Reverted to revision %d", number)
	}
	return s.Apply(ctx, author, summary, func(c *Changes) error {
		e, err := c.tx.EntityForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if number < 1 || number > e.Head {
			return wiki.Invalid("revision: %s has no revision %d", e.Name, number)
		}
		old, err := c.document(ctx, e.Kind, id, number)
		if err != nil {
			return err
		}
		if number == e.Head {
			return wiki.Invalid("revision %d is already the current one", number)
		}
		return c.Update(ctx, id, e.Head, old)
	})
}

// Reindex rebuilds every projection from the entities' current documents, in one transaction.
// It returns the number of entities indexed.
func (s *Service) Reindex(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearProjections(ctx); err != nil {
			return err
		}
		err := tx.HeadDocuments(ctx, func(h store.HeadDocument) error {
			doc, err := wiki.Decode(h.Entity.Kind, h.Document)
			if err != nil {
				return fmt.Errorf("edit: reindex %d: %w", h.Entity.ID, err)
			}
			n++
			return project(ctx, tx, h.Entity.ID, h.Entity.Kind, doc, nil, true) // the projections were cleared
		})
		if err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, searchVersion, strconv.Itoa(search.Version)); err != nil {
			return err
		}
		return tx.Announce(ctx, nil)
	})
	if err == nil && s.OnAccept != nil {
		s.OnAccept(nil)
	}
	return n, err
}

// searchVersion is the setting that records the search.Version of the stored search terms.
const searchVersion = "search.version"

// SearchIndexCurrent reports whether the stored search terms are the ones search.Terms makes
// now. When not (a wiki from before the search index, or from before search.Version last
// changed), Reindex rebuilds them. A wiki without pages is current, and is marked so.
func (s *Service) SearchIndexCurrent(ctx context.Context) (bool, error) {
	pages, terms, err := s.Store.SearchIndexState(ctx)
	if err != nil {
		return false, err
	}
	if !pages {
		return true, s.Store.SetSetting(ctx, searchVersion, strconv.Itoa(search.Version))
	}
	v, err := s.Store.Setting(ctx, searchVersion)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	return terms && v == strconv.Itoa(search.Version), nil
}
