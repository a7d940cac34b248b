package web

import (
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

// SetUserRole gives an account a role (accounts.Service.SetRole says who may give which).
func (a *App) SetUserRole(w http.ResponseWriter, r *http.Request) error {
	s, err := requireModerator(r, auth.Trust)
	if err != nil {
		return err
	}
	if err := a.accounts.SetRole(r.Context(), s.User, r.PathValue("name"), auth.Role(r.PostFormValue("role"))); err != nil {
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
	if err := a.accounts.Ban(r.Context(), s.User, r.PathValue("name"), r.PostFormValue("reason")); err != nil {
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
	if err := a.accounts.Unban(r.Context(), s.User, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
