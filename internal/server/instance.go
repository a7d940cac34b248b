package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"kioku/internal/jobs"
	"kioku/internal/store"
	"kioku/internal/web"
)

// Instance is one running Kioku over a store: its pages, its job runner, and the listener that
// hears what other instances over the same database did. Any number of instances may share one
// PostgreSQL database.
type Instance struct {
	App     *web.App
	Handler http.Handler
	Jobs    *jobs.Runner

	store *store.Store
	log   *slog.Logger

	mu sync.Mutex
	// listening is closed while the listener is connected; a new one replaces it when the
	// connection is lost.
	listening chan struct{}
	connected bool
}

// Listening returns a channel that is closed once the instance hears other instances'
// announcements: when its listener has connected, or reconnected after losing its connection
// (until then, the channel returned stays open). Pages it caches before then may be retired once
// more when it does: a listener that connects retires every cached page, since it may have
// missed announcements.
func (in *Instance) Listening() <-chan struct{} {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.listening
}

// heard records whether the listener is connected (err nil) or lost its connection.
func (in *Instance) heard(err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case err == nil && !in.connected:
		in.connected = true
		close(in.listening)
	case err != nil && in.connected:
		in.connected = false
		in.listening = make(chan struct{})
	}
}

// NewInstance builds an instance over a migrated store with its settings. Call Run to start its
// background work.
func NewInstance(s *store.Store, log *slog.Logger, set web.Settings) (*Instance, error) {
	app, err := web.New(s, log, set)
	if err != nil {
		return nil, err
	}
	in := &Instance{App: app, Handler: Routes(app), store: s, log: log, listening: make(chan struct{})}
	in.Jobs = jobs.New(s, log, map[string]jobs.Func{
		jobs.Reindex: func(ctx context.Context, _ string) error {
			n, err := app.Edits().Reindex(ctx)
			if err == nil {
				log.Info("rebuilt projections", "entities", n)
			}
			return err
		},
	})
	return in, nil
}

// Run does the instance's background work until ctx ends: it runs jobs, and retires cached
// pages when another instance accepts an edit. A listener that loses its connection retires
// every cached page when it is back, since it may have missed announcements meanwhile.
func (in *Instance) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { in.Jobs.Run(ctx) })
	wg.Go(func() {
		in.store.Listen(ctx, []string{store.ChannelChanges, store.ChannelJobs},
			func(n store.Notification) {
				switch n.Channel {
				case store.ChannelChanges:
					// This instance retired its pages before acknowledging its own edits; an
					// edit whose commit reported an error may have committed all the same.
					if !in.store.Acknowledged(n) {
						in.App.Invalidate()
					}
				case store.ChannelJobs:
					in.Jobs.Wake()
				}
			},
			func(err error) {
				if err != nil {
					in.log.Warn("lost the database's notifications; retrying", "err", err)
					in.heard(err)
					return
				}
				in.App.Invalidate()
				in.Jobs.Wake()
				in.heard(nil)
			})
	})
	wg.Wait()
}
