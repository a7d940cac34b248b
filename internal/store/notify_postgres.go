package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// listenPostgres holds one connection that LISTENs on channels until it fails or ctx ends.
// connected tells whether it got as far as listening.
func (s *Store) listenPostgres(ctx context.Context, channels []string, handle func(Notification), status func(error)) (connected bool, err error) {
	dial, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := s.connectPostgres(dial)
	cancel()
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return false, err
		}
	}
	status(nil)
	for {
		// Wake up now and then to check that the connection is alive: a connection cut without
		// a reset would otherwise wait for ever and miss every notification.
		wait, cancel := context.WithTimeout(ctx, 15*time.Second)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			handle(parseNotification(n.Channel, n.Payload))
		case ctx.Err() != nil:
			return true, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			ping, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}
