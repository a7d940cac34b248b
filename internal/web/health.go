package web

import (
	"context"
	"net/http"
	"time"
)

// Health answers a load balancer's check: 200 when this instance can reach its database, and
// 503 when it cannot, so that traffic goes to instances that can serve it.
func (a *App) Health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := a.store.DB().PingContext(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err = w.Write([]byte("database unreachable\n"))
		return err
	}
	_, err := w.Write([]byte("ok\n"))
	return err
}
