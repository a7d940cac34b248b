package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kioku/internal/accounts"
	"kioku/internal/web"
)

// Limits are the API's request budgets per minute: each token has its own, and requests without
// a token share one per address. Reads and writes are counted apart.
type Limits struct {
	Reads, Writes int
}

// DefaultLimits are the budgets of an API built without Writing's.
var DefaultLimits = Limits{Reads: web.DefaultAPIReads, Writes: web.DefaultAPIWrites}

// limitWindow is the length of the fixed windows requests are counted in.
const limitWindow = time.Minute

// The two budgets, as the RateLimit headers name them.
const (
	policyRead  = "read"
	policyWrite = "write"
)

type tokenKey struct{}

// tokenFrom is the API token a request was made with, nil when it carried none.
func tokenFrom(ctx context.Context) *accounts.Token {
	t, _ := ctx.Value(tokenKey{}).(*accounts.Token)
	return t
}

// errUnauthorized is a request whose token is unknown or revoked, or a write without one.
func unauthorized(w http.ResponseWriter, detail string) error {
	w.Header().Set("WWW-Authenticate", `Bearer realm="kioku"`)
	return fmt.Errorf("%w: %s", web.ErrUnauthorized, detail)
}

// authenticate reads the request's Authorization header: none is an anonymous request, a
// Bearer token of an account is that account's, anything else is refused (401). Cookies are
// not looked at: a signed-in browser reads the API as anyone does and cannot write through it.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request) (*accounts.Token, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return nil, unauthorized(w, "the Authorization header takes a personal API token: Bearer <token>")
	}
	if a.accounts == nil {
		return nil, unauthorized(w, "this site takes no API tokens")
	}
	t, err := a.accounts.Authenticate(r.Context(), strings.TrimSpace(secret))
	if errors.Is(err, accounts.ErrBadToken) {
		return nil, unauthorized(w, "the API token is unknown or was revoked")
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// limited counts the request against its token's budget of the policy, or its address's when
// it has no token, sets the RateLimit and RateLimit-Policy headers (IETF draft
// httpapi-ratelimit-headers) and refuses it with 429 and Retry-After when the budget is spent.
// Counting is in the store, so the budget holds across instances.
func (a *API) limited(policy string, next web.Handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		// A request with a bad token is counted under its address (so that guessing tokens is
		// limited too), and refused after.
		tok, authErr := a.authenticate(w, r)
		quota := a.limits.Reads
		if policy == policyWrite {
			quota = a.limits.Writes
		}
		key := policy + ":address:" + a.address(r)
		if tok != nil {
			key = policy + ":token:" + strconv.FormatInt(tok.ID, 10)
		}
		now := time.Now()
		hits, err := a.store.CountHit(r.Context(), key, limitWindow, now)
		if err != nil {
			return err
		}
		reset := max(1, int(now.Truncate(limitWindow).Add(limitWindow).Sub(now).Round(time.Second)/time.Second))
		h := w.Header()
		h.Set("RateLimit-Policy", fmt.Sprintf(`"%s";q=%d;w=%d`, policy, quota, int(limitWindow/time.Second)))
		h.Set("RateLimit", fmt.Sprintf(`"%s";r=%d;t=%d`, policy, max(0, quota-hits), reset))
		if hits > quota {
			return &accounts.LimitError{RetryAfter: time.Duration(reset-1) * time.Second,
				Message: fmt.Sprintf("This %s may make %d API %ss a minute; try again in %d seconds.", who(tok), quota, policy, reset)}
		}
		if authErr != nil {
			return authErr
		}
		if tok != nil {
			r = r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok))
		}
		return next(w, r)
	}
}

func who(tok *accounts.Token) string {
	if tok != nil {
		return "token"
	}
	return "address"
}
