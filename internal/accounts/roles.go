package accounts

import (
	"context"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// target reads the account an administrator acts on, refusing one's own account and, for anyone
// but an admin, an admin's.
func (s *Service) target(ctx context.Context, actor store.User, name string) (store.User, error) {
	u, err := s.store.UserByName(ctx, name)
	if err != nil {
		return store.User{}, err
	}
	if u.ID == actor.ID {
		return store.User{}, wiki.Refused("You cannot change your own role or ban yourself.")
	}
	if auth.Role(u.Role) == auth.RoleAdmin && auth.Role(actor.Role) != auth.RoleAdmin {
		return store.User{}, wiki.Refused("Only administrators can change an administrator's account.")
	}
	return u, nil
}

// SetRole gives the account called name a role. Admins may give any role; moderators may only move
// an account between editor and trusted editor.
func (s *Service) SetRole(ctx context.Context, actor store.User, name string, role auth.Role) error {
	mine := auth.Role(actor.Role)
	if !mine.Can(auth.Trust) {
		return wiki.Refused("Only moderators and administrators can change roles.")
	}
	u, err := s.target(ctx, actor, name)
	if err != nil {
		return err
	}
	if !role.Valid() {
		return wiki.Invalid("role: there is no role called %q", role)
	}
	if !mine.Can(auth.ChangeRoles) {
		ladder := map[auth.Role]bool{auth.RoleEditor: true, auth.RoleTrusted: true}
		if !ladder[role] || !ladder[auth.Role(u.Role)] {
			return wiki.Refused("Moderators can only make editors trusted or take trust back; administrators assign other roles.")
		}
	}
	return s.store.SetRole(ctx, u.ID, string(role))
}

// Ban bans the account called name with a reason its owner will see; it is signed out everywhere
// and can neither sign in nor edit.
func (s *Service) Ban(ctx context.Context, actor store.User, name, reason string) error {
	if !auth.Role(actor.Role).Can(auth.Ban) {
		return wiki.Refused("Only administrators can ban accounts.")
	}
	u, err := s.target(ctx, actor, name)
	if err != nil {
		return err
	}
	reason, problem := wiki.CleanText(reason, false)
	reason = strings.TrimSpace(reason)
	if problem != "" || reason == "" || len([]rune(reason)) > 500 {
		return wiki.Invalid("reason: give a reason for the ban, of at most 500 characters on one line: the account's owner will see it")
	}
	return s.store.Tx(ctx, func(tx *store.Tx) error { return tx.Ban(ctx, u.ID, reason) })
}

// Unban lifts the ban of the account called name.
func (s *Service) Unban(ctx context.Context, actor store.User, name string) error {
	if !auth.Role(actor.Role).Can(auth.Ban) {
		return wiki.Refused("Only administrators can lift bans.")
	}
	u, err := s.target(ctx, actor, name)
	if err != nil {
		return err
	}
	return s.store.Unban(ctx, u.ID)
}
