// Package store keeps Kioku's data in SQLite or PostgreSQL through database/sql. All SQL lives
// here, written once in a portable dialect; the few places where the engines differ are marked
// by engine. Not-found and conflict conditions come back as the sentinel errors below.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Sentinel errors callers test with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: changed concurrently")
	ErrExists   = errors.New("store: already exists")
)

// Engine is the database engine behind a store.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is an open database. It is safe for concurrent use.
type Store struct {
	conn
	db  *sql.DB
	dsn string
	// pgConfig holds the settings of PostgreSQL's connections, for those made outside the pool.
	pgConfig *pgx.ConnConfig
	// echoes follows the store's announcements until they come back (see Acknowledged).
	echoes *echoes
	// writer admits one SQLite write transaction at a time, in arrival order. SQLite has one
	// writer anyway; queueing here rather than in its busy handler, which polls with growing
	// sleeps, keeps a burst of editors from starving one of them past the busy timeout.
	writer chan struct{}
	// bulk counts the bulk loads under way (BulkLoad).
	bulk *atomic.Int32
}

// sqliteConns is how many connections an SQLite store keeps open at most.
const sqliteConns = 8

// Tx is a store transaction; every read and write method of Store is available on it too.
type Tx struct {
	conn
	// terms journals the changes to search terms, written when it commits (writeSearchTerms).
	terms []termChange
	// grams follows what SQLite's trigram index needs to know about those changes.
	grams gramState
	// savepoints is how many savepoints are open.
	savepoints int
	// echoes follows the store's announcements, and number is this transaction's among them
	// once it announced something.
	echoes *echoes
	number uint64
	// fed lists the accepted revisions it inserted, numbered for the change feed when it
	// commits (numberRevisions). On SQLite, whose writers take turns for their whole
	// transaction, InsertRevision numbers them as it inserts them instead, from feedNext (0
	// until the counter is read), and the commit writes the counter back.
	fed      []revKey
	feedNext int64
	// accepted counts the accepted revisions it inserted.
	accepted int
	// bulk is its store's count of bulk loads under way.
	bulk *atomic.Int32
	// behindErr is the error of the write made behind that failed (WriteBehind), if one did.
	behindErr error
}

// querier is what database/sql's DB and Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn carries the methods shared by Store and Tx.
type conn struct {
	q      querier
	engine Engine
	// origin names this store's process in the announcements it makes, so that it can tell
	// its own from other instances'.
	origin string
	// stmts caches the statements a transaction prepared: an import runs the same few
	// statements thousands of times in one transaction, and parsing them again each time was a
	// quarter of its work on SQLite. database/sql closes them when the transaction ends.
	stmts map[string]*sql.Stmt
	tx    *sql.Tx
	// shared caches the store's statements outside transactions (SQLite only).
	shared *sharedStmts
	// grams estimates how common each trigram is in the search keys (PostgreSQL only).
	grams *gramCounts
	// later is set while a transaction's writes are made behind it (WriteBehind).
	later *writeBehind
}

// sharedStmts caches, on SQLite, the statements a store runs outside transactions: pages run the
// same few queries (the session, the reader's marks on a page) thousands of times a second, and
// parsing them every time was a good part of a signed-in reader's page. database/sql prepares
// each on a connection the first time it runs there.
type sharedStmts struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxSharedStmts bounds the statements kept: queries with lists of ids differ by length.
const maxSharedStmts = 200

func (s *sharedStmts) get(ctx context.Context, query string) *sql.Stmt {
	s.mu.RLock()
	st := s.m[query]
	s.mu.RUnlock()
	if st != nil {
		return st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.m[query]; st != nil || len(s.m) >= maxSharedStmts {
		return st
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain call reports the error
	}
	s.m[query] = st
	return st
}

func (s *sharedStmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.m {
		st.Close()
		delete(s.m, q)
	}
}

// Open connects to the database named by dsn: a postgres:// or postgresql:// URL, or the path of
// an SQLite file (created, with its folder, when missing). It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db     *sql.DB
		err    error
		engine Engine
	)
	var pgConfig *pgx.ConnConfig
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		engine = Postgres
		db, pgConfig, err = openPostgres(dsn)
	} else {
		engine = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store: create folder for %s: %w", path, err)
		}
		// WAL lets readers run beside the one writer; IMMEDIATE transactions take the write
		// lock up front, so two writers queue on busy_timeout instead of failing to upgrade.
		// synchronous=FULL syncs the log at every commit: an acknowledged edit survives a power
		// cut, not only a crash of the process. temp_store=MEMORY keeps the savepoints of an
		// import's batches (one per record) out of temporary files.
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(2)&_txlock=immediate&_time_format=sqlite")
		if err == nil {
			db.SetMaxOpenConns(sqliteConns)
			db.SetMaxIdleConns(sqliteConns)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	origin := make([]byte, 6)
	_, _ = rand.Read(origin)
	var shared *sharedStmts
	var grams *gramCounts
	if engine == SQLite {
		shared = &sharedStmts{db: db, m: map[string]*sql.Stmt{}}
	} else {
		grams = &gramCounts{}
	}
	return &Store{conn: conn{q: db, engine: engine, origin: hex.EncodeToString(origin), shared: shared, grams: grams}, db: db, dsn: dsn,
		pgConfig: pgConfig, echoes: &echoes{}, writer: make(chan struct{}, 1), bulk: &atomic.Int32{}}, nil
}

// Engine tells which database engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Origin names this store in its announcements: Notification.Origin equals it for the
// announcements of transactions made through this store.
func (s *Store) Origin() string { return s.origin }

// DB is the underlying pool, for tests and maintenance commands.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error {
	if s.shared != nil {
		s.shared.close()
	}
	return s.db.Close()
}

// Tx runs fn in a transaction, committing when fn returns nil and rolling back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.engine == SQLite {
		select {
		case s.writer <- struct{}{}:
			defer func() { <-s.writer }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", s.mapErr(err))
	}
	tx := &Tx{conn: conn{q: sqlTx, engine: s.engine, origin: s.origin, tx: sqlTx, stmts: map[string]*sql.Stmt{}},
		grams: gramState{from: -1}, echoes: s.echoes, bulk: s.bulk}
	err = fn(tx)
	if err == nil {
		err = tx.behindErr
	}
	if err == nil {
		err = tx.writeSearchTerms(ctx)
	}
	if err == nil {
		err = tx.numberRevisions(ctx) // the last thing before the commit: see feed.go
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return ended(ctx, err)
	}
	if tx.number != 0 {
		s.echoes.expect(tx.number)
	}
	if err := sqlTx.Commit(); err != nil {
		if tx.number != 0 {
			// The commit may have happened even so: its echo will say, and is news then.
			s.echoes.forget(tx.number)
		}
		return fmt.Errorf("store: commit: %w", ended(ctx, s.mapErr(err)))
	}
	return nil
}

// ended adds the reason to an error that says only that a transaction is over, when it is over
// because its context ended: database/sql rolls back a transaction whose deadline passed, and
// the statements after that learn no more than sql.ErrTxDone.
func ended(ctx context.Context, err error) error {
	if errors.Is(err, sql.ErrTxDone) && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w: %w", err, ctx.Err())
	}
	return err
}

// rebind rewrites the portable '?' placeholders into PostgreSQL's $n form.
func (c *conn) rebind(query string) string {
	if c.engine != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func (c *conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := c.wait(); err != nil {
		return nil, err
	}
	return c.execNow(ctx, query, args...)
}

// execNow runs a statement at once, even when the transaction writes behind: for the writer.
func (c *conn) execNow(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, c.mapErr(err)
	}
	res, err := c.q.ExecContext(ctx, c.rebind(query), args...)
	return res, c.mapErr(err)
}

func (c *conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := c.wait(); err != nil {
		return nil, err
	}
	if st := c.stmt(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, c.mapErr(err)
	}
	rows, err := c.q.QueryContext(ctx, c.rebind(query), args...)
	return rows, c.mapErr(err)
}

// row is the one row a query found, or the error that kept it from running.
type row struct {
	*sql.Row
	err error
}

// Scan copies the row's columns into dest, as sql.Row's does.
func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.Row.Scan(dest...)
}

// queryRow runs a query for one row, once the writes made behind it are made (wait).
func (c *conn) queryRow(ctx context.Context, query string, args ...any) row {
	if err := c.wait(); err != nil {
		return row{err: err}
	}
	if st := c.stmt(ctx, query); st != nil {
		return row{Row: st.QueryRowContext(ctx, args...)}
	}
	return row{Row: c.q.QueryRowContext(ctx, c.rebind(query), args...)}
}

// stmt returns the prepared statement for query of the transaction, or outside one of the
// store, preparing it the first time; nil on PostgreSQL (where pgx keeps prepared statements
// itself, and a failed prepare would abort the transaction), and for scripts of several
// statements or statements not worth keeping.
func (c *conn) stmt(ctx context.Context, query string) *sql.Stmt {
	if c.engine != SQLite || strings.Contains(query, ";") || strings.HasPrefix(query, "SAVEPOINT") ||
		strings.HasPrefix(query, "ROLLBACK") || strings.HasPrefix(query, "RELEASE") || strings.HasPrefix(query, "PRAGMA") {
		return nil
	}
	if c.tx == nil {
		if c.shared == nil {
			return nil
		}
		return c.shared.get(ctx, query)
	}
	if c.stmts == nil || len(c.stmts) >= 200 {
		return c.stmts[query]
	}
	if st, ok := c.stmts[query]; ok {
		return st
	}
	st, err := c.tx.PrepareContext(ctx, c.rebind(query))
	if err != nil {
		return nil // the plain call reports the error
	}
	c.stmts[query] = st
	return st
}

// mapErr turns driver errors into the package's sentinels.
func (c *conn) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") {
		return fmt.Errorf("%w: %v", ErrExists, err)
	}
	return err
}

// inList returns "?, ?, ?" for n values and the values as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// insertID runs an INSERT of one row into a table with an id column and returns the row's id. On
// SQLite the id comes without a result row to read, which is cheaper: an import creates a hundred
// thousand pages.
func (c *conn) insertID(ctx context.Context, insert string, args ...any) (int64, error) {
	if c.engine == SQLite {
		res, err := c.exec(ctx, insert, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	var id int64
	err := c.queryRow(ctx, insert+` RETURNING id`, args...).Scan(&id)
	return id, c.mapErr(err)
}

// insertRows writes n rows with insert (a statement ending in VALUES), each row as tuple with the
// arguments that row appends, at most most rows per statement.
func (c *conn) insertRows(ctx context.Context, insert, tuple string, n, most int, row func(i int, args []any) []any) error {
	var args []any
	for done := 0; done < n; {
		size := min(n-done, most)
		args = args[:0]
		for i := done; i < done+size; i++ {
			args = row(i, args)
		}
		if err := c.write(ctx, insert+strings.TrimSuffix(strings.Repeat(tuple+", ", size), ", "), args...); err != nil {
			return err
		}
		done += size
	}
	return nil
}

// padded lengthens a list of ids to a power of two by repeating its last, which changes nothing in
// an IN list but lets a transaction prepare a few statements for any length instead of one each.
func padded(ids []int64) []int64 {
	if len(ids) == 0 {
		return ids
	}
	n := 4
	for n < len(ids) {
		n *= 2
	}
	out := append(make([]int64, 0, n), ids...)
	for len(out) < n {
		out = append(out, ids[len(ids)-1])
	}
	return out
}

// now is the time stamp written with new rows, in UTC with microseconds, the precision both
// engines keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
