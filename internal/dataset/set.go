package dataset

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// Set is what reading a data set produced.
type Set struct {
	// Source names the data set: Bangumi, MADB or AniDB.
	Source string
	// Version identifies the version of the data read: the data set's own version when it
	// states one, else a date or a content hash, so that two imports can be told apart.
	Version string
	// Read counts the records read (items, lines), good or bad.
	Read       int
	Works      []Work
	Agents     []Agent
	Franchises []Franchise
	// Bad are malformed records, reported and skipped.
	Bad []BadRecord
}

// BadRecord is a record that could not be read, with the reason.
type BadRecord struct {
	// File is the base name of the file the record came from.
	File string
	// ID identifies the record as well as it could be read: an id, or "line 123".
	ID string
	// Reason says what was wrong, in a sentence fragment fit for a log line.
	Reason string
}

// dataFile is an open data set file, plain or gzip-compressed, that hashes its content as it is
// read so that a data set without a version can still be told apart from another copy.
type dataFile struct {
	name string // base name, for BadRecord.File and messages
	path string
	file *os.File
	gz   *gzip.Reader
	r    io.Reader
	hash hash.Hash
}

// openDataFile opens a data set file. A gzip file is recognised by its magic number rather than
// its name, so that "data.json" that is really compressed, or ".gz" that is not, both read.
func openDataFile(path string) (*dataFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	d := &dataFile{name: filepath.Base(path), path: path, file: f, hash: sha256.New()}
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(2)
	var content io.Reader = br
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		d.gz, err = gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: corrupt gzip header: %w", path, err)
		}
		content = d.gz
	}
	d.r = io.TeeReader(content, d.hash)
	return d, nil
}

// Read reads the file's content, turning a gzip failure into an error that names the file and
// says what went wrong: a bare "unexpected EOF" from deep in a decoder helps nobody.
func (d *dataFile) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		if d.gz != nil {
			err = fmt.Errorf("%s: gzip data truncated or corrupt: %w", d.path, err)
		} else {
			err = fmt.Errorf("%s: %w", d.path, err)
		}
	}
	return n, err
}

// Close closes the file.
func (d *dataFile) Close() error {
	if d.gz != nil {
		d.gz.Close()
	}
	return d.file.Close()
}

// sizeHint is how many bytes reading the whole content will probably take: the file's size
// when it is plain, so that reading it into memory need not grow a buffer step by step.
func (d *dataFile) sizeHint() int {
	fi, err := d.file.Stat()
	if err != nil || d.gz != nil || fi.Size() > 1<<30 {
		return 0
	}
	return int(fi.Size())
}

// contentVersion is a version for a data set that states none: the start of the SHA-256 of the
// content read so far (all of it, once the reader is done). The uncompressed content is hashed,
// so the same data gives the same version whether it was stored plain or compressed.
func (d *dataFile) contentVersion() string {
	return "sha256:" + hex.EncodeToString(d.hash.Sum(nil))[:12]
}

// number reports whether s is a non-negative decimal number in ASCII digits.
func number(s string) bool {
	_, ok := dateDigits(s)
	return ok && len(s) <= 18
}

// positiveNumber reports whether s is a decimal number above zero without leading zeros, the
// form of the numeric ids of AniDB, MyAnimeList, AniList and Bangumi.
func positiveNumber(s string) bool {
	return number(s) && s[0] != '0'
}

// tidyText trims a title and collapses each run of spaces, tabs and line breaks inside it into
// one space. A lone ideographic space is kept: in Japanese titles it is the usual separator.
// HTML character references that a source left in its text ("ODD&amp;EVEN") are decoded.
func tidyText(s string) string {
	if strings.Contains(s, "&") && strings.Contains(s, ";") {
		s = html.UnescapeString(s)
	}
	s = strings.TrimSpace(s)
	if !untidy(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run := rune(-1) // the pending run of white space: -1 none, else the character to write
	for _, c := range s {
		if unicode.IsSpace(c) {
			if run == -1 && (c == ' ' || c == '\u3000') {
				run = c
			} else {
				run = ' '
			}
			continue
		}
		if run != -1 {
			b.WriteRune(run)
			run = -1
		}
		b.WriteRune(c)
	}
	return b.String()
}

// untidy reports whether tidyText has anything to do inside s, so that the common clean title
// costs no allocation.
func untidy(s string) bool {
	prev := false
	for _, c := range s {
		space := unicode.IsSpace(c)
		if space && (prev || c != ' ' && c != '\u3000') {
			return true
		}
		prev = space
	}
	return false
}

// Absorbed counts the records the reader merged into another record of the set rather than
// making them works of their own: a Media Arts Database film series of one film, merged into
// the film ("Series" names it, or a Problem "merged film series …" when its film was itself a
// duplicate), duplicate records ("merged duplicate record …") and video series that only
// reissue a work ("merged video series …"); in the AniDB titles dump,
// where a record is a line, every title line but one of each anime.
func (s *Set) Absorbed() int {
	if s.Source == AniDB {
		return max(0, s.Read-len(s.Works)-len(s.Bad))
	}
	franchises := map[string]bool{}
	for _, f := range s.Franchises {
		franchises[f.ID] = true
	}
	series := map[string]bool{}
	n := 0
	for _, w := range s.Works {
		for _, p := range w.Problems {
			if strings.HasPrefix(p, "merged duplicate record") || strings.HasPrefix(p, "merged video series") {
				n++
			}
			if rest, ok := strings.CutPrefix(p, "merged film series "); ok && rest != "" {
				series[strings.Fields(rest)[0]] = true
			}
		}
		if w.Series != "" && !franchises[w.Series] {
			series[w.Series] = true
		}
	}
	return n + len(series)
}
