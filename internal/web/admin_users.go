package web

import (
	"context"
	"net/http"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/store"
)

type adminUsersPage struct {
	Query      string
	Users      []store.User
	Roles      []auth.Role
	CanTrust   bool
	CanAssign  bool
	CanBan     bool
	Me         int64
	CSRF       string
	RoleLabels map[string]string
}

// AdminUsers lists accounts for moderators (who can make editors trusted) and admins (who can
// give any role and ban). ?q= filters by the start of the name.
func (a *App) AdminUsers(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		return signInRedirect(w, r)
	}
	role := auth.Role(s.User.Role)
	if !role.Can(auth.Trust) {
		return forbidden("Only moderators and administrators can manage accounts.")
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	users, err := a.store.ListUsers(r.Context(), q, 200)
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for _, r := range auth.Roles {
		labels[string(r)] = r.Label()
	}
	return a.render(w, r, http.StatusOK, "admin_users", "Accounts", adminUsersPage{Query: q, Users: users, Roles: auth.Roles,
		CanTrust: role.Can(auth.Trust), CanAssign: role.Can(auth.ChangeRoles), CanBan: role.Can(auth.Ban),
		Me: s.User.ID, CSRF: s.CSRFToken, RoleLabels: labels})
}

// target reads the account an administration form acts on, refusing one's own account and, for
// anyone but an admin, an admin's.
func (a *App) target(ctx context.Context, s *store.Session, name string) (store.User, error) {
	u, err := a.store.UserByName(ctx, name)
	if err != nil {
		return store.User{}, err
	}
	if u.ID == s.User.ID {
		return store.User{}, forbidden("You cannot change your own role or ban yourself.")
	}
	if auth.Role(u.Role) == auth.RoleAdmin && auth.Role(s.User.Role) != auth.RoleAdmin {
		return store.User{}, forbidden("Only administrators can change an administrator's account.")
	}
	return u, nil
}

// SetUserRole gives an account a role. Admins may give any role; moderators may only move an
// account between editor and trusted editor.
func (a *App) SetUserRole(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Trust)
	if err != nil {
		return err
	}
	u, err := a.target(r.Context(), s, r.PathValue("name"))
	if err != nil {
		return err
	}
	role := auth.Role(r.PostFormValue("role"))
	if !role.Valid() {
		return badRequest("there is no role called %q", role)
	}
	if !auth.Role(s.User.Role).Can(auth.ChangeRoles) {
		ladder := map[auth.Role]bool{auth.RoleEditor: true, auth.RoleTrusted: true}
		if !ladder[role] || !ladder[auth.Role(u.Role)] {
			return forbidden("Moderators can only make editors trusted or take trust back; administrators assign other roles.")
		}
	}
	if err := a.store.SetRole(r.Context(), u.ID, string(role)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// BanUser bans an account with a reason; it is signed out everywhere and can neither sign in
// nor edit.
func (a *App) BanUser(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Ban)
	if err != nil {
		return err
	}
	u, err := a.target(r.Context(), s, r.PathValue("name"))
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" || len([]rune(reason)) > 500 {
		return badRequest("give a reason for the ban, of at most 500 characters: the account's owner will see it")
	}
	if err := a.store.Tx(r.Context(), func(tx *store.Tx) error { return tx.Ban(r.Context(), u.ID, reason) }); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// UnbanUser lifts a ban.
func (a *App) UnbanUser(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Ban)
	if err != nil {
		return err
	}
	u, err := a.target(r.Context(), s, r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := a.store.Unban(r.Context(), u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
