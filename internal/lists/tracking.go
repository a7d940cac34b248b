package lists

import (
	"context"
	"strconv"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Status is where a reader is with a work.
type Status string

// The statuses a reader can give a work.
const (
	Watching    Status = "watching"
	Completed   Status = "completed"
	OnHold      Status = "on_hold"
	Dropped     Status = "dropped"
	PlanToWatch Status = "plan_to_watch"
)

// Statuses lists the statuses in the order pages show them.
var Statuses = []Status{Watching, Completed, OnHold, Dropped, PlanToWatch}

// Label is the status's name for people.
func (s Status) Label() string {
	switch s {
	case Watching:
		return "Watching"
	case Completed:
		return "Completed"
	case OnHold:
		return "On hold"
	case Dropped:
		return "Dropped"
	case PlanToWatch:
		return "Plan to watch"
	}
	return string(s)
}

// Valid tells whether s is one of the statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// TrackInput is what a reader says of a work: Status "" takes the work off their list.
type TrackInput struct {
	Status   Status
	Episodes int
	Score    int // 0: no score, else 1 to 10
	Started  string
	Finished string
}

// check validates in for a work of total episodes (0: not known), and completes it: a work
// completed with no episodes counted was seen whole.
func (in *TrackInput) check(total int) error {
	var problems []string
	if !in.Status.Valid() {
		problems = append(problems, "choose a status: watching, completed, on hold, dropped or plan to watch")
	}
	most := MaxEpisodes
	if total > 0 {
		most = total
	}
	if in.Episodes < 0 || in.Episodes > most {
		problems = append(problems, "episodes seen must be from 0 to "+strconv.Itoa(most))
	}
	if in.Score < 0 || in.Score > 10 {
		problems = append(problems, "a score is from 1 to 10 (or none)")
	}
	in.Started, in.Finished = strings.TrimSpace(in.Started), strings.TrimSpace(in.Finished)
	for _, d := range []struct{ label, v string }{{"start date", in.Started}, {"finish date", in.Finished}} {
		if d.v != "" && !wiki.ValidDate(d.v) {
			problems = append(problems, "the "+d.label+" “"+d.v+"” is not a date like 2024-04-05 (or 2024-04, or 2024)")
		}
	}
	if len(problems) == 0 && in.Started != "" && in.Finished != "" && wiki.DateBefore(in.Finished, in.Started) {
		problems = append(problems, "the finish date is before the start date")
	}
	if problems != nil {
		return &wiki.ValidationError{Problems: problems}
	}
	if in.Status == Completed && in.Episodes == 0 && total > 0 {
		in.Episodes = total
	}
	return nil
}

// trackable resolves the work a reader tracks: a work's page, or the one a merged page
// redirects to.
func trackable(ctx context.Context, tx *store.Tx, workID int64) (store.Entity, error) {
	e, err := listable(ctx, tx, workID)
	if err != nil {
		return e, err
	}
	if e.Kind != wiki.KindWork {
		return e, wiki.Invalid("only works can be tracked and scored, not a %s", e.Kind.Label())
	}
	return e, nil
}

// Track records actor's tracking of a work, replacing what they had; Status "" removes it.
func (s *Service) Track(ctx context.Context, actor store.User, workID int64, in TrackInput) error {
	return s.write(ctx, actor, func(tx *store.Tx) error {
		w, err := trackable(ctx, tx, workID)
		if err != nil {
			return err
		}
		if in.Status == "" {
			return tx.DeleteTracking(ctx, actor.ID, w.ID)
		}
		old, total, err := tx.TrackingOf(ctx, actor.ID, w.ID)
		if err != nil {
			return err
		}
		if err := in.check(total); err != nil {
			return err
		}
		if old.Status == "" { // not tracked yet
			n, err := tx.CountTracking(ctx, actor.ID)
			if err != nil {
				return err
			}
			if n >= MaxTracked {
				return wiki.Refused("You track %d works, the most an account may track.", n)
			}
		}
		return tx.PutTracking(ctx, old, store.Tracking{UserID: actor.ID, WorkID: w.ID, Status: string(in.Status),
			Episodes: in.Episodes, Score: in.Score, Started: in.Started, Finished: in.Finished})
	})
}

// Tracked lists owner's tracked works with a status ("" for all) as viewer may see them: an
// account that keeps its tracking private shows it to itself alone (ErrNotFound to others).
func (s *Service) Tracked(ctx context.Context, viewer *store.User, owner store.User, status Status) ([]store.TrackedWork, map[string]int, error) {
	if status != "" && !status.Valid() {
		return nil, nil, store.ErrNotFound
	}
	if viewer == nil || viewer.ID != owner.ID {
		private, err := s.Store.TrackingPrivate(ctx, owner.ID)
		if err != nil {
			return nil, nil, err
		}
		if private {
			return nil, nil, store.ErrNotFound
		}
	}
	counts, err := s.Store.TrackingByStatus(ctx, owner.ID)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.Store.TrackedWorks(ctx, owner.ID, string(status), MaxTracked)
	return list, counts, err
}

// SetPrivate keeps actor's tracked works to themselves (true) or shows them to everyone.
func (s *Service) SetPrivate(ctx context.Context, actor store.User, private bool) error {
	return s.write(ctx, actor, func(tx *store.Tx) error { return tx.SetTrackingPrivate(ctx, actor.ID, private) })
}

// Summary is what a work page shows of its readers' scores.
type Summary struct {
	// Counts[s] is how many readers gave the score s, from 1 to 10.
	Counts [11]int
	Count  int
	Mean   float64
}

// Summarize sums up a work's score counts.
func Summarize(counts [11]int) Summary {
	s := Summary{Counts: counts}
	total := 0
	for score := 1; score <= 10; score++ {
		s.Count += counts[score]
		total += score * counts[score]
	}
	if s.Count > 0 {
		s.Mean = float64(total) / float64(s.Count)
	}
	return s
}

// MeanText is the mean score with two decimals, as MyAnimeList shows it.
func (s Summary) MeanText() string { return strconv.FormatFloat(s.Mean, 'f', 2, 64) }

// Bar is one score's bar of the distribution: Tenths is its length in tenths of the longest.
type Bar struct {
	Score, Count, Tenths int
}

// Bars lists the distribution from 10 down to 1.
func (s Summary) Bars() []Bar {
	top := 0
	for _, n := range s.Counts[1:] {
		top = max(top, n)
	}
	var out []Bar
	for score := 10; score >= 1; score-- {
		b := Bar{Score: score, Count: s.Counts[score]}
		if top > 0 && b.Count > 0 {
			b.Tenths = max(1, (b.Count*10+top/2)/top)
		}
		out = append(out, b)
	}
	return out
}

// WorkSummary reads the summary of a work's scores.
func (s *Service) WorkSummary(ctx context.Context, workID int64) (Summary, error) {
	counts, err := s.Store.ScoreCounts(ctx, workID)
	return Summarize(counts), err
}
