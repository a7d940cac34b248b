package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

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

// Sign-in limits: failed attempts allowed per account name and per address in loginWindow.
// Each attempt costs an argon2id hash (64 MiB), so the limits are checked before it.
const (
	loginWindow     = 15 * time.Minute
	loginPerAccount = 5
	loginPerAddress = 20
)

// Login checks a name and password and starts a session.
func (a *App) Login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badRequest("the form could not be read: %v", err)
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	key, address := store.UserKey(name), a.clientAddress(r)
	if refusal, err := a.loginLimited(ctx, key, address); err != nil || refusal != nil {
		if err != nil {
			return err
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(refusal.retry.Seconds())+1))
		return a.render(w, r, http.StatusTooManyRequests, "login", "Sign in", loginPage{Name: name, Next: next, Error: refusal.message})
	}
	u, err := a.store.UserByName(ctx, name)
	if err == nil {
		err = auth.Verify(password, u.PasswordHash)
	} else if errors.Is(err, store.ErrNotFound) {
		// Spend the same time on unknown names as on known ones.
		_ = auth.Verify(password, a.dummyHash)
		err = auth.ErrMismatch
	}
	if errors.Is(err, auth.ErrMismatch) {
		if err := a.store.RecordLoginFailure(ctx, key, address); err != nil {
			return err
		}
		return a.render(w, r, http.StatusUnauthorized, "login", "Sign in",
			loginPage{Name: name, Next: next, Error: "That name and password do not match an account."})
	}
	if err != nil {
		return err
	}
	// Only someone who knows the password learns of the ban.
	if u.BannedAt != nil {
		return forbidden("This account is banned: " + u.BanReason)
	}
	if err := a.store.ClearLoginFailures(ctx, key); err != nil {
		return err
	}
	if err := a.startSession(w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type loginRefusal struct {
	message string
	retry   time.Duration
}

// loginLimited tells whether sign-in attempts for this account name or from this address must
// wait, and how long.
func (a *App) loginLimited(ctx context.Context, key, address string) (*loginRefusal, error) {
	since := time.Now().Add(-loginWindow)
	byAccount, byAddress, err := a.store.CountLoginFailures(ctx, key, address, since)
	if err != nil {
		return nil, err
	}
	var what string
	var oldest time.Time
	switch {
	case byAccount >= loginPerAccount:
		what = "for this account"
		oldest, err = a.store.OldestLoginFailure(ctx, true, key, since)
	case byAddress >= loginPerAddress:
		what = "from your address"
		oldest, err = a.store.OldestLoginFailure(ctx, false, address, since)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	retry := max(time.Until(oldest.Add(loginWindow)), time.Second)
	minutes, unit := max(1, int((retry+time.Minute-1)/time.Minute)), "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return &loginRefusal{retry: retry, message: fmt.Sprintf("Too many failed sign-ins %s. Try again in about %d %s.",
		what, minutes, unit)}, nil
}

// startSession signs the account in on this browser: a new session in the store and its cookie.
func (a *App) startSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	token := auth.NewToken()
	expires := time.Now().Add(sessionLifetime)
	agent := r.UserAgent()
	if len(agent) > 200 {
		agent = strings.ToValidUTF8(agent[:200], "")
	}
	if err := a.store.CreateSessionFrom(r.Context(), auth.TokenHash(token), userID, auth.NewToken(), expires,
		a.clientAddress(r), agent); err != nil {
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
