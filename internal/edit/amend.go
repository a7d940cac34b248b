package edit

import (
	"bytes"
	"context"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// A changeset waiting for review belongs to its author until a moderator takes it up: they may
// keep building it (a new editor's work gets its credits and segments before anyone has seen
// it) or take it back. A moderator always reviews it as it is at that moment.

// Amend changes a changeset that waits for review, on behalf of its author. fn sees the
// changeset's own proposals (Current and Update of an entity it proposes a document for work on
// that document) and may change other pages or create new ones, which join the same changeset.
// A summary, when given, is added to the changeset's own.
func (s *Service) Amend(ctx context.Context, author, changeset int64, summary string, fn func(c *Changes) error) (Result, error) {
	summary, err := cleanSummary(summary)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = s.Store.Tx(ctx, func(tx *store.Tx) error {
		cs, u, err := ownPending(ctx, tx, changeset, author)
		if err != nil {
			return err
		}
		if err := s.checkRate(ctx, tx, u); err != nil {
			return err
		}
		c := newChanges(tx, u, auth.Role(u.Role), summary, changeset, true)
		proposals, err := tx.Proposals(ctx, changeset)
		if err != nil {
			return err
		}
		for _, p := range proposals {
			doc, err := wiki.Decode(p.Entity.Kind, p.Document)
			if err != nil {
				return err
			}
			c.proposed[p.Entity.ID] = &proposal{entity: p.Entity, base: p.Base, doc: doc, pos: p.Position}
			c.touched = append(c.touched, p.Entity.ID)
			if p.Base == 0 {
				c.created[p.Entity.ID] = p.Entity.Kind
			}
		}
		if err := fn(c); err != nil {
			return err
		}
		if c.put == 0 {
			return wiki.Invalid("the edit changes nothing")
		}
		if summary != "" {
			joined := []rune(cs.Summary + "; " + summary)
			if cs.Summary == "" {
				joined = []rune(summary)
			}
			if len(joined) > maxSummary {
				joined = append(joined[:maxSummary-1], '…')
			}
			if err := tx.SetChangesetSummary(ctx, changeset, string(joined)); err != nil {
				return err
			}
		}
		res = Result{Changeset: changeset, Status: store.StatusPending, Entities: c.touched}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// AmendEntity is Amend for one entity: fn changes the document the changeset proposes for it,
// or, when it proposes none, the entity's current one.
func (s *Service) AmendEntity(ctx context.Context, author, changeset int64, summary string, id int64,
	fn func(ctx context.Context, c *Changes, doc wiki.Document) error) (Result, error) {
	return s.Amend(ctx, author, changeset, summary, func(c *Changes) error {
		e, doc, err := c.Current(ctx, id)
		if err != nil {
			return err
		}
		if err := fn(ctx, c, doc); err != nil {
			return err
		}
		return c.Update(ctx, id, e.Head, doc)
	})
}

// Withdraw takes back a changeset that waits for review, by its author. Like a rejected one,
// nothing of it reaches the pages, and the pages it would have created stay without one.
func (s *Service) Withdraw(ctx context.Context, changeset, author int64) error {
	return s.Store.Tx(ctx, func(tx *store.Tx) error {
		if _, _, err := ownPending(ctx, tx, changeset, author); err != nil {
			return err
		}
		return tx.ReviewChangeset(ctx, changeset, store.StatusWithdrawn, author, "", 0)
	})
}

// ownPending locks a changeset that waits for review and checks that author, who may still edit,
// made it.
func ownPending(ctx context.Context, tx *store.Tx, changeset, author int64) (store.Changeset, store.User, error) {
	cs, err := pendingChangeset(ctx, tx, changeset)
	if err != nil {
		return store.Changeset{}, store.User{}, err
	}
	if cs.AuthorID != author {
		return store.Changeset{}, store.User{}, wiki.Refused("Only its author can change or withdraw an edit that waits for review.")
	}
	u, err := tx.UserByID(ctx, author)
	if err != nil {
		return store.Changeset{}, store.User{}, err
	}
	if u.BannedAt != nil || !auth.Role(u.Role).Can(auth.Edit) {
		return store.Changeset{}, store.User{}, wiki.Refused("This account may not edit.")
	}
	return cs, u, nil
}

// repropose replaces the document the changeset proposes for an entity. A page the changeset
// creates takes the new document's name at once, so that the queue shows it.
func (c *Changes) repropose(ctx context.Context, p *proposal, doc wiki.Document) error {
	old, err := wiki.Encode(p.doc)
	if err != nil {
		return err
	}
	data, err := wiki.Encode(doc)
	if err != nil {
		return err
	}
	if bytes.Equal(old, data) {
		return nil
	}
	if err := checkExternalIDs(ctx, c.tx, p.entity.ID, doc); err != nil {
		return err
	}
	if p.base == 0 && p.entity.Head == 0 && doc.Title() != p.doc.Title() {
		if err := c.tx.SetHead(ctx, p.entity.ID, 0, 0, doc.Title(), segment(p.entity.Kind, doc), 0); err != nil {
			return err
		}
		p.entity.Name = doc.Title()
	}
	p.doc = doc
	return c.putProposal(ctx, p)
}
