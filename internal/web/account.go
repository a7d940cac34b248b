package web

import (
	"errors"
	"net/http"
	"strings"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

type accountPage struct {
	User     store.User
	Role     string
	Current  string // token hash of this browser's session
	Sessions []store.SessionInfo
	CSRF     string
	Message  string
	Problem  string
	// Tokens are the account's API tokens; NewToken is one just made, shown this once.
	Tokens   []store.APIToken
	NewToken string
}

// currentTokenHash is the token hash of the request's session cookie.
func currentTokenHash(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return auth.TokenHash(c.Value)
}

// Account shows the signed-in account: its role and points, a password form, and its sessions.
func (a *App) Account(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		return signInRedirect(w, r)
	}
	return a.renderAccount(w, r, s, http.StatusOK, r.URL.Query().Get("done"), "")
}

var accountMessages = map[string]string{
	"password": "Your password is changed, and every other session of your account is signed out.",
	"revoked":  "That session is signed out.",
	"others":   "Every other session of your account is signed out.",
	"token":    "That API token is revoked: it no longer works.",
}

func (a *App) renderAccount(w http.ResponseWriter, r *http.Request, s *store.Session, status int, done, problem string) error {
	return a.renderAccountWith(w, r, s, status, accountPage{Message: accountMessages[done], Problem: problem})
}

// renderAccountWith renders the account page with p's message, problem and new token.
func (a *App) renderAccountWith(w http.ResponseWriter, r *http.Request, s *store.Session, status int, p accountPage) error {
	u, err := a.store.UserByID(r.Context(), s.User.ID)
	if err != nil {
		return err
	}
	sessions, err := a.store.SessionsOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	tokens, err := a.accounts.Tokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p.User, p.Role, p.Current, p.Sessions, p.CSRF, p.Tokens = u, auth.Role(u.Role).Label(), currentTokenHash(r), sessions, s.CSRFToken, tokens
	return a.render(w, r, status, "account", "Your account", p)
}

// ChangePassword replaces the account's password, given the current one, and signs out every
// other session.
func (a *App) ChangePassword(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := a.store.UserByID(ctx, s.User.ID)
	if err != nil {
		return err
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		return a.renderAccount(w, r, s, http.StatusBadRequest, "", "The two new passwords differ; nothing was changed.")
	}
	err = a.accounts.ChangePassword(ctx, u, r.PostFormValue("current"), password)
	if ve, ok := errors.AsType[*wiki.ValidationError](err); ok {
		return a.renderAccount(w, r, s, http.StatusBadRequest, "", strings.Join(ve.Problems, " ")+" Nothing was changed.")
	}
	if err != nil {
		return err
	}
	if err := a.store.DeleteOtherSessions(ctx, u.ID, currentTokenHash(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	return nil
}

// RevokeSession signs out one of the account's sessions (field session, its token hash), or
// with field all=1 every session but this one.
func (a *App) RevokeSession(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("all") == "1" {
		if err := a.store.DeleteOtherSessions(r.Context(), s.User.ID, currentTokenHash(r)); err != nil {
			return err
		}
		http.Redirect(w, r, "/account?done=others", http.StatusSeeOther)
		return nil
	}
	if r.PostFormValue("session") == "" {
		return badRequest("choose a session to sign out, or all of them")
	}
	if err := a.store.DeleteSessionOf(r.Context(), s.User.ID, r.PostFormValue("session")); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=revoked", http.StatusSeeOther)
	return nil
}
