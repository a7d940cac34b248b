package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kioku/internal/wiki"
)

// ReplaceExternalIDs sets the projection of entity id's ids on other sites. Whether another
// entity may carry the same id is the edit package's rule.
func (tx *Tx) ReplaceExternalIDs(ctx context.Context, id int64, ids []wiki.ExternalID, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM external_ids WHERE entity_id = ?`, id); err != nil {
			return fmt.Errorf("store: clear external ids of %d: %w", id, err)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO external_ids (site, value, entity_id) VALUES `)
	args := make([]any, 0, 3*len(ids))
	for i, x := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, x.Site, x.ID, id)
	}
	if err := tx.write(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: external ids of %d: %w", id, err)
	}
	return nil
}

// ExternalIDOwners finds which entities carry the given ids, keyed by "site:id", lowest id
// first.
func (c *conn) ExternalIDOwners(ctx context.Context, ids []wiki.ExternalID) (map[string][]int64, error) {
	out := make(map[string][]int64, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 300)]
		ids = ids[len(batch):]
		var q strings.Builder
		q.WriteString(`SELECT site, value, entity_id FROM external_ids WHERE `)
		args := make([]any, 0, 2*len(batch))
		for i, x := range batch {
			if i > 0 {
				q.WriteString(" OR ")
			}
			q.WriteString("(site = ? AND value = ?)")
			args = append(args, x.Site, x.ID)
		}
		q.WriteString(" ORDER BY entity_id")
		rows, err := c.query(ctx, q.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("store: external ids: %w", err)
		}
		for rows.Next() {
			var site, value string
			var id int64
			if err := rows.Scan(&site, &value, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[site+":"+value] = append(out[site+":"+value], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EntityByExternalID finds the entity that carries id on site, the oldest when several do;
// ErrNotFound when none does.
func (c *conn) EntityByExternalID(ctx context.Context, site, id string) (Entity, error) {
	e, err := scanEntity(c.queryRow(ctx, `SELECT `+prefixed("e", entityColumns)+`
		FROM external_ids x JOIN entities e ON e.id = x.entity_id WHERE x.site = ? AND x.value = ? AND e.head > 0 ORDER BY e.id LIMIT 1`, site, id))
	if err != nil {
		return Entity{}, fmt.Errorf("store: %s id %q: %w", site, id, c.mapErr(err))
	}
	return e, nil
}

// ExternalIDs lists every id the wiki knows on a site with the entity carrying it (the oldest
// when several do), for importers matching records to pages. An id a redirect keeps maps to the
// page it was merged into.
func (c *conn) ExternalIDs(ctx context.Context, site string) (map[string]int64, error) {
	rows, err := c.query(ctx, `SELECT x.value, CASE WHEN e.merged_into <> 0 THEN e.merged_into ELSE x.entity_id END
		FROM external_ids x JOIN entities e ON e.id = x.entity_id WHERE x.site = ? ORDER BY x.entity_id DESC`, site)
	if err != nil {
		return nil, fmt.Errorf("store: %s ids: %w", site, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var v string
		var id int64
		if err := rows.Scan(&v, &id); err != nil {
			return nil, err
		}
		out[v] = id
	}
	return out, rows.Err()
}

// WorkFacts is the projection of a work's plain facts that lists by year, season and type use.
type WorkFacts struct {
	Medium        wiki.Medium
	StartDate     string
	EndDate       string
	Episodes      int
	OriginalTitle string
}

// ReplaceWorkFacts sets the facts projection of work id; nil removes it (the entity is not a
// work). fresh says the entity is new and has no row yet.
func (tx *Tx) ReplaceWorkFacts(ctx context.Context, id int64, f *WorkFacts, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM works WHERE entity_id = ?`, id); err != nil {
			return fmt.Errorf("store: clear facts of %d: %w", id, err)
		}
	}
	if f == nil {
		return nil
	}
	err := tx.write(ctx, `INSERT INTO works (entity_id, medium, start_date, end_date, episodes, original_title)
		VALUES (?, ?, ?, ?, ?, ?)`, id, string(f.Medium), f.StartDate, f.EndDate, f.Episodes, f.OriginalTitle)
	if err != nil {
		return fmt.Errorf("store: facts of %d: %w", id, err)
	}
	return nil
}

// ClearProjections empties every projection table, before a rebuild.
func (tx *Tx) ClearProjections(ctx context.Context) error {
	if err := tx.beginTerms(ctx); err != nil {
		return err
	}
	tx.terms = append(tx.terms, termChange{clear: true})
	for _, t := range []string{"links", "external_ids", "works", "search_terms", "main_images"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("store: clear %s: %w", t, err)
		}
	}
	if tx.engine == SQLite {
		if _, err := tx.exec(ctx, `INSERT INTO search_trigrams (search_trigrams) VALUES ('delete-all')`); err != nil {
			return fmt.Errorf("store: clear the search index: %w", err)
		}
		tx.grams.removed = append(tx.grams.removed, nil)
	}
	return nil
}

// ImportRecord is what an imported record gave the wiki the last time it was imported: the
// entity it became part of, the data set's version, and the record's contribution (the
// document of the facts it gave, as JSON) with its hash.
type ImportRecord struct {
	Source       string
	Record       string
	EntityID     int64
	Version      string
	Hash         string
	Contribution []byte
	UpdatedAt    time.Time
}

// ImportRecords lists what every record of a data set gave last time, keyed by record id. A
// record of a page since merged into another is the kept page's now.
func (c *conn) ImportRecords(ctx context.Context, source string) (map[string]ImportRecord, error) {
	rows, err := c.query(ctx, `SELECT r.source, r.record, CASE WHEN e.merged_into <> 0 THEN e.merged_into ELSE r.entity_id END,
			r.version, r.hash, r.contribution, r.updated_at
		FROM import_records r JOIN entities e ON e.id = r.entity_id WHERE r.source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("store: import records of %s: %w", source, err)
	}
	defer rows.Close()
	out := map[string]ImportRecord{}
	for rows.Next() {
		var r ImportRecord
		var doc string
		if err := rows.Scan(&r.Source, &r.Record, &r.EntityID, &r.Version, &r.Hash, &doc, &r.UpdatedAt); err != nil {
			return nil, err
		}
		r.Contribution = []byte(doc)
		out[r.Record] = r
	}
	return out, rows.Err()
}

// PutImportRecord records what a record gave, replacing what it gave before.
func (tx *Tx) PutImportRecord(ctx context.Context, r ImportRecord) error {
	err := tx.write(ctx, `INSERT INTO import_records (source, record, entity_id, version, hash, contribution, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, record) DO UPDATE SET entity_id = excluded.entity_id, version = excluded.version,
			hash = excluded.hash, contribution = excluded.contribution, updated_at = excluded.updated_at`,
		r.Source, r.Record, r.EntityID, r.Version, r.Hash, string(r.Contribution), now())
	if err != nil {
		return fmt.Errorf("store: import record %s %s: %w", r.Source, r.Record, err)
	}
	return nil
}

// Savepoint runs fn so that, when it fails, what it wrote is undone while the rest of the
// transaction stands: one bad record of an import leaves the records around it in place.
func (tx *Tx) Savepoint(ctx context.Context, fn func() error) error {
	if err := tx.flushTermsIfMany(ctx); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `SAVEPOINT record`); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	tx.savepoints++
	defer func() { tx.savepoints-- }()
	terms, removed := len(tx.terms), len(tx.grams.removed)
	if err := fn(); err != nil {
		tx.terms, tx.grams.removed = tx.terms[:terms], tx.grams.removed[:removed]
		if _, rerr := tx.exec(ctx, `ROLLBACK TO SAVEPOINT record`); rerr != nil {
			return errors.Join(err, fmt.Errorf("store: roll back to savepoint: %w", rerr))
		}
		_, _ = tx.exec(ctx, `RELEASE SAVEPOINT record`)
		return err
	}
	if _, err := tx.exec(ctx, `RELEASE SAVEPOINT record`); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}

// WithoutSavepoint runs fn as Savepoint would, without the savepoint: for a caller that rolls the
// whole transaction back when fn fails (edit.FastBatch). What fn wrote stays, so the search
// terms it journals are written too.
func (tx *Tx) WithoutSavepoint(ctx context.Context, fn func() error) error {
	if err := tx.flushTermsIfMany(ctx); err != nil {
		return err
	}
	return fn()
}

// NamesOfKind lists the id and name of every entity of a kind with an accepted revision that is
// not a redirect.
func (c *conn) NamesOfKind(ctx context.Context, kind wiki.Kind) (map[int64]string, error) {
	rows, err := c.query(ctx, `SELECT id, name FROM entities WHERE kind = ? AND head > 0 AND merged_into = 0`, kind)
	if err != nil {
		return nil, fmt.Errorf("store: names of %s: %w", kind, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// defaultCacheKiB is SQLite's own page cache size per connection, which the store keeps.
const defaultCacheKiB = 2000

// defaultAutocheckpoint is SQLite's own: a commit that leaves the log longer than this many
// pages copies it into the database.
const defaultAutocheckpoint = 1000

// WithLargeCache runs fn with a page cache of mib MiB on this transaction's SQLite connection,
// then gives the connection its usual cache back. A batch of an import writes more pages than
// the usual 2 MB hold, and SQLite would spill them to the log and read them back within the
// transaction. The batch's commit does not copy the log into the database either: that is left
// to BulkLoad's checkpointer when it runs, or to the connection's next commit. During a bulk
// load the connection keeps the large cache afterwards, for the next batch. PostgreSQL has no
// such setting per connection; there fn simply runs.
func (tx *Tx) WithLargeCache(ctx context.Context, mib int, fn func() error) error {
	if tx.engine != SQLite {
		return fn()
	}
	if _, err := tx.exec(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, mib*1024)); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		return err
	}
	err := fn()
	if tx.bulk.Load() == 0 {
		if _, rerr := tx.exec(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, defaultCacheKiB)); rerr != nil && err == nil {
			err = rerr
		}
	}
	if _, rerr := tx.exec(ctx, fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, defaultAutocheckpoint)); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// BulkLoad readies an SQLite store for a long run of batches (an import) until stop is called.
// SQLite's log is copied into the database every interval from a connection of its own, so that
// the writer's commits do not do it: on a machine with two cores, the copying runs beside the
// writing (a checkpoint that finds the writer busy copies what it can and leaves the rest for the
// next). And the batches' connections keep their large page caches (WithLargeCache) from one
// batch to the next, instead of reading the indexes back into a small one each time, which
// halves what an import of the Media Arts Database reads; stop closes the idle connections,
// which gives that memory back. On PostgreSQL it does nothing.
func (s *Store) BulkLoad(interval time.Duration) (stop func()) {
	if s.engine != SQLite {
		return func() {}
	}
	s.bulk.Add(1)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				// An error here (a busy database) only means the next checkpoint copies more.
				_, _ = s.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		if s.bulk.Add(-1) == 0 {
			s.db.SetMaxIdleConns(0) // closes them
			s.db.SetMaxIdleConns(sqliteConns)
		}
	}
}
