package web

import (
	"context"
	"net/http"
	"time"

	"kioku/internal/store"
)

// DefaultDatabaseTimeout is how long a request waits for PostgreSQL in all before it gives up
// with a 503. A page needs a few milliseconds of the database; seconds mean that the server or
// the network to it stopped answering.
const DefaultDatabaseTimeout = 3 * time.Second

// WithDeadline gives every request a deadline for its work with PostgreSQL. Without one, a
// query sent into a silent network partition (packets dropped, no reset) would wait until the
// partition ends or the server's write timeout cuts the answer off. With it, the query fails in
// time, the driver drops the connection it was waiting on, and the reader gets a 503 with
// Retry-After; the pool makes new connections once the network is back. Only requests get this
// deadline: jobs, imports and copies run as long as they need, bounded only by the connections'
// own limits (see store.Open).
//
// SQLite, a file on this machine, is left as it was: its waits are bounded by its busy timeout,
// and a writer queued behind another must not be cut short.
func (a *App) WithDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := a.dbTimeout
		if d <= 0 || a.store.Engine() != store.Postgres {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
