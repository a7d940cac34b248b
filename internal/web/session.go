package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"kioku/internal/accounts"
	"kioku/internal/auth"
	"kioku/internal/store"
)

// SessionCookie is the name of the cookie that carries the session token.
const SessionCookie = "kioku_session"

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
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	next := safeNext(r.PostFormValue("next"))
	u, err := a.accounts.SignIn(ctx, name, r.PostFormValue("password"), a.clientAddress(r))
	var limit *accounts.LimitError
	var banned *accounts.BannedError
	switch {
	case errors.Is(err, accounts.ErrMismatch):
		return a.render(w, r, http.StatusUnauthorized, "login", "Sign in",
			loginPage{Name: name, Next: next, Error: "That name and password do not match an account."})
	case errors.As(err, &limit):
		w.Header().Set("Retry-After", strconv.Itoa(int(limit.RetryAfter.Seconds())+1))
		return a.render(w, r, http.StatusTooManyRequests, "login", "Sign in", loginPage{Name: name, Next: next, Error: limit.Message})
	case errors.As(err, &banned):
		return forbidden(banned.Error())
	case err != nil:
		return err
	}
	if err := a.startSession(w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// startSession signs the account in on this browser: a new session in the store and its cookie.
func (a *App) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	token, expires, err := a.accounts.StartSession(r.Context(), userID, a.clientAddress(r), r.UserAgent())
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
	return nil
}

// secure tells whether the request came over TLS, to Kioku or to a trusted proxy in front.
func (a *App) secure(r *http.Request) bool {
	return r.TLS != nil || a.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientAddress is the address a request came from: the connection's, or with a trusted proxy
// the last one of X-Forwarded-For, which that proxy added. (Addresses before it came from the
// client, which could write anything there to escape the sign-in limits.)
func (a *App) clientAddress(r *http.Request) string {
	if a.trustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			return strings.TrimSpace(fwd[strings.LastIndex(fwd, ",")+1:])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps an address taken from a request (where to go after signing in, or after a
// review) on this site. It must be a path: "/" and then neither "/" nor a backslash, with no
// scheme, no host, no backslash and no control characters anywhere. It is checked as written
// and again percent-decoded, since browsers drop tabs and newlines from an address and read a
// backslash as a slash: "/%09/evil.example" would otherwise send the reader to evil.example.
// Anything else becomes "/".
func safeNext(next string) string {
	decoded, err := url.PathUnescape(next)
	if err != nil || !sitePath(next) || !sitePath(decoded) {
		return "/"
	}
	return next
}

// sitePath reports whether p is, unambiguously, the path of a page of this site.
func sitePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsFunc(p, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.Opaque == "" && u.User == nil
}
