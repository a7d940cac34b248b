package demo

import (
	"context"
	"errors"
	"fmt"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Newcomer is the name of the demo's newcomer: an editor's account, as everyone's is on signing
// up, whose one edit to the Memories page waits in the queue, so that the person trying the demo
// sees moderation at work. Its password is a random one nobody is told.
const Newcomer = "newcomer"

// The newcomer's edit: a note on a credit of the fixture, true of the film, that a moderator
// would gladly approve.
const (
	proposalPerson  = "Satoshi Kon"
	proposalRole    = "Writer"
	proposalNote    = "Screenplay of the Magnetic Rose segment."
	proposalSummary = "Satoshi Kon wrote the screenplay of Magnetic Rose"
)

// settingProposed records that the newcomer's edit was proposed, so that it is proposed once per
// store, whatever a moderator did with it since.
const settingProposed = "demo.proposed"

// propose has the newcomer propose their edit to the Memories page once per store. A store
// whose page has no such credit, or has a note on it already, gets no proposal.
func propose(ctx context.Context, edits *edit.Service, f *Fixture, params auth.Params) error {
	s := edits.Store
	if _, err := s.Setting(ctx, settingProposed); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	workID, key, err := proposalCredit(ctx, s, f.Work.Name)
	if err != nil {
		return err
	}
	if key != "" {
		newcomer, err := systemAccount(ctx, s, Newcomer, auth.RoleEditor, params)
		if err != nil {
			return err
		}
		// The newcomer is an editor, so Apply keeps the change as a proposal for review, and it
		// counts against the newcomer's hourly limit alone.
		res, err := edits.Apply(ctx, newcomer, proposalSummary, func(c *edit.Changes) error {
			e, doc, err := c.Current(ctx, workID)
			if err != nil {
				return err
			}
			w, ok := doc.(*wiki.Work)
			if !ok {
				return fmt.Errorf("entity %d is not a work", workID)
			}
			if err := edit.EditCredit(w, key, proposalRole, proposalNote); err != nil {
				return err
			}
			return c.Update(ctx, e.ID, e.Head, w)
		})
		if err != nil {
			return fmt.Errorf("demo: the newcomer's edit: %w", err)
		}
		if res.Status != store.StatusPending {
			return fmt.Errorf("demo: the newcomer's edit is %s, want it waiting for review", res.Status)
		}
	}
	return s.SetSetting(ctx, settingProposed, "1")
}

// proposalCredit finds, on the work named name, the credit the newcomer's edit adds its note
// to: the fixture's (no source) credit of proposalPerson as proposalRole, with no note yet. It
// returns an empty key when there is none.
func proposalCredit(ctx context.Context, s *store.Store, name string) (int64, string, error) {
	works, err := s.EntitiesByName(ctx, wiki.KindWork, name)
	if err != nil {
		return 0, "", err
	}
	for _, e := range works {
		if e.Head == 0 {
			continue
		}
		r, err := s.Revision(ctx, e.ID, e.Head)
		if err != nil {
			return 0, "", err
		}
		doc, err := wiki.Decode(e.Kind, r.Document)
		if err != nil {
			return 0, "", err
		}
		for _, cr := range doc.(*wiki.Work).Credits {
			if cr.Source != "" || cr.Role != proposalRole || cr.Note != "" {
				continue
			}
			p, err := s.Entity(ctx, int64(cr.Person))
			if err != nil {
				return 0, "", err
			}
			if p.Name == proposalPerson {
				return e.ID, cr.Key, nil
			}
		}
	}
	return 0, "", nil
}
