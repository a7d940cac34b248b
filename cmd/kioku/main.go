// Command kioku runs the Kioku wiki: serve it, migrate its store, add accounts, rebuild its
// projections, back it up.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"kioku/internal/accounts"
	"kioku/internal/auth"
	"kioku/internal/config"
	"kioku/internal/demo"
	"kioku/internal/edit"
	"kioku/internal/jobs"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kioku:", err)
		os.Exit(1)
	}
}

const usage = `Kioku, a community-edited encyclopedia of anime.

Usage:
  kioku serve [--addr 127.0.0.1:8080] [--data ./kioku-data] [--database DB] [--demo]
              [--trust-after 10] [--edits-per-hour 60] [--trust-proxy] [--database-timeout 3s]
  kioku migrate [--data DIR] [--database DB]
  kioku user add --name NAME [--admin] [--data DIR] [--database DB]   (password on standard input)
  kioku reindex [--background] [--data DIR] [--database DB]
  kioku copy --from DB --to DB   (moves a whole wiki into a new, empty database)
  kioku backup PATH [--data DIR] [--database DB]
              (a consistent copy of a live SQLite store, to a new file; PostgreSQL: pg_dump)
  kioku dump DIR [--history] [--data DIR] [--database DB]
              (the wiki's pages, or every revision, as compressed JSON lines and a manifest)
  kioku restore DIR [--data DIR] [--database DB]   (a dump into a new, empty store)
  kioku import SOURCE PATH... [--report FILE] [--batch N] [--data DIR] [--database DB]
              (SOURCE: bangumi-data, madb or anidb-titles)

DB is a postgres:// URL or the path of an SQLite file (default: kioku.db in the data folder).
`

// run is the whole program, with its inputs and outputs passed in so that tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	var cfg config.Config
	cmd, args := args[0], args[1:]
	if cmd == "copy" {
		return copyStores(ctx, args, stdout, stderr)
	}
	if cmd == "import" {
		return importData(ctx, args, stdout, stderr)
	}
	if cmd == "backup" {
		return backupStore(ctx, args, stdout, stderr)
	}
	if cmd == "dump" {
		return dumpStore(ctx, args, stdout, stderr)
	}
	if cmd == "restore" {
		return restoreStore(ctx, args, stdout, stderr)
	}
	if cmd == "user" {
		if len(args) == 0 || args[0] != "add" {
			return errors.New("usage: kioku user add --name NAME [--admin]")
		}
		cmd, args = "user add", args[1:]
	}
	fs := flag.NewFlagSet("kioku "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var name string
	var admin, background bool
	switch cmd {
	case "serve":
		cfg.ServeFlags(fs)
	case "migrate":
		cfg.StoreFlags(fs)
	case "reindex":
		cfg.StoreFlags(fs)
		fs.BoolVar(&background, "background", false, "queue the work for a serving instance instead of doing it now")
	case "user add":
		cfg.StoreFlags(fs)
		fs.StringVar(&name, "name", "", "account name")
		fs.BoolVar(&admin, "admin", false, "make the account an administrator")
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	switch cmd {
	case "migrate":
		fmt.Fprintln(stdout, "store is up to date")
		return nil
	case "reindex":
		if background {
			id, err := st.EnqueueJob(ctx, jobs.Reindex, "", time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "queued job %d: a serving instance will rebuild the projections\n", id)
			return nil
		}
		n, err := (&edit.Service{Store: st}).Reindex(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rebuilt the projections of %d entities\n", n)
		return nil
	case "user add":
		return addUser(ctx, st, name, admin, stdin, stdout)
	}
	return serve(ctx, cfg, st, log, stdout)
}

func addUser(ctx context.Context, st *store.Store, name string, admin bool, stdin io.Reader, stdout io.Writer) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("user add: --name is required")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	role := auth.RoleEditor
	if admin {
		role = auth.RoleAdmin
	}
	u, err := accounts.New(st, accounts.Options{Password: auth.DefaultParams}).Add(ctx, name, password, role)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "added %s %q\n", role, u.Name)
	return nil
}

// copyStores is the copy command: it copies every row of one store into a new, empty one, from
// SQLite to PostgreSQL or back, then checks that both hold the same data. It opens only the two
// stores it is given, and migrates only the target.
func copyStores(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kioku copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the database to copy: a postgres:// URL or the path of an SQLite file")
	to := fs.String("to", "", "the new, empty database to fill: a postgres:// URL or the path of an SQLite file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return errors.New("usage: kioku copy --from DB --to DB (both are required)")
	}
	if *from == *to {
		return errors.New("copy: --from and --to name the same database")
	}
	if err := storeExists(*from, "copy: source"); err != nil {
		return err
	}
	src, err := store.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := store.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	var total int64
	width := 0
	for _, table := range store.Tables() {
		width = max(width, len(table)+1)
	}
	for _, table := range store.Tables() {
		unit := "rows"
		if counts[table] == 1 {
			unit = "row"
		}
		fmt.Fprintf(stdout, "%-*s %9d %s\n", width, table+":", counts[table], unit)
		total += counts[table]
	}
	want, err := store.Checksum(ctx, src)
	if err != nil {
		return err
	}
	got, err := store.Checksum(ctx, dst)
	if err != nil {
		return err
	}
	var differ []string
	for _, table := range store.Tables() {
		if got[table] != want[table] {
			differ = append(differ, table)
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("copy: the checksums of %s differ (was the source written to during the copy?)", strings.Join(differ, ", "))
	}
	fmt.Fprintf(stdout, "copied %d rows; checksums match\n", total)
	return nil
}

func serve(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, stdout io.Writer) error {
	timeout := cfg.DatabaseTimeout
	if timeout == 0 {
		timeout = -1 // the flag's 0 is no bound
	}
	in, err := server.NewInstance(st, log, web.Settings{Password: auth.DefaultParams, TrustAfter: cfg.TrustAfter,
		EditsPerHour: cfg.EditsPerHour, TrustProxy: cfg.TrustProxy, DatabaseTimeout: timeout})
	if err != nil {
		return err
	}
	edits := in.App.Edits()
	handler := in.Handler
	// A wiki written before the search index, or before the last change to how its terms are
	// made, is reindexed by a serving instance in the background.
	if current, err := edits.SearchIndexCurrent(ctx); err != nil {
		return err
	} else if !current {
		if _, err := st.EnqueueJob(ctx, jobs.Reindex, "", time.Now()); err != nil {
			return err
		}
		log.Info("the search index is out of date: rebuilding it in the background")
	}
	if cfg.Demo {
		password, err := demo.Load(ctx, edits, auth.DefaultParams)
		if err != nil {
			return err
		}
		if err := demo.LoadSlice(ctx, edits); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo account: name %q, password %q\n", demo.Account, password)
	}
	// Starting up hashed a password (the sign-in check for unknown names, 64 MiB for argon2id)
	// and maybe imported the demo data: hand that memory back before serving, so that the
	// server's resident memory is what serving needs.
	debug.FreeOSMemory()
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the garbage collector works harder near it rather than letting the
		// heap double past what the page cache and the pages in flight need.
		debug.SetMemoryLimit(96 << 20)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// Headers, bodies (see server.Routes) and the time to read and answer are bounded: no request
	// holds the server's memory or a connection for long.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(stdout, "Kioku is serving http://%s/ (store: %s)\n", ln.Addr(), st.Engine())
	background, stopBackground := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { in.Run(background); close(done) }()
	defer func() { stopBackground(); <-done }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
