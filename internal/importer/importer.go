// Package importer brings public data sets into the wiki. An importer is an editor like any
// other: one account per data set, changesets through the edit package, summaries naming the
// data set and its version. It matches each record to the page of the same work (by a shared
// id on another site, else by title, type and start date), folds the record's facts into the
// page without trampling a person's correction, and remembers what each record gave, so that
// running the import again changes only what changed at the source.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"kioku/internal/auth"
	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Importer imports data sets into one wiki.
type Importer struct {
	Edits *edit.Service
	// Progress, when set, receives a progress bar (on a terminal) or a line now and then.
	Progress io.Writer
	// Terminal says that Progress is a terminal, where the bar redraws itself in place.
	Terminal bool
	// Report, when set, receives the match report: one line per record saying how it was
	// matched to a page, for a person to audit.
	Report io.Writer
	// BatchSize is how many records share one transaction; 0 means 2000.
	BatchSize int
}

// Summary is what an import did.
type Summary struct {
	Source  string
	Version string
	// Read counts the records the reader read: every one of them is counted below once, in
	// Created, Merged, Updated, Unchanged, Skipped, or in the reader's Bad (Skipped too).
	Read      int
	Created   int // records that became a new page
	Merged    int // records joined, for the first time, to a page another record made
	Updated   int // records imported before whose changes were applied
	Unchanged int // records imported before that did not change
	Releases  int // records that became releases of another record's work
	Absorbed  int // records the reader merged into another (a film's series, a duplicate)
	Franchise int // records that became franchises
	Agents    int // people and organisations read, made into pages when a work names them
	Skipped   []Skip
	// Proposed counts records some of whose new values wait in the review queue because a
	// person had changed them.
	Proposed int
	// Matches counts how records were matched: "id", "title", "ambiguous", "new".
	Matches map[string]int
	// People, Companies and Characters count the pages made for the records' credits and cast.
	People, Companies, Characters int
	Elapsed                       time.Duration
}

// Skip is a record that was not imported, with the reason.
type Skip struct {
	ID     string
	Reason string
}

// clone copies a summary, to go back to it.
func (s *Summary) clone() *Summary {
	c := *s
	c.Matches = maps.Clone(s.Matches)
	c.Skipped = slices.Clone(s.Skipped)
	return &c
}

// Total is the number of records the summary accounts for; it equals Read.
func (s *Summary) Total() int {
	return s.Created + s.Merged + s.Updated + s.Unchanged + s.Releases + s.Absorbed + s.Franchise + s.Agents + len(s.Skipped)
}

// Print writes the summary for a person at a terminal.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "%s (version %s): %d records read in %s\n", s.Source, s.Version, s.Read, s.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  created   %6d\n  merged    %6d\n  updated   %6d\n  unchanged %6d\n", s.Created, s.Merged, s.Updated, s.Unchanged)
	if s.Releases > 0 {
		fmt.Fprintf(w, "  releases  %6d  (discs, added to their works)\n", s.Releases)
	}
	if s.Absorbed > 0 {
		fmt.Fprintf(w, "  absorbed  %6d  (folded into another record of the same work: a film's series, a duplicate, a title line)\n", s.Absorbed)
	}
	if s.Franchise > 0 {
		fmt.Fprintf(w, "  franchises %5d\n", s.Franchise)
	}
	if s.Agents > 0 {
		fmt.Fprintf(w, "  people and organisations %d  (a page each when a work names them)\n", s.Agents)
	}
	fmt.Fprintf(w, "  skipped   %6d\n", len(s.Skipped))
	if total := s.Total(); total != s.Read {
		fmt.Fprintf(w, "  (these add up to %d of the %d records read)\n", total, s.Read)
	}
	if s.Proposed > 0 {
		fmt.Fprintf(w, "  %d records have new values that a person had changed: they wait in the review queue\n", s.Proposed)
	}
	fmt.Fprintf(w, "  matched by id %d, by title and date %d, ambiguous (not merged) %d, new %d\n",
		s.Matches["id"], s.Matches["title"], s.Matches["ambiguous"], s.Matches["new"])
	fmt.Fprintf(w, "  pages made for people %d, companies %d, characters %d\n", s.People, s.Companies, s.Characters)
	for _, sk := range s.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s\n", sk.ID, sk.Reason)
	}
}

// Account is the name of the account that imports a data set.
func Account(source string) string { return "Import: " + source }

// account finds or makes the import account of a data set.
func (im *Importer) account(ctx context.Context, source string) (int64, error) {
	s := im.Edits.Store
	u, err := s.UserByName(ctx, Account(source))
	if err == nil {
		return u.ID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	// The account never signs in: its password hash matches no password.
	id, err := s.CreateUser(ctx, Account(source), "!import account: no password", string(auth.RoleImporter))
	if errors.Is(err, store.ErrExists) {
		u, err := s.UserByName(ctx, Account(source))
		return u.ID, err
	}
	return id, err
}

// Run imports a data set read by the dataset package.
func (im *Importer) Run(ctx context.Context, set *dataset.Set) (*Summary, error) {
	start := time.Now()
	sum := &Summary{Source: set.Source, Version: set.Version, Read: set.Read, Matches: map[string]int{}}
	for _, b := range set.Bad {
		sum.Skipped = append(sum.Skipped, Skip{ID: b.ID, Reason: b.File + ": " + b.Reason})
	}
	author, err := im.account(ctx, set.Source)
	if err != nil {
		return nil, fmt.Errorf("importer: account: %w", err)
	}
	st, err := loadState(ctx, im.Edits.Store, set)
	if err != nil {
		return nil, err
	}
	st.sum = sum
	// The batches leave copying SQLite's log into the database to a checkpointer of their own,
	// and keep their page caches from one to the next.
	defer im.Edits.Store.BulkLoad(250 * time.Millisecond)()
	r := &run{im: im, set: set, sum: sum, author: author, st: st}
	if err := r.franchises(ctx); err != nil {
		return nil, err
	}
	if err := r.works(ctx); err != nil {
		return nil, err
	}
	// Records that became part of another record are counted apart: discs, and series or
	// duplicate records merged into a work by the reader.
	for _, w := range set.Works {
		sum.Releases += len(w.Releases)
	}
	sum.Absorbed = set.Absorbed()
	sum.Agents = len(set.Agents)
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// BulkGC sets the process's garbage collector for an import, and returns what puts it back: an
// import allocates a great deal that dies young, and collecting when the heap has grown to four
// times what is live, rather than twice, spares about a tenth of its work (measured on the Media
// Arts Database), within a soft limit of 1 GiB unless GOMEMLIMIT sets another. The import
// command and the import benchmarks run under it; a server does not.
func BulkGC() (restore func()) {
	percent := debug.SetGCPercent(300)
	limit := debug.SetMemoryLimit(-1) // reads it
	if limit == math.MaxInt64 {
		debug.SetMemoryLimit(1 << 30)
	}
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// run is one import in progress.
type run struct {
	im     *Importer
	set    *dataset.Set
	sum    *Summary
	author int64
	st     *state
	// reports holds the match report's lines of the batch being imported.
	reports []string
}

func (r *run) batchSize() int {
	if r.im.BatchSize > 0 {
		return r.im.BatchSize
	}
	return 2000
}

func (r *run) summary(record string) string {
	return fmt.Sprintf("Import from %s (version %s), record %s", r.set.Source, r.set.Version, record)
}

// report adds a line to the match report, written when the batch commits (flushReport).
func (r *run) report(format string, args ...any) {
	if r.im.Report != nil {
		r.reports = append(r.reports, fmt.Sprintf(format+"\n", args...))
	}
}

func (r *run) flushReport() {
	for _, line := range r.reports {
		io.WriteString(r.im.Report, line)
	}
	r.reports = r.reports[:0]
}

// recordHash fingerprints a record as the reader gave it, so that a re-import can skip a record
// that did not change without building anything.
func recordHash(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("importer: hash: %v", err)) // records are plain data
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// itemKey makes the key of a list item a record gives, the same at every import of the
// record, so that the item is recognised next time.
func itemKey(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:6])
}

// franchises imports the data set's franchises (MADB film series of several films) before
// the works, which point to them.
func (r *run) franchises(ctx context.Context) error {
	list := r.set.Franchises
	for len(list) > 0 {
		batch := list[:min(len(list), r.batchSize())]
		list = list[len(batch):]
		err := r.im.Edits.Batch(ctx, func(b *edit.Batch) error {
			for _, f := range batch {
				if err := r.franchise(ctx, b, f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("importer: franchises: %w", err)
		}
	}
	return nil
}

func (r *run) franchise(ctx context.Context, b *edit.Batch, f dataset.Franchise) error {
	hash := recordHash(f)
	prev, seen := r.st.records[f.ID]
	if seen && prev.Hash == hash {
		r.st.franchises[f.ID] = prev.EntityID
		r.sum.Franchise++
		return nil
	}
	src := r.source(f.ID)
	doc := &wiki.Topic{Name: f.Title, NativeName: f.Title, Sources: []wiki.Source{src}}
	if x := (wiki.ExternalID{Site: dataset.SiteMADB, ID: f.ID, Source: src.Key}); validID(wiki.KindFranchise, x) {
		doc.ExternalIDs = []wiki.ExternalID{x}
	}
	id := prev.EntityID
	if !seen {
		id = r.st.extID(dataset.SiteMADB, f.ID)
	}
	_, err := r.save(ctx, b, wiki.KindFranchise, id, f.ID, hash, prev.Contribution, func(context.Context, *edit.Changes) (wiki.Document, error) {
		return doc, nil
	})
	if err != nil {
		if store.Unavailable(err) {
			return err // the database's fault, not the record's: the batch cannot commit anyway
		}
		r.sum.Skipped = append(r.sum.Skipped, Skip{ID: f.ID, Reason: err.Error()})
		return nil
	}
	r.sum.Franchise++
	return nil
}

// source is the source entry of one of the data set's records.
func (r *run) source(record string) wiki.Source { return newSource(r.set, record) }

// newSource is the source entry of a record of set, with the address of the record's page
// where the data set has one.
func newSource(set *dataset.Set, record string) wiki.Source {
	s := wiki.Source{Key: wiki.SourceKey(set.Source, record), Dataset: datasetLabel(set.Source), Record: record,
		Version: set.Version, Licence: dataset.Licence(set.Source)}
	site := map[string]string{dataset.MADB: dataset.SiteMADB, dataset.AniDB: dataset.SiteAniDB, dataset.Bangumi: dataset.SiteBangumi}[set.Source]
	id, _ := strings.CutPrefix(record, "bangumi:")
	if site, ok := wiki.SiteNamed(site); ok && site.Valid(id) {
		s.URL = site.URL(id)
	}
	return s
}

// datasetLabel names a data set for readers, as its licence asks to be credited.
func datasetLabel(source string) string {
	switch source {
	case dataset.Bangumi:
		return "bangumi-data"
	case dataset.MADB:
		return "Media Arts Database (メディア芸術データベース)"
	case dataset.AniDB:
		return "AniDB titles"
	}
	return source
}

// save folds one record's contribution into entity id (0: a new page) in its own changeset of
// the batch and remembers what the record gave; build makes the contribution inside the
// changeset, so that the people it names can be created with it. Values a person changed go to
// the queue. It returns the entity the record is part of.
func (r *run) save(ctx context.Context, b *edit.Batch, kind wiki.Kind, id int64, record, hash string, prevData []byte,
	build func(context.Context, *edit.Changes) (wiki.Document, error)) (int64, error) {
	var pending, next wiki.Document
	entity := id
	_, err := b.Apply(ctx, r.author, r.summary(record), false, func(c *edit.Changes) error {
		var err error
		if next, err = build(ctx, c); err != nil {
			return err
		}
		entity, pending, err = r.apply(ctx, c, kind, id, record, hash, next, prevData)
		return err
	})
	switch {
	case err != nil && !isNothing(err):
		r.st.discard()
		return 0, err
	case err != nil:
		// The page already says everything the record says: remember the record anyway.
		r.st.discard()
		if err := b.Tx().PutImportRecord(ctx, r.importRecord(record, id, hash, next)); err != nil {
			return 0, err
		}
	default:
		r.st.keep()
	}
	if pending != nil {
		res, err := b.Apply(ctx, r.author, r.summary(record)+": values a person had changed", true, func(c *edit.Changes) error {
			e, _, err := c.Current(ctx, entity)
			if err != nil {
				return err
			}
			return c.Update(ctx, entity, e.Head, pending)
		})
		if err != nil && !isNothing(err) {
			return 0, err
		}
		if err == nil && res.Status == store.StatusPending {
			r.sum.Proposed++
		}
	}
	return entity, nil
}

// apply is the changeset of save: it creates the page, or folds next into it.
func (r *run) apply(ctx context.Context, c *edit.Changes, kind wiki.Kind, id int64, record, hash string, next wiki.Document, prevData []byte) (int64, wiki.Document, error) {
	if id == 0 {
		setFields(next, wiki.SourceKey(r.set.Source, record), givenFields(next))
		newID, err := c.Create(ctx, kind, next)
		if err != nil {
			return 0, nil, err
		}
		r.st.saved(newID, next)
		return newID, nil, c.Tx().PutImportRecord(ctx, r.importRecord(record, newID, hash, next))
	}
	e, cur, err := c.Current(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	var prev wiki.Document
	if prevData != nil {
		if prev, err = wiki.Decode(kind, prevData); err != nil {
			prev = nil // an unreadable old contribution counts as none
		}
	}
	accepted, proposed := fold(cur, prev, next, wiki.SourceKey(r.set.Source, record))
	if err := c.Tx().PutImportRecord(ctx, r.importRecord(record, id, hash, next)); err != nil {
		return 0, nil, err
	}
	r.st.saved(id, accepted)
	return id, proposed, c.Update(ctx, id, e.Head, accepted)
}

func (r *run) importRecord(record string, id int64, hash string, next wiki.Document) store.ImportRecord {
	data, err := wiki.Encode(next)
	if err != nil {
		panic(fmt.Sprintf("importer: encode: %v", err))
	}
	return store.ImportRecord{Source: r.set.Source, Record: record, EntityID: id, Version: r.set.Version, Hash: hash, Contribution: data}
}

// isNothing reports the edit package's refusal of a changeset that changes nothing.
func isNothing(err error) bool {
	var v *wiki.ValidationError
	return errors.As(err, &v) && len(v.Problems) == 1 && v.Problems[0] == "the edit changes nothing"
}

func validID(kind wiki.Kind, x wiki.ExternalID) bool {
	site, ok := wiki.SiteNamed(x.Site)
	if !ok || !site.Valid(x.ID) {
		return false
	}
	for _, k := range site.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}
