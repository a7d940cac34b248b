package store

import (
	"context"
	"database/sql"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// How long a PostgreSQL connection may take to be made, and how soon one whose server stopped
// answering is given up. A network partition drops packets without a word: without these a
// connection would wait for the operating system's own limits, a quarter of an hour or more.
// Requests have their own, shorter deadline (see web.App); these bound what has none, such as
// jobs, imports and the listener, without cutting a long statement the server is still working
// on, whose connection stays quiet but alive.
const (
	// connectTimeout bounds making a connection, from the dial to the end of the start-up
	// exchange, when the DSN's connect_timeout does not say otherwise.
	connectTimeout = 5 * time.Second
	// keepAliveIdle, keepAliveInterval and keepAliveCount probe an idle connection: after 15 s
	// of quiet, a probe every 5 s, and the connection is dropped after 3 unanswered ones.
	keepAliveIdle     = 15 * time.Second
	keepAliveInterval = 5 * time.Second
	keepAliveCount    = 3
	// userTimeout drops a connection whose sent data stays unacknowledged this long (Linux's
	// TCP_USER_TIMEOUT): a query sent into a partition fails then instead of after the kernel's
	// retransmissions run out. A busy server still acknowledges what it receives.
	userTimeout = 30 * time.Second
)

// openPostgres opens a pool over the server of dsn, whose connections give up on a silent
// server as above. It returns the connection settings too, for the listener's own connection.
func openPostgres(dsn string) (*sql.DB, *pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	dialer := &net.Dialer{
		Timeout: cfg.ConnectTimeout,
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepAliveIdle, Interval: keepAliveInterval,
			Count: keepAliveCount},
		Control: setUserTimeout(userTimeout),
	}
	cfg.DialFunc = dialer.DialContext
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, cfg, nil
}

// connectPostgres makes one connection outside the pool, with the pool's settings.
func (s *Store) connectPostgres(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, s.pgConfig.Copy())
}
