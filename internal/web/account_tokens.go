package web

import (
	"net/http"
	"strconv"

	"kioku/internal/accounts"
)

// CreateToken makes a personal API token (fields name, and edit=1 for one that writes) and shows
// it on the account page, this once: only its hash is kept.
func (a *App) CreateToken(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	scopes := []string{accounts.ScopeRead}
	if r.PostFormValue("edit") == "1" {
		scopes = append(scopes, accounts.ScopeEdit)
	}
	u, err := a.store.UserByID(r.Context(), s.User.ID)
	if err != nil {
		return err
	}
	// A name that breaks a rule is answered by the error page, which lists the problems.
	secret, _, err := a.accounts.CreateToken(r.Context(), u, r.PostFormValue("name"), scopes)
	if err != nil {
		return err
	}
	return a.renderAccountWith(w, r, s, http.StatusCreated, accountPage{NewToken: secret,
		Message: "Your new API token is below. Copy it now: it is shown only this once."})
}

// RevokeToken revokes one of the account's API tokens (field token, its id).
func (a *App) RevokeToken(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("token"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest("choose a token to revoke")
	}
	if err := a.accounts.RevokeToken(r.Context(), s.User.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=token", http.StatusSeeOther)
	return nil
}
