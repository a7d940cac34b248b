package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"kioku/internal/accounts"
	"kioku/internal/store"
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
		hits, err := a.hits.count(r.Context(), a.store, key, now, quota)
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

// hitCounter counts API requests per key and window in memory, and writes the counts to the
// store, which every instance shares, at most once a second per key, and at every request once
// a key's count nears its budget. A read then costs no write to the database (on SQLite, a
// commit with its sync to disk each), and a budget still holds across instances, give or take a
// second: an instance's count misses only the others' requests since its own last write.
type hitCounter struct {
	mu   sync.Mutex
	keys map[string]*keyHits
}

// keyHits is one key's count in the current window.
type keyHits struct {
	window  int64     // the window's start, in Unix seconds
	total   int       // the store's count at the last write, and what this instance counted since
	pending int       // counted here and not yet written
	written time.Time // when the count was last written
}

// maxKeys bounds the keys counted in memory; past it, keys of ended windows are dropped, and if
// that is not enough, all (their counts are in the store).
const maxKeys = 50_000

// count counts one request under key at now and returns the window's count, this one included.
func (h *hitCounter) count(ctx context.Context, st *store.Store, key string, now time.Time, quota int) (int, error) {
	start := now.Truncate(limitWindow).Unix()
	h.mu.Lock()
	k := h.keys[key]
	if k == nil || k.window != start {
		if len(h.keys) >= maxKeys {
			maps.DeleteFunc(h.keys, func(_ string, k *keyHits) bool { return k.window != start })
			if len(h.keys) >= maxKeys {
				clear(h.keys)
			}
		}
		if h.keys == nil {
			h.keys = map[string]*keyHits{}
		}
		k = &keyHits{window: start}
		h.keys[key] = k
	}
	k.pending++
	k.total++
	if now.Sub(k.written) < time.Second && k.total < quota*9/10 {
		total := k.total
		h.mu.Unlock()
		return total, nil
	}
	n := k.pending
	k.pending, k.written = 0, now
	h.mu.Unlock()
	stored, err := st.AddHits(ctx, key, limitWindow, now, n)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		k.pending += n // written with the next
		return 0, err
	}
	k.total = max(k.total, stored+k.pending)
	return k.total, nil
}
