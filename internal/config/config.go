// Package config holds Kioku's settings: one struct, filled from command-line flags in main
// and passed down.
package config

import (
	"flag"
	"path/filepath"
	"time"
)

// Config is every setting a Kioku command uses.
type Config struct {
	// Addr is where serve listens.
	Addr string
	// DataDir holds the SQLite file (by default) and, later, uploaded images.
	DataDir string
	// Database is a postgres:// URL or the path of an SQLite file; empty means kioku.db in
	// DataDir.
	Database string
	// Demo fills an empty wiki with the demo data and makes a demo account.
	Demo bool
	// TrustAfter is how many accepted edits make an editor a trusted editor, whose edits no
	// longer wait for review.
	TrustAfter int
	// EditsPerHour is how many edits one account may save in an hour.
	EditsPerHour int
	// TrustProxy trusts the X-Forwarded-Proto and X-Forwarded-For headers of a reverse proxy in
	// front of Kioku: for marking cookies Secure behind TLS, and for limiting sign-in attempts
	// per address.
	TrustProxy bool
	// DatabaseTimeout is how long a request may wait for PostgreSQL before it is answered with
	// a 503; zero sets no limit. SQLite requests are not limited.
	DatabaseTimeout time.Duration
}

// StoreFlags registers the flags every command that touches the store takes.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", "./kioku-data", "folder for Kioku's data")
	fs.StringVar(&c.Database, "database", "", "postgres:// URL, or SQLite file (default: kioku.db in the data folder)")
}

// ServeFlags registers the flags of the serve command.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.StoreFlags(fs)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.BoolVar(&c.Demo, "demo", false, "fill an empty wiki with demo data and make a demo account")
	fs.IntVar(&c.TrustAfter, "trust-after", 10, "accepted edits that make an editor trusted (their edits skip the review queue)")
	fs.IntVar(&c.EditsPerHour, "edits-per-hour", 60, "edits one account may save in an hour")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy")
	fs.DurationVar(&c.DatabaseTimeout, "database-timeout", 3*time.Second, "how long a request may wait for PostgreSQL before it is answered with 503 (0: no limit)")
}

// DSN is the database the store opens.
func (c *Config) DSN() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "kioku.db")
}
