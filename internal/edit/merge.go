package edit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Two pages of one thing (a person imported twice under two spellings, one studio under two
// names) are merged by a moderator in one changeset, which a moderator can revert as a whole:
//
//   - the merged page gets a revision that makes it a redirect to the kept one (its document
//     stays, with wiki.MergedInto set), so its history stays readable and its address leads on;
//   - the kept page gets a revision that takes what the merged one knew and it did not (see
//     wiki.Absorb): plain fields it had empty, list entries, the merged name as an alias, ids on
//     sites it had none for, sources. Where both had a value and they differ, the kept page's
//     value stays and the changeset's summary names the field; the other value is in the
//     merged page's history;
//   - every document that pointed to the merged page (credits, cast and voices, companies,
//     relations, franchise, genres, themes, similar works, associations, episodes) gets a
//     revision that points to the kept one, as do readers' watches, lists and tracking.
//
// The number of documents one merge rewrites is bounded by MaxMergeReferrers; a page pointed to
// by more is refused, whole.

// MaxMergeReferrers is the most pages that may point to a merged page: each gets a revision in
// the merge's transaction, which must stay short enough not to hold up other edits for long and
// to end within a request's deadline for the database (web.DefaultDatabaseTimeout). A thousand
// took 0.8 s on SQLite and 3.2 s on PostgreSQL on a busy two-core machine; half that leaves room.
const MaxMergeReferrers = 500

// Merge makes entity from a redirect to entity into, of the same kind, as one changeset by
// moderator: into takes what from knew, and every reference to from follows. It refuses (with a
// *wiki.ValidationError, or a *wiki.RefusedError for an account that may not merge) a merge of a
// page into itself, across kinds, into or from a redirect, of a locked page, of a page that has
// no page yet or has edits waiting for review, or of a page more than MaxMergeReferrers pages
// point to. The summary is optional; what the kept page did not take is added to it.
func (s *Service) Merge(ctx context.Context, moderator int64, summary string, from, into int64) (Result, error) {
	return s.Apply(ctx, moderator, summary, func(c *Changes) error {
		if !c.role.Can(auth.Lock) {
			return wiki.Refused("Only moderators can merge pages.")
		}
		c.merging = true
		if from == into {
			return wiki.Invalid("a page cannot be merged into itself")
		}
		ef, ei, err := c.mergeable(ctx, from, into)
		if err != nil {
			return err
		}
		_, fromDoc, err := c.Current(ctx, from)
		if err != nil {
			return err
		}
		_, intoDoc, err := c.Current(ctx, into)
		if err != nil {
			return err
		}
		referrers, err := c.tx.LinkSources(ctx, from, MaxMergeReferrers+3)
		if err != nil {
			return err
		}
		referrers = deleteIDs(referrers, from, into)
		if len(referrers) > MaxMergeReferrers {
			return wiki.Invalid("more than %d pages point to “%s”: too many to merge in one edit", MaxMergeReferrers, ef.Name)
		}
		kept, absorbed := wiki.Absorb(intoDoc, fromDoc, from, into)
		redirect := wiki.Clone(fromDoc)
		wiki.SetMergedInto(redirect, into)
		// The ids the kept page takes leave the redirect first, in this transaction: an id
		// belongs to one page at a time.
		setExternalIDs(redirect, absorbed.LeftIDs)
		c.summary = mergeSummary(c.summary, ef, ei, absorbed)
		c.auto = false
		if c.changeset != 0 { // else it is written with this summary
			if err := c.tx.SetChangesetSummary(ctx, c.changeset, c.summary); err != nil {
				return err
			}
		}
		if err := c.Update(ctx, from, ef.Head, redirect); err != nil {
			return err
		}
		if err := c.Update(ctx, into, ei.Head, kept); err != nil {
			return err
		}
		for _, id := range referrers {
			if err := c.retarget(ctx, id, from, into); err != nil {
				return err
			}
		}
		if err := c.tx.MoveReaderData(ctx, from, into); err != nil {
			return err
		}
		return c.tx.MoveWatches(ctx, from, into)
	})
}

// mergeable locks both entities, lower id first so that two merges cannot wait on each other,
// and checks that from may be merged into into.
func (c *Changes) mergeable(ctx context.Context, from, into int64) (ef, ei store.Entity, err error) {
	first, second := from, into
	if second < first {
		first, second = second, first
	}
	got := map[int64]store.Entity{}
	for _, id := range []int64{first, second} {
		e, err := c.tx.EntityForUpdate(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return ef, ei, wiki.Invalid("there is no page #%d", id)
		} else if err != nil {
			return ef, ei, err
		}
		got[id] = e
	}
	ef, ei = got[from], got[into]
	for _, e := range []store.Entity{ef, ei} {
		switch {
		case e.Head == 0:
			return ef, ei, wiki.Invalid("#%d has no page yet: the edit that makes it waits for review", e.ID)
		case e.Locked:
			return ef, ei, wiki.Invalid("“%s” is locked: unlock it before merging", e.Name)
		}
		pending, err := c.tx.HasPendingEdits(ctx, e.ID)
		if err != nil {
			return ef, ei, err
		}
		if pending {
			return ef, ei, wiki.Invalid("“%s” has edits waiting for review: approve or reject them before merging", e.Name)
		}
	}
	switch {
	case ef.Kind != ei.Kind:
		return ef, ei, wiki.Invalid("“%s” is a %s and “%s” a %s: only pages of one kind can be merged", ef.Name, ef.Kind, ei.Name, ei.Kind)
	case ef.MergedInto != 0:
		return ef, ei, wiki.Invalid("“%s” was already merged into another page", ef.Name)
	case ei.MergedInto != 0:
		return ef, ei, wiki.Invalid("“%s” redirects to another page (#%d): merge into that one", ei.Name, ei.MergedInto)
	}
	return ef, ei, nil
}

// retarget makes entity id's document point to into where it pointed to from.
func (c *Changes) retarget(ctx context.Context, id, from, into int64) error {
	e, doc, err := c.Current(ctx, id)
	if err != nil {
		return err
	}
	if !wiki.Retarget(id, doc, from, into) {
		return nil
	}
	if ep, ok := doc.(*wiki.Episode); ok {
		// Two works with an episode 1 each are not one work with two: those episodes are
		// merged first.
		if err := numberFree(ctx, c, into, ep); err != nil {
			return wiki.Invalid("both works have %s %d: merge those first (“%s” is one)", episodeWord(ep), ep.Number, ep.Name)
		}
	}
	return c.Update(ctx, id, e.Head, doc)
}

func episodeWord(e *wiki.Episode) string {
	if e.Segment {
		return "segment"
	}
	return "episode"
}

// mergeSummary is the summary of a merge: the moderator's, or one written, followed by what the
// kept page did not take, within maxSummary.
func mergeSummary(given string, from, into store.Entity, a wiki.Absorbed) string {
	s := given
	if s == "" {
		s = fmt.Sprintf("Merged “%s” (#%d) into “%s” (#%d)", from.Name, from.ID, into.Name, into.ID)
	}
	var notes []string
	if len(a.Dropped) > 0 {
		notes = append(notes, fmt.Sprintf("kept this page's %s; the merged page's are in its history", strings.Join(a.Dropped, ", ")))
	}
	if len(a.LeftIDs) > 0 {
		ids := make([]string, len(a.LeftIDs))
		for i, x := range a.LeftIDs {
			ids[i] = x.Label() + " " + x.ID
		}
		notes = append(notes, "the redirect keeps "+strings.Join(ids, ", "))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	if r := []rune(s); len(r) > maxSummary {
		s = string(r[:maxSummary-1]) + "…"
	}
	return s
}

// setExternalIDs sets the ids a document gives on other sites, for the kinds that keep them.
func setExternalIDs(doc wiki.Document, ids []wiki.ExternalID) {
	switch d := doc.(type) {
	case *wiki.Work:
		d.ExternalIDs = ids
	case *wiki.Person:
		d.ExternalIDs = ids
	case *wiki.Company:
		d.ExternalIDs = ids
	case *wiki.Topic:
		d.ExternalIDs = ids
	}
}

func deleteIDs(ids []int64, drop ...int64) []int64 {
	out := ids[:0:0]
	for _, id := range ids {
		if id != drop[0] && id != drop[1] {
			out = append(out, id)
		}
	}
	return out
}

// RevertMerge undoes the merge that changeset made, as one changeset by moderator: the merged
// page is a page again with the document it had, and the kept page and every page the merge
// rewrote lose what the merge changed, field by field, keeping what was edited since (a field
// both the merge and a later edit changed is a *ConflictError, and nothing is saved).
func (s *Service) RevertMerge(ctx context.Context, moderator, changeset int64, summary string) (Result, error) {
	if summary == "" {
		summary = fmt.Sprintf("Reverted the merge of changeset %d", changeset)
	}
	return s.Apply(ctx, moderator, summary, func(c *Changes) error {
		if !c.role.Can(auth.Lock) {
			return wiki.Refused("Only moderators can revert a merge.")
		}
		c.merging, c.unmerging = true, true
		revs, err := c.tx.ChangesetRevisions(ctx, changeset)
		if err != nil {
			return err
		}
		redirect, into := -1, int64(0)
		for i, r := range revs {
			if r.Status != store.StatusAccepted || r.Parent == 0 {
				continue
			}
			e, err := c.tx.EntityForUpdate(ctx, r.EntityID)
			if err != nil {
				return err
			}
			doc, err := wiki.Decode(e.Kind, r.Document)
			if err != nil {
				return err
			}
			if wiki.MergedInto(doc) == 0 {
				continue
			}
			if e.Head != r.Number || e.MergedInto == 0 {
				return wiki.Invalid("the merge of changeset %d was already reverted", changeset)
			}
			redirect, into = i, wiki.MergedInto(doc)
		}
		if redirect < 0 {
			return wiki.Invalid("changeset %d merged no pages", changeset)
		}
		if kept, err := c.tx.EntityForUpdate(ctx, into); err != nil {
			return err
		} else if kept.MergedInto != 0 {
			return wiki.Invalid("“%s” was merged into another page since: revert that merge first", kept.Name)
		}
		// The kept page gives back the ids it took before the merged page takes them again,
		// and the merged page is a page again before the others point to it.
		order := make([]store.Revision, 0, len(revs))
		for _, r := range revs {
			if r.EntityID == into {
				order = append(order, r)
			}
		}
		order = append(order, revs[redirect])
		for i, r := range revs {
			if i != redirect && r.EntityID != into {
				order = append(order, r)
			}
		}
		for _, r := range order {
			if r.Parent == 0 {
				continue
			}
			e, err := c.tx.EntityForUpdate(ctx, r.EntityID)
			if err != nil {
				return err
			}
			before, err := c.document(ctx, e.Kind, r.EntityID, r.Parent)
			if err != nil {
				return err
			}
			if err := c.Update(ctx, r.EntityID, r.Number, before); err != nil {
				return err
			}
		}
		return nil
	})
}
