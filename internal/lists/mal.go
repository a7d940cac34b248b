package lists

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Bounds on a MyAnimeList export: its size once unpacked, its entries, and the XML's depth and
// tokens, so that a hostile file costs no more than a large honest one.
const (
	MaxImportBytes   = 16 << 20
	MaxImportEntries = MaxTracked
	maxImportDepth   = 3
	maxImportTokens  = 64 * (MaxImportEntries + 10)
	maxFieldBytes    = 4096
)

// ErrBadImport is what errors.Is finds in every error that refuses an export for what it holds.
var ErrBadImport = errors.New("lists: not a MyAnimeList export")

// ImportError says why an export was refused; nothing of it was stored.
type ImportError struct{ Reason string }

func (e *ImportError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrBadImport) true.
func (e *ImportError) Is(target error) bool { return target == ErrBadImport }

func badImport(format string, args ...any) error {
	return &ImportError{Reason: fmt.Sprintf(format, args...)}
}

// MALEntry is one anime of a MyAnimeList export, as the export gives it.
type MALEntry struct {
	ID        string // series_animedb_id
	Title     string // series_title
	Episodes  int    // my_watched_episodes
	Started   string // my_start_date, a partial date or ""
	Finished  string // my_finish_date
	Score     int    // my_score, 0 for none
	Status    Status // from my_status; "" when the export's status is not one Kioku knows
	RawStatus string
}

// ParseMAL reads a MyAnimeList export (the XML that MyAnimeList and AniList export, gzipped or
// not): <myanimelist> with an <anime> per work. It refuses a file that is too large, is not
// well-formed XML, has another root, nests too deep or holds too many entries.
func ParseMAL(r io.Reader) ([]MALEntry, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, badImport("the file looks gzipped but cannot be unpacked: %v", err)
		}
		defer z.Close()
		r = z
	} else {
		r = br
	}
	limited := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	d := xml.NewDecoder(limited)
	d.Strict = true
	d.Entity = nil // no entities beyond XML's five
	var (
		out    []MALEntry
		depth  int
		tokens int
		roots  int
		cur    *MALEntry
		field  string
		text   strings.Builder
	)
	for {
		tok, err := d.Token()
		if limited.N <= 0 {
			return nil, badImport("the export is larger than %d MiB unpacked, more than Kioku imports at once", MaxImportBytes>>20)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, badImport("the file is not well-formed XML: %v", err)
		}
		if tokens++; tokens > maxImportTokens {
			return nil, badImport("the export holds more than Kioku imports at once (%d entries)", MaxImportEntries)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxImportDepth {
				return nil, badImport("the XML nests deeper than a MyAnimeList export does")
			}
			if depth == 1 {
				if roots++; roots > 1 {
					return nil, badImport("the XML has more than one root element")
				}
			}
			switch {
			case depth == 1 && t.Name.Local != "myanimelist":
				return nil, badImport("this is not a MyAnimeList export: its root element is <%s>, not <myanimelist>", t.Name.Local)
			case depth == 2 && t.Name.Local == "anime":
				if len(out) >= MaxImportEntries {
					return nil, badImport("the export has more than %d entries, more than an account may track", MaxImportEntries)
				}
				out = append(out, MALEntry{})
				cur = &out[len(out)-1]
			case depth == 3 && cur != nil:
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if field != "" && text.Len()+len(t) <= maxFieldBytes {
				text.Write(t)
			}
		case xml.EndElement:
			if depth == 3 && cur != nil && field != "" {
				setMALField(cur, field, strings.TrimSpace(text.String()))
				field = ""
			}
			if depth == 2 {
				cur = nil
			}
			depth--
		case xml.Directive:
			// A DOCTYPE may declare entities, which the decoder does not expand; none is needed.
			return nil, badImport("the export holds a <!%s…> declaration, which a MyAnimeList export has not", firstWord(t))
		}
	}
	if tokens == 0 {
		return nil, badImport("the file is empty")
	}
	return out, nil
}

func firstWord(b []byte) string {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func setMALField(e *MALEntry, field, v string) {
	switch field {
	case "series_animedb_id":
		e.ID = v
	case "series_title":
		e.Title = v
	case "my_watched_episodes":
		e.Episodes, _ = strconv.Atoi(v)
	case "my_start_date":
		e.Started = malDate(v)
	case "my_finish_date":
		e.Finished = malDate(v)
	case "my_score":
		e.Score, _ = strconv.Atoi(v)
	case "my_status":
		e.RawStatus = v
		e.Status = malStatus(v)
	}
}

// malStatus maps an export's status (MyAnimeList writes words, older exports numbers) to Kioku's.
func malStatus(v string) Status {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "watching", "1":
		return Watching
	case "completed", "2":
		return Completed
	case "on-hold", "on hold", "3":
		return OnHold
	case "dropped", "4":
		return Dropped
	case "plan to watch", "6":
		return PlanToWatch
	}
	return ""
}

// malDate turns an export's date, where unknown parts are zeros (0000-00-00, 2005-04-00), into
// a partial date, or "" when it is not known or not a date.
func malDate(v string) string {
	parts := strings.Split(v, "-")
	if len(parts) != 3 || parts[0] == "0000" {
		return ""
	}
	d := parts[0]
	if parts[1] != "00" {
		d += "-" + parts[1]
		if parts[2] != "00" {
			d += "-" + parts[2]
		}
	}
	if !wiki.ValidDate(d) {
		return ""
	}
	return d
}

// ImportReport says what an import did.
type ImportReport struct {
	Entries   int // in the export
	Imported  int // tracked, new or changed
	Unchanged int // already tracked as the export says
	// Unmatched are the entries whose MyAnimeList id no work of the wiki carries.
	Unmatched []MALEntry
	// Skipped are entries with a status Kioku does not know, or no id.
	Skipped []MALEntry
	// Repeated are entries for a work an earlier entry of the export gave already: the first
	// holds.
	Repeated []MALEntry
}

// ImportMAL reads a MyAnimeList export and records actor's tracking of every work whose
// MyAnimeList id the wiki knows, as the export gives it. Importing the same export again changes
// nothing. An export that cannot be read, or would take the account past its bounds, is refused
// whole and nothing is stored.
func (s *Service) ImportMAL(ctx context.Context, actor store.User, r io.Reader) (ImportReport, error) {
	entries, err := ParseMAL(r)
	if err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{Entries: len(entries)}
	var ids []string
	for _, e := range entries {
		if e.ID != "" {
			ids = append(ids, e.ID)
		}
	}
	works, err := s.Store.MALWorks(ctx, ids)
	if err != nil {
		return rep, err
	}
	err = s.write(ctx, actor, func(tx *store.Tx) error {
		rep.Imported, rep.Unchanged, rep.Unmatched, rep.Skipped, rep.Repeated = 0, 0, nil, nil, nil
		n, err := tx.CountTracking(ctx, actor.ID)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, e := range entries {
			if e.ID == "" || e.Status == "" {
				rep.Skipped = append(rep.Skipped, e)
				continue
			}
			workID, ok := works[e.ID]
			if !ok {
				rep.Unmatched = append(rep.Unmatched, e)
				continue
			}
			if seen[workID] {
				rep.Repeated = append(rep.Repeated, e) // two entries for one work: the first holds
				continue
			}
			old, total, err := tx.TrackingOf(ctx, actor.ID, workID)
			if err != nil {
				return err
			}
			in := TrackInput{Status: e.Status, Episodes: e.Episodes, Score: e.Score, Started: e.Started, Finished: e.Finished}
			if total > 0 {
				in.Episodes = min(in.Episodes, total)
			}
			in.Episodes = max(0, min(in.Episodes, MaxEpisodes))
			if in.Score < 0 || in.Score > 10 {
				in.Score = 0
			}
			if in.Started != "" && in.Finished != "" && wiki.DateBefore(in.Finished, in.Started) {
				in.Finished = ""
			}
			if err := in.check(total); err != nil {
				rep.Skipped = append(rep.Skipped, e) // a later entry for the work may hold
				continue
			}
			seen[workID] = true
			switch {
			case old.Status == "": // not tracked yet
				if n++; n > MaxTracked {
					return wiki.Refused("This export would make you track more than %d works, the most an account may track. Nothing was imported.", MaxTracked)
				}
			case old.Status == string(in.Status) && old.Episodes == in.Episodes && old.Score == in.Score &&
				old.Started == in.Started && old.Finished == in.Finished:
				rep.Unchanged++
				continue
			}
			if err := tx.PutTracking(ctx, old, store.Tracking{UserID: actor.ID, WorkID: workID, Status: string(in.Status),
				Episodes: in.Episodes, Score: in.Score, Started: in.Started, Finished: in.Finished}); err != nil {
				return err
			}
			rep.Imported++
		}
		return nil
	})
	return rep, err
}
