package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Channels on which instances tell each other what happened.
const (
	// ChannelChanges carries the origin of the announcement and the number of its transaction
	// within that origin ("origin.number"), a space, and the ids of entities whose accepted
	// revision changed, comma separated, or "*" when anything may have changed.
	ChannelChanges = "kioku_changes"
	// ChannelJobs says that a job was queued.
	ChannelJobs = "kioku_jobs"
)

// maxPayload keeps notifications under PostgreSQL's 8000-byte limit.
const maxPayload = 7000

// Announce tells every instance, once tx commits, that the entities changed. A transaction that
// rolls back announces nothing. On SQLite, where one process serves the store, it does nothing.
func (tx *Tx) Announce(ctx context.Context, ids []int64) error {
	if tx.engine != Postgres {
		return nil
	}
	if tx.number == 0 {
		tx.number = tx.echoes.number()
	}
	return tx.notify(ctx, ChannelChanges, tx.origin+"."+strconv.FormatUint(tx.number, 10)+" "+changedPayload(ids))
}

// changedPayload lists ids for ChannelChanges, or "*" when the list is empty or too long.
func changedPayload(ids []int64) string {
	if len(ids) == 0 {
		return "*"
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
		if b.Len() > maxPayload {
			return "*"
		}
	}
	return b.String()
}

func (c *conn) notify(ctx context.Context, channel, payload string) error {
	_, err := c.exec(ctx, `SELECT pg_notify(?, ?)`, channel, payload)
	return err
}

// Notification is one message received by Listen.
type Notification struct {
	Channel string
	// Origin is the Origin of the store that announced a change, when the payload names one,
	// and Tx the number of the announcing transaction within that store.
	Origin  string
	Tx      uint64
	Payload string
}

// parseNotification splits the origin and transaction number off a ChannelChanges payload.
func parseNotification(channel, payload string) Notification {
	n := Notification{Channel: channel, Payload: payload}
	if channel == ChannelChanges {
		if origin, rest, ok := strings.Cut(payload, " "); ok {
			n.Origin, n.Payload = origin, rest
			if origin, number, ok := strings.Cut(origin, "."); ok {
				n.Origin = origin
				n.Tx, _ = strconv.ParseUint(number, 10, 64)
			}
		}
	}
	return n
}

// Listen receives the notifications of the given channels until ctx ends, calling handle for
// each. Every time the connection is (re)established it calls status(nil), and status(err) when
// it fails; between the two, notifications may have been missed, so a caller that caches must
// forget everything on status(nil). After a failure Listen retries with a growing pause (up to
// a few seconds). On SQLite, where there is only one instance, it calls status(nil) once and
// waits for ctx to end.
func (s *Store) Listen(ctx context.Context, channels []string, handle func(Notification), status func(error)) {
	if s.engine != Postgres {
		status(nil)
		<-ctx.Done()
		return
	}
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := s.listenPostgres(ctx, channels, handle, status)
		if ctx.Err() != nil {
			return
		}
		status(err)
		if connected {
			pause = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(pause*2, 5*time.Second)
	}
}
