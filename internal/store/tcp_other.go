//go:build !linux

package store

import (
	"syscall"
	"time"
)

// setUserTimeout returns nil where TCP_USER_TIMEOUT is not available: there, the keep-alive
// probes alone find a silent server, and only on an idle connection.
func setUserTimeout(time.Duration) func(network, address string, c syscall.RawConn) error {
	return nil
}
