package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable is what Unavailable errors are reported as to readers: the database could not
// be reached, and the request may be tried again.
var ErrUnavailable = errors.New("store: the database cannot be reached")

// Unavailable tells whether err means the database could not be reached, dropped the
// connection (a restart, a network cut, a server shutting down) or did not answer before the
// caller's deadline (a silent partition, an overloaded server), as opposed to a fault in the
// request. Such a request may succeed when tried again: the pool reconnects by itself.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is "connection exception"; 57P01-57P03 are an administrator's shutdown,
		// a crash shutdown and "cannot connect now" (starting up or in recovery).
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) {
		return true
	}
	// pgx reports a connection it closed after an I/O error by message only.
	msg := err.Error()
	return strings.Contains(msg, "conn closed")
}
