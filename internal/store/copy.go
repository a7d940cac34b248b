package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors with which Copy refuses to start.
var (
	// ErrNotEmpty means the target of a copy already holds rows.
	ErrNotEmpty = errors.New("store: copy target is not empty")
	// ErrSchemaMismatch means the source and the target of a copy are at different schema
	// versions.
	ErrSchemaMismatch = errors.New("store: schema versions differ")
)

// table is one table that Copy and Checksum cover.
type table struct {
	name string
	// key orders the rows: the primary key, or nil for a table without one, whose rows are
	// then ordered by every column.
	key []string
	// perInsert, when set, is how many rows a copy inserts at once: few for tables of large
	// rows, which would otherwise be held in memory by the hundred.
	perInsert int
}

// tables lists every table of the store but schema_migrations (which Migrate fills), parents
// before children so that foreign keys hold after every insert. A migration that adds a table
// must add it here; TestCopyCoversEveryTable fails until it does. Columns are not listed: they
// are read from the database, so a column added by a migration is copied without more ado, and
// so are PostgreSQL's identity columns, whose sequences Copy moves past the copied rows.
var tables = []table{
	{name: "users", key: []string{"id"}},
	{name: "sessions", key: []string{"token_hash"}},
	{name: "entities", key: []string{"id"}},
	{name: "changesets", key: []string{"id"}},
	{name: "revisions", key: []string{"entity_id", "number"}},
	{name: "proposals", key: []string{"changeset_id", "entity_id"}},
	{name: "links"},
	{name: "external_ids", key: []string{"site", "value", "entity_id"}},
	{name: "works", key: []string{"entity_id"}},
	{name: "import_records", key: []string{"source", "record"}},
	{name: "search_terms", key: []string{"id"}},
	{name: "watches", key: []string{"user_id", "entity_id"}},
	{name: "settings", key: []string{"name"}},
	{name: "jobs", key: []string{"id"}},
	{name: "login_failures", key: []string{"id"}},
	{name: "api_tokens", key: []string{"id"}},
	{name: "api_limits", key: []string{"key", "window_start"}},
	{name: "feed_counter", key: []string{"id"}},
	{name: "reader_lists", key: []string{"id"}},
	{name: "reader_list_items", key: []string{"list_id", "entity_id"}},
	{name: "reader_list_likes", key: []string{"list_id", "user_id"}},
	{name: "tracking", key: []string{"user_id", "work_id"}},
	{name: "score_counts", key: []string{"work_id", "score"}},
	{name: "image_blobs", key: []string{"hash", "width"}, perInsert: 1},
	{name: "main_images", key: []string{"entity_id"}},
}

// Tables lists, in foreign-key order, the tables that Copy and Checksum cover: every table of
// the store except the migration log.
func Tables() []string {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	return names
}

// Copy copies every row of every table from one store into another, keeping ids, and returns
// how many rows it copied per table. The target is migrated first and must then hold no rows
// at all (ErrNotEmpty) and be at the source's schema version (ErrSchemaMismatch); the source is
// only read, from one snapshot. All writes happen in one transaction on the target, so a copy
// that fails leaves the target as empty as it found it. The engines may differ: this is how a
// wiki moves from SQLite to PostgreSQL and back.
func Copy(ctx context.Context, from, to *Store) (map[string]int64, error) {
	if from == to || from.dsn == to.dsn {
		return nil, errors.New("store: copy: source and target are the same database")
	}
	// Refuse before migrating, too, so that a filled database at an older version is left
	// exactly as it was.
	if err := to.refuseFilled(ctx); err != nil {
		return nil, err
	}
	// Check the source against the version the target will migrate to, before migrating it.
	latest, err := latestVersion(to.engine)
	if err != nil {
		return nil, err
	}
	if err := compareVersions(ctx, &from.conn, latest); err != nil {
		return nil, err
	}
	if err := to.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("store: copy: target: %w", err)
	}
	counts := make(map[string]int64, len(tables))
	err = from.read(ctx, func(src *conn) error {
		return to.Tx(ctx, func(dst *Tx) error {
			// Again in the transactions, against the target's actual version.
			var version int
			if err := dst.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
				return fmt.Errorf("store: copy: target schema version: %w", dst.mapErr(err))
			}
			if err := compareVersions(ctx, src, version); err != nil {
				return err
			}
			if err := dst.refuseFilled(ctx); err != nil {
				return err
			}
			for _, t := range tables {
				n, err := copyTable(ctx, src, &dst.conn, t)
				if err != nil {
					return fmt.Errorf("store: copy %s: %w", t.name, err)
				}
				counts[t.name] = n
			}
			if dst.engine == Postgres {
				// SQLite gives a new row the largest id plus one by itself.
				return dst.moveSequences(ctx)
			}
			// SQLite's trigram index is built from the copied search terms.
			if _, err := dst.exec(ctx, `INSERT INTO search_trigrams (search_trigrams) VALUES ('rebuild')`); err != nil {
				return fmt.Errorf("store: copy: build the search index: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// moveSequences moves every identity or serial column's sequence past the largest value in its
// column. Copied rows were inserted with their ids, which the sequences did not see: the next
// insert would collide with them.
func (c *conn) moveSequences(ctx context.Context) error {
	serials, err := c.texts(ctx, `SELECT table_name || ' ' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
	if err != nil {
		return fmt.Errorf("store: copy: list sequences: %w", err)
	}
	for _, tc := range serials {
		t, col, _ := strings.Cut(tc, " ")
		if !slices.Contains(Tables(), t) {
			continue
		}
		_, err := c.exec(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(`+quote(col)+`), 0) + 1, false) FROM `+t, t, col)
		if err != nil {
			return fmt.Errorf("store: copy: move the sequence of %s.%s: %w", t, col, err)
		}
	}
	return nil
}

// texts runs a query for one text column and returns its values.
func (c *conn) texts(ctx context.Context, q string) ([]string, error) {
	rows, err := c.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// compareVersions refuses a copy from a source whose schema version is not to, the version of
// the target: their tables may not have the same columns.
func compareVersions(ctx context.Context, src *conn, to int) error {
	var from int
	if err := src.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&from); err != nil {
		return fmt.Errorf("store: copy: source schema version (is it a migrated Kioku store?): %w", src.mapErr(err))
	}
	switch {
	case from < to:
		return fmt.Errorf("%w: the source is at version %d and the target at %d; migrate the source first", ErrSchemaMismatch, from, to)
	case from > to:
		return fmt.Errorf("%w: the source is at version %d and the target at %d; copy with a newer kioku", ErrSchemaMismatch, from, to)
	}
	return nil
}

// latestVersion is the number of the last migration of an engine, the version Migrate brings a
// store to. Migrations are named with zero-padded numbers, which ReadDir returns in order.
func latestVersion(engine Engine) (int, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(engine))
	if err != nil || len(entries) == 0 {
		return 0, fmt.Errorf("store: migrations of %s: %v", engine, err)
	}
	head, _, _ := strings.Cut(entries[len(entries)-1].Name(), "_")
	return strconv.Atoi(head)
}

// read runs fn in a read-only transaction, so that everything fn reads comes from one snapshot
// of the database while others go on writing.
func (s *Store) read(ctx context.Context, fn func(c *conn) error) error {
	// SQLite ignores the isolation level: its read transactions are snapshots already.
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin: %w", s.mapErr(err))
	}
	defer sqlTx.Rollback()
	return fn(&conn{q: sqlTx, engine: s.engine})
}

// refuseFilled returns ErrNotEmpty, naming the tables, when any table of the copy list exists
// and holds a row.
func (c *conn) refuseFilled(ctx context.Context) error {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if c.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	present, err := c.texts(ctx, q)
	if err != nil {
		return fmt.Errorf("store: copy: target: %w", err)
	}
	var full []string
	for _, t := range tables {
		if !slices.Contains(present, t.name) {
			continue
		}
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM `+t.name+` LIMIT 1`).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: copy: target: %s: %w", t.name, err)
		}
		full = append(full, t.name)
	}
	if len(full) > 0 {
		return fmt.Errorf("%w: %s already hold rows; copy into a new, empty database", ErrNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// column is a column as the database reports it.
type column struct {
	name string
	text bool
}

// columns reads the columns of a table in the order the table declares them.
func (c *conn) columns(ctx context.Context, name string) ([]column, error) {
	rows, err := c.query(ctx, `SELECT * FROM `+name+` WHERE 1 = 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]column, len(types))
	for i, t := range types {
		// SQLite reports the declared type, PostgreSQL the type's name; SQLite's rule for text
		// affinity covers both.
		typ := strings.ToUpper(t.DatabaseTypeName())
		cols[i] = column{name: t.Name(), text: strings.Contains(typ, "TEXT") || strings.Contains(typ, "CHAR") || strings.Contains(typ, "CLOB")}
	}
	return cols, rows.Err()
}

// selectAll returns the query that reads every row of t, the given columns in that order, rows
// in the same order on both engines.
func selectAll(engine Engine, t table, cols []column) (string, error) {
	key := t.key
	if key == nil {
		// By name, not position, so that the order does not depend on how each engine's
		// migrations happened to declare the columns.
		for _, c := range cols {
			key = append(key, c.name)
		}
		slices.Sort(key)
	}
	order := make([]string, len(key))
	for i, k := range key {
		j := slices.IndexFunc(cols, func(c column) bool { return c.name == k })
		if j < 0 {
			return "", fmt.Errorf("%s has no column %s to order by", t.name, k)
		}
		order[i] = quote(k)
		if engine == Postgres && cols[j].text {
			// Byte order, as SQLite's default BINARY collation compares, whatever the
			// database's locale.
			order[i] += ` COLLATE "C"`
		}
	}
	return `SELECT ` + columnList(cols) + ` FROM ` + t.name + ` ORDER BY ` + strings.Join(order, ", "), nil
}

func columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quote(c.name)
	}
	return strings.Join(names, ", ")
}

// quote makes a column name an identifier for both engines, whatever keyword it may be.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// copyTable copies the rows of one table from src to dst in multi-row inserts.
func copyTable(ctx context.Context, src, dst *conn, t table) (int64, error) {
	cols, err := src.columns(ctx, t.name)
	if err != nil {
		return 0, err
	}
	dstCols, err := dst.columns(ctx, t.name)
	if err != nil {
		return 0, err
	}
	if !sameColumns(cols, dstCols) {
		return 0, fmt.Errorf("%w: the source has columns (%s), the target (%s)", ErrSchemaMismatch, columnList(cols), columnList(dstCols))
	}
	q, err := selectAll(src.engine, t, cols)
	if err != nil {
		return 0, err
	}
	rows, err := src.query(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	// As many rows per statement as keep under the engine's limit on parameters: 32766 on
	// SQLite, 65535 on PostgreSQL.
	limit := 32766
	if dst.engine == Postgres {
		limit = 65535
	}
	perStatement := max(1, min(500, limit/len(cols)))
	if t.perInsert > 0 {
		perStatement = t.perInsert
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	insert := `INSERT INTO ` + t.name + ` (` + columnList(cols) + `) VALUES `
	args := make([]any, 0, perStatement*len(cols))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / len(cols)
		_, err := dst.exec(ctx, insert+strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", "), args...)
		args = args[:0]
		return err
	}

	vals, ptrs := rowBuffer(len(cols))
	var count int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		for _, v := range vals {
			if tm, ok := v.(time.Time); ok {
				// pgx returns times in the local zone, and SQLite would store that zone's
				// offset in the text, where times in UTC compare correctly as strings.
				v = tm.UTC()
			}
			args = append(args, v)
		}
		count++
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return count, nil
}

// rowBuffer returns n values and pointers to them, for Scan to fill with what the driver returns.
func rowBuffer(n int) (vals, ptrs []any) {
	vals, ptrs = make([]any, n), make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

func sameColumns(a, b []column) bool {
	sorted := func(cols []column) []column {
		return slices.SortedFunc(slices.Values(cols), func(x, y column) int { return strings.Compare(x.name, y.name) })
	}
	return columnList(sorted(a)) == columnList(sorted(b))
}

// TableSum is the fingerprint of a table's contents.
type TableSum struct {
	Rows int64  // how many rows the table holds
	Sum  string // hex SHA-256 of the canonical encoding of the rows, in key order
}

// Checksum fingerprints every table that Copy covers, from one snapshot. The sums are equal
// for the same data on either engine, so comparing them checks a copy. The hash covers the
// column names in alphabetical order, then each row in primary-key order (byte order for
// text), its values in column-name order, each with a type letter: "N;" for NULL; "I", the
// decimal digits and ";" for an integer (a boolean is 0 or 1); "T", the length in bytes, ":",
// the text as is and ";" for text; "D", the time in UTC as RFC 3339 with microseconds and ";"
// for a time. Each row ends with a newline.
func Checksum(ctx context.Context, s *Store) (map[string]TableSum, error) {
	out := make(map[string]TableSum, len(tables))
	err := s.read(ctx, func(c *conn) error {
		for _, t := range tables {
			sum, err := c.checksum(ctx, t)
			if err != nil {
				return fmt.Errorf("store: checksum %s: %w", t.name, err)
			}
			out[t.name] = sum
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *conn) checksum(ctx context.Context, t table) (TableSum, error) {
	cols, err := c.columns(ctx, t.name)
	if err != nil {
		return TableSum{}, err
	}
	slices.SortFunc(cols, func(a, b column) int { return strings.Compare(a.name, b.name) })
	q, err := selectAll(c.engine, t, cols)
	if err != nil {
		return TableSum{}, err
	}
	h := sha256.New()
	for _, col := range cols {
		h.Write([]byte(col.name + ","))
	}
	h.Write([]byte("\n"))
	rows, err := c.query(ctx, q)
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	vals, ptrs := rowBuffer(len(cols))
	var (
		buf []byte
		n   int64
	)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, err
		}
		buf = buf[:0]
		for i, v := range vals {
			if buf, err = appendValue(buf, v); err != nil {
				return TableSum{}, fmt.Errorf("column %s: %w", cols[i].name, err)
			}
		}
		h.Write(append(buf, '\n'))
		n++
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	return TableSum{Rows: n, Sum: hex.EncodeToString(h.Sum(nil))}, nil
}

// appendValue appends the canonical encoding of a value as a driver returns it. Integers come
// back as int64 from SQLite and as int32 or int64 from PostgreSQL; both encode alike.
func appendValue(b []byte, v any) ([]byte, error) {
	integer := func(n int64) []byte { return append(strconv.AppendInt(append(b, 'I'), n, 10), ';') }
	text := func(s []byte) []byte {
		b = strconv.AppendInt(append(b, 'T'), int64(len(s)), 10)
		return append(append(append(b, ':'), s...), ';')
	}
	switch v := v.(type) {
	case nil:
		return append(b, 'N', ';'), nil
	case int64:
		return integer(v), nil
	case int32:
		return integer(int64(v)), nil
	case int16:
		return integer(int64(v)), nil
	case bool:
		if v {
			return integer(1), nil
		}
		return integer(0), nil
	case string:
		return text([]byte(v)), nil
	case []byte:
		return text(v), nil
	case time.Time:
		return append(v.UTC().AppendFormat(append(b, 'D'), "2006-01-02T15:04:05.000000Z07:00"), ';'), nil
	}
	return b, fmt.Errorf("no canonical encoding for a value of type %T", v)
}
