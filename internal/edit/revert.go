package edit

import (
	"context"
	"fmt"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Revert makes a new revision of entity id whose document is that of revision number. History is
// kept: the revisions after number stay, and the revert is one more. Like any edit, a revert by
// an editor whose edits are reviewed waits in the queue.
func (s *Service) Revert(ctx context.Context, author, id int64, number int, summary string) (Result, error) {
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
		return tx.Announce(ctx, nil)
	})
	if err == nil && s.OnAccept != nil {
		s.OnAccept(nil)
	}
	return n, err
}
