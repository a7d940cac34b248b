package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kioku/internal/auth"
	"kioku/internal/store"
)

// SessionCookie is the name of the cookie that carries the session token.
const SessionCookie = "kioku_session"

// sessionLifetime is how long a sign-in lasts.
const sessionLifetime = 30 * 24 * time.Hour

type sessionKey struct{}

func sessionFrom(ctx context.Context) *store.Session {
	s, _ := ctx.Value(sessionKey{}).(*store.Session)
	return s
}

// WithSession loads the signed-in user, if any, into the request context.
func (a *App) WithSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(SessionCookie)
		if err == nil && c.Value != "" {
			s, err := a.store.SessionByToken(r.Context(), auth.TokenHash(c.Value))
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, &s))
			case !errors.Is(err, store.ErrNotFound):
				// Serving a signed-in reader as a stranger would refuse their edits for the wrong
				// reason; say what went wrong instead.
				a.Wrap(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requireEditor returns the session of a signed-in user whose form carries the session's CSRF
// token, or the error that refuses the request.
func requireEditor(r *http.Request) (*store.Session, error) {
	if err := r.ParseForm(); err != nil {
		return nil, badRequest("the form could not be read: %v", err)
	}
	s := sessionFrom(r.Context())
	if s == nil {
		return nil, forbidden("You need to sign in to edit.")
	}
	if r.Method == http.MethodPost && !auth.SameToken(r.PostFormValue("csrf"), s.CSRFToken) {
		return nil, forbidden("This form has expired or did not come from this site. Reload the page and try again.")
	}
	return s, nil
}

// signInRedirect sends a reader who must sign in to the sign-in page, and back afterwards.
func signInRedirect(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return nil
}

// LoginForm shows the sign-in form.
func (a *App) LoginForm(w http.ResponseWriter, r *http.Request) error {
	return a.render(w, r, http.StatusOK, "login", "Sign in", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

type loginPage struct {
	Name  string
	Next  string
	Error string
}

// Login checks a name and password and starts a session.
func (a *App) Login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badRequest("the form could not be read: %v", err)
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	u, err := a.store.UserByName(r.Context(), name)
	if err == nil {
		err = auth.Verify(password, u.PasswordHash)
	} else if errors.Is(err, store.ErrNotFound) {
		// Spend the same time on unknown names as on known ones.
		_ = auth.Verify(password, a.dummyHash)
		err = auth.ErrMismatch
	}
	if errors.Is(err, auth.ErrMismatch) {
		return a.render(w, r, http.StatusUnauthorized, "login", "Sign in",
			loginPage{Name: name, Next: next, Error: "That name and password do not match an account."})
	}
	if err != nil {
		return err
	}
	token := auth.NewToken()
	expires := time.Now().Add(sessionLifetime)
	if err := a.store.CreateSession(r.Context(), auth.TokenHash(token), u.ID, auth.NewToken(), expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// Logout ends the session.
func (a *App) Logout(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireEditor(r); err != nil {
		return err
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := a.store.DeleteSession(r.Context(), auth.TokenHash(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in address on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	return next
}
