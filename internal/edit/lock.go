package edit

import (
	"context"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// SetLocked locks entity id, so that only trusted editors can change it, or unlocks it. Only a
// role that may lock pages may; the change is announced like an edit, so that every instance
// shows the lock at once.
func (s *Service) SetLocked(ctx context.Context, actor, id int64, locked bool) error {
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, actor)
		if err != nil {
			return err
		}
		if u.BannedAt != nil || !auth.Role(u.Role).Can(auth.Lock) {
			return wiki.Refused("Only moderators can lock and unlock pages.")
		}
		if _, err := tx.EntityForUpdate(ctx, id); err != nil {
			return err
		}
		if err := tx.SetLocked(ctx, id, locked); err != nil {
			return err
		}
		return tx.Announce(ctx, []int64{id})
	})
	if err == nil && s.OnAccept != nil {
		s.OnAccept([]int64{id})
	}
	return err
}
