package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// ReadMADB reads the anime part of the Japanese Media Arts Database (MADB) from its JSON-LD
// files, gzip-compressed or not: folders holding them (every *.json and *.json.gz inside),
// or the files themselves, any subset. The kind of each record is taken from its type, not
// from the file name.
//
// The records become Kioku's terms this way:
//   - a TV regular series (an207) is a work of medium tv, a TV special series (an208) a
//     special, a video package series (an209) an OVA, a film (an205) a film;
//   - a film series (an210) grouping two or more different films (different titles once
//     spaces are ignored) is a Franchise of those films; a series of one film, or of several
//     records of the same film, is merged into the film: the work keeps the lowest film id,
//     takes from the series what the film record lacks (staff, cast, dates, length) and names
//     the series in Work.Series; a series with no film read is a film itself;
//   - a video package (an202) is a Release of the OVA series it is part of; one whose series
//     is not in the files is attached to the OVA series of the same title when exactly one
//     has it, else reported in Bad;
//   - records of the same medium with the same title and start date are one work: the lowest
//     id stays and the merge is noted in its Problems ("merged duplicate record …");
//   - agents (co504) are Agents, and credit, cast and company names are matched to them by
//     nameKey when exactly one agent (of the right kind, when the kind tells them apart) has
//     the key.
//
// So every typed record read is accounted for once:
//
//	Read = works + releases + franchises + series merged into their film
//	     + records merged as duplicates + agents + bad
//
// where a merged series is a Work.Series that names no franchise, or the series of a
// duplicate film merged into another (a Problem starting "merged film series"), and a
// merged duplicate is a Problem starting "merged duplicate record".
//
// The files do not state the data set's version (the an207 file even comes from an older
// release than the others), so Version is "sha256:" and the start of a hash of the files'
// contents, independent of their names and order. A truncated or non-JSON-LD file stops
// the read with an error naming the file; a record of the wrong shape, without a title or
// with invalid UTF-8 is reported in Bad and skipped.
func ReadMADB(paths ...string) (*Set, error) {
	set, _, err := readMADB(paths...)
	return set, err
}

// madbStats are the reader's counts that Set has no place for, which tests report.
type madbStats struct {
	roleParts, roleMapped int // role mentions (parts of compound roles) and those translated
	names, matched, ambig int // names looked up among the agents, matched, ambiguous
}

// madbReader holds the state of one read.
type madbReader struct {
	set   *Set
	roles roleBook
	stats madbStats
	files [][sha256.Size]byte // the hash of each file's content
	// Records that wait for records of other files: films for their series, packages for
	// theirs. Everything else becomes a work or agent as soon as its file is read.
	filmSeries, films, ovaSeries, packages []*madbHeld
	// reissues holds the ids of the video package series that only reissue a work: none of
	// their discs is a first appearance (mergeReissues).
	reissues map[string]bool
}

// readMADB is ReadMADB that also returns the counts tests report.
//
// Files are read concurrently, each by a reader of its own, and their results joined in
// file order, so that the outcome does not depend on which finished first.
func readMADB(paths ...string) (*Set, madbStats, error) {
	files, err := madbFiles(paths)
	if err != nil {
		return nil, madbStats{}, err
	}
	roles := newRoleBook() // read-only once built: shared by the file readers
	parts := make([]*madbReader, len(files))
	errs := make([]error, len(files))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			parts[i] = &madbReader{set: &Set{}, roles: roles}
			errs[i] = parts[i].readFile(f)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, madbStats{}, err
	}
	r := &madbReader{set: &Set{Source: MADB}, roles: roles, reissues: map[string]bool{}}
	for _, p := range parts {
		r.set.Read += p.set.Read
		r.set.Works = append(r.set.Works, p.set.Works...)
		r.set.Agents = append(r.set.Agents, p.set.Agents...)
		r.set.Bad = append(r.set.Bad, p.set.Bad...)
		r.files = append(r.files, p.files...)
		r.filmSeries = append(r.filmSeries, p.filmSeries...)
		r.films = append(r.films, p.films...)
		r.ovaSeries = append(r.ovaSeries, p.ovaSeries...)
		r.packages = append(r.packages, p.packages...)
		r.stats.roleParts += p.stats.roleParts
		r.stats.roleMapped += p.stats.roleMapped
	}
	slices.SortFunc(r.files, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, f := range r.files {
		h.Write(f[:])
	}
	r.set.Version = "sha256:" + hex.EncodeToString(h.Sum(nil))[:12]
	r.build()
	return r.set, r.stats, nil
}

// madbFiles lists the files to read: the paths given, with folders replaced by the JSON
// files inside them, in name order and without repeats.
func madbFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("madb: no files given")
	}
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("madb: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("madb: %w", err)
		}
		n := len(files)
		for _, e := range entries {
			if name := e.Name(); !e.IsDir() && (strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json.gz")) {
				files = append(files, filepath.Join(p, name))
			}
		}
		if len(files) == n {
			return nil, fmt.Errorf("madb: no .json or .json.gz files in %s", p)
		}
	}
	slices.SortFunc(files, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	return slices.Compact(files), nil
}

// readFile reads one JSON-LD file into records, resolving its blank nodes.
func (r *madbReader) readFile(path string) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("madb: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var src io.Reader = br
	magic, _ := br.Peek(2)
	gzipped := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b // whatever its name
	if gzipped {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return madbFileError(name, err)
		}
		defer zr.Close()
		src = zr
	}
	// The file is read whole (21 MB at most, unpacked) and decoded from memory: a gzip stream
	// cut short fails here, before any of it is taken, and the hash covers all of it.
	h := sha256.New()
	buf := bytes.NewBuffer(make([]byte, 0, unpackedSize(f, gzipped)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.TeeReader(src, h)); err != nil {
		return madbFileError(name, err)
	}
	data := buf.Bytes()
	d := &ldDecoder{b: data}
	blanks := map[string]*madbRaw{}
	var recs []*madbRecord
	// Entries are decoded into one scratch record; only those kept past their turn (blank
	// nodes, records pointing to them) are copied out, which spares most of the allocation.
	scratch := &madbRecord{}
	err = d.graph(func(n int) error {
		*scratch = madbRecord{file: name}
		bad, err := d.entry(&scratch.madbRaw)
		if err == nil {
			if rec := r.entry(scratch, n, bad, blanks); rec != nil {
				recs = append(recs, rec)
			}
		}
		return err
	})
	if err != nil {
		return madbFileError(name, err)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	r.files = append(r.files, sum)
	for _, rec := range recs {
		for _, id := range rec.HasPart {
			if part := blanks[id.Value]; part != nil {
				rec.parts = append(rec.parts, part)
			}
		}
		rec.provider = blanks[rec.Provider.plain()]
		r.take(rec)
	}
	return nil
}

// unpackedSize guesses the size of a file's content, so that it is read into one buffer
// rather than one grown by copying: a gzip file states it (modulo 4 GiB) in its last four
// bytes. A guess that is wrong only costs a copy.
func unpackedSize(f *os.File, gzipped bool) int {
	info, err := f.Stat()
	if err != nil {
		return 0
	}
	size := info.Size()
	if !gzipped || size < 4 {
		return int(size)
	}
	var tail [4]byte
	if _, err := f.ReadAt(tail[:], size-4); err != nil {
		return int(size)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:]))
	if n < size || n > 64*size { // not a plausible size: cut short, or not the trailer
		return int(4 * size)
	}
	return int(n)
}

// madbFileError says what is wrong with a file in words a user can act on.
func madbFileError(name string, err error) error {
	var syntax *ldSyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("madb: %s is empty", name)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("madb: %s is truncated: %w", name, err)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("madb: %s is a damaged gzip file: %w", name, err)
	case errors.As(err, &syntax), errors.Is(err, errNotJSONLD):
		return fmt.Errorf("madb: %s is not JSON-LD: %w", name, err)
	}
	return fmt.Errorf("madb: %s: %w", name, err)
}

// errNotJSONLD is a file that is JSON but not a JSON-LD graph; errLDShape a value of a
// record that is not text.
var (
	errNotJSONLD = errors.New("not a JSON-LD object with an @graph list")
	errLDShape   = errors.New("wrong shape")
	errNotUTF8   = errors.New("invalid UTF-8")
)

// entry checks one decoded entry of a graph; err is what spoiled it, if anything (the
// wrong shape, invalid UTF-8). rec is scratch space, reused for the next entry. It returns
// a copy of a typed record that has blank nodes to resolve; other typed records are
// taken at once, blank nodes filed in blanks, bad records reported.
func (r *madbReader) entry(rec *madbRecord, n int, err error, blanks map[string]*madbRaw) *madbRecord {
	if id := rec.ID.plain(); err == nil && strings.HasPrefix(id, "_:") {
		part := rec.madbRaw
		blanks[id] = &part
		return nil // sub-parts are not records of their own
	}
	r.set.Read++
	id := rec.identifier()
	if id == "" {
		id = fmt.Sprintf("entry %d", n)
	}
	bad := func(reason string) *madbRecord {
		r.set.Bad = append(r.set.Bad, BadRecord{File: rec.file, ID: id, Reason: reason})
		return nil
	}
	switch {
	case errors.Is(err, errNotUTF8):
		return bad("invalid UTF-8 in the record")
	case err != nil:
		return bad(err.Error()) // "wrong shape: …"
	}
	if rec.kind = madbKindOf(&rec.madbRaw); rec.kind == kindUnknown {
		return bad(fmt.Sprintf("record type %q is not one the reader knows", rec.typeName()))
	}
	if rec.identifier() == "" {
		return bad("no identifier")
	}
	if len(rec.HasPart) > 0 || len(rec.Provider) > 0 {
		kept := *rec
		return &kept // its blank nodes may come later in the file
	}
	r.take(rec)
	return nil
}
