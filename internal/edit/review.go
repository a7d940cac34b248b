package edit

import (
	"bytes"
	"context"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// reviewer reads the account reviewing a changeset and checks that it may take the action.
func reviewer(ctx context.Context, tx *store.Tx, id int64, action auth.Action) (store.User, error) {
	u, err := tx.UserByID(ctx, id)
	if err != nil {
		return store.User{}, err
	}
	if u.BannedAt != nil || !auth.Role(u.Role).Can(action) {
		return store.User{}, wiki.Refused("Only moderators can review edits.")
	}
	return u, nil
}

// pendingChangeset locks a changeset and checks that it still waits for review.
func pendingChangeset(ctx context.Context, tx *store.Tx, id int64) (store.Changeset, error) {
	if err := tx.LockChangeset(ctx, id); err != nil {
		return store.Changeset{}, err
	}
	cs, err := tx.Changeset(ctx, id)
	if err != nil {
		return store.Changeset{}, err
	}
	if cs.Status != store.StatusPending {
		return store.Changeset{}, wiki.Invalid("this edit was already reviewed: it is %s", cs.Status)
	}
	return cs, nil
}

// Approve accepts a changeset from the queue on behalf of its author. Each proposed document is
// applied as the author's edit would have been: a compare-and-set on the entity's current
// revision, merged field by field when the page moved on since the proposal was made. A real
// conflict fails the approval with a *ConflictError and changes nothing; the moderator sees both
// versions and may reject the edit instead.
func (s *Service) Approve(ctx context.Context, changeset, moderator int64) (Result, error) {
	var res Result
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		m, err := reviewer(ctx, tx, moderator, auth.Approve)
		if err != nil {
			return err
		}
		cs, err := pendingChangeset(ctx, tx, changeset)
		if err != nil {
			return err
		}
		author, err := tx.UserByID(ctx, cs.AuthorID)
		if err != nil {
			return err
		}
		proposals, err := tx.Proposals(ctx, changeset)
		if err != nil {
			return err
		}
		// The moderator's role decides whether a locked page may change: approving is their act.
		c := newChanges(tx, author, auth.Role(m.Role), cs.Summary, changeset, false)
		for _, p := range proposals {
			if p.Base == 0 {
				c.created[p.Entity.ID] = p.Entity.Kind
			}
		}
		same, err := namesakes(ctx, tx, cs, proposals)
		if err != nil {
			return err
		}
		for _, p := range proposals {
			if _, ok := same[p.Entity.ID]; ok {
				continue
			}
			doc, err := wiki.Decode(p.Entity.Kind, p.Document)
			if err != nil {
				return err
			}
			for from, into := range same {
				wiki.Retarget(p.Entity.ID, doc, from, into)
			}
			if p.Base == 0 {
				if err := c.check(ctx, p.Entity.ID, doc); err != nil {
					return err
				}
				err = c.write(ctx, p.Entity, doc)
			} else {
				err = c.Update(ctx, p.Entity.ID, p.Base, doc)
			}
			if err != nil {
				return err
			}
		}
		if err := tx.ReviewChangeset(ctx, changeset, store.StatusAccepted, m.ID, "", c.points); err != nil {
			return err
		}
		res = Result{Changeset: changeset, Status: store.StatusAccepted, Entities: c.touched}
		return s.credit(ctx, c, &res, true)
	})
	if err != nil {
		return Result{}, err
	}
	if s.OnAccept != nil {
		s.OnAccept(res.Entities)
	}
	return res, nil
}

// Reject turns down a changeset from the queue with a reason its author will see. Nothing it
// proposed reaches the pages; entities it would have created stay without a page.
func (s *Service) Reject(ctx context.Context, changeset, moderator int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return wiki.Invalid("give a reason: the editor will see it")
	}
	if len([]rune(reason)) > 1000 {
		return wiki.Invalid("the reason is longer than 1000 characters")
	}
	return s.Store.Tx(ctx, func(tx *store.Tx) error {
		m, err := reviewer(ctx, tx, moderator, auth.Reject)
		if err != nil {
			return err
		}
		if _, err := pendingChangeset(ctx, tx, changeset); err != nil {
			return err
		}
		return tx.ReviewChangeset(ctx, changeset, store.StatusRejected, m.ID, reason, 0)
	})
}

// namesakes finds the pages a changeset made only to name them (a person named in a credit,
// with nothing but the name) that another changeset has made since, while this one waited: two
// new editors who credit the same new person make one page of them, not two. It maps each such
// entity to the page to use instead, and takes back the changeset's proposal for it. A page of
// that name that was there when the changeset was made is not one: the author chose a new one.
func namesakes(ctx context.Context, tx *store.Tx, cs store.Changeset, proposals []store.Proposal) (map[int64]int64, error) {
	same := map[int64]int64{}
	for _, p := range proposals {
		named := NewNamed(p.Entity.Kind)
		if p.Base != 0 || named == nil {
			continue
		}
		doc, err := wiki.Decode(p.Entity.Kind, p.Document)
		if err != nil {
			return nil, err
		}
		bare, err := wiki.Encode(named(doc.Title()))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(bare, p.Document) {
			continue
		}
		list, err := tx.EntitiesNamedSince(ctx, p.Entity.Kind, doc.Title(), cs.CreatedAt)
		if err != nil || len(list) == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		same[p.Entity.ID] = list[0].ID
		if err := tx.DeleteProposal(ctx, cs.ID, p.Entity.ID); err != nil {
			return nil, err
		}
	}
	return same, nil
}
