// Package wiki defines Kioku's entities as documents: their kinds, their typed content, and the
// pure operations on them (validation, slugs, field-by-field diff and three-way merge). It does
// no I/O; the store keeps documents and the edit package decides when they change.
package wiki

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Kind is the kind of an entity.
type Kind string

// The kinds of entity the wiki holds.
const (
	KindWork      Kind = "work"
	KindEpisode   Kind = "episode"
	KindCharacter Kind = "character"
	KindPerson    Kind = "person"
	KindCompany   Kind = "company"
	KindFranchise Kind = "franchise"
	KindGenre     Kind = "genre"
	KindTheme     Kind = "theme"
	KindConcept   Kind = "concept"
)

// Kinds lists every kind in the order the site presents them.
var Kinds = []Kind{KindWork, KindEpisode, KindCharacter, KindPerson, KindCompany, KindFranchise, KindGenre, KindTheme, KindConcept}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Label is the kind's name as a reader sees it.
func (k Kind) Label() string {
	if k == "" {
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// Medium is the form a work takes. Anime media are served under /anime/, source works under
// their own segment (/manga/, /novel/).
type Medium string

// The media a work can have.
const (
	MediumTV         Medium = "tv"
	MediumFilm       Medium = "film"
	MediumOVA        Medium = "ova"
	MediumONA        Medium = "ona"
	MediumSpecial    Medium = "special"
	MediumMusicVideo Medium = "music_video"
	MediumManga      Medium = "manga"
	MediumNovel      Medium = "novel"
)

// Media lists every medium with its label, in the order forms offer them.
var Media = []struct {
	Medium Medium
	Label  string
}{
	{MediumTV, "TV series"}, {MediumFilm, "Film"}, {MediumOVA, "OVA"}, {MediumONA, "ONA"},
	{MediumSpecial, "Special"}, {MediumMusicVideo, "Music video"}, {MediumManga, "Manga"}, {MediumNovel, "Novel"},
}

// Valid reports whether m is a known medium.
func (m Medium) Valid() bool {
	for _, x := range Media {
		if x.Medium == m {
			return true
		}
	}
	return false
}

// Label is the medium's name as a reader sees it.
func (m Medium) Label() string {
	for _, x := range Media {
		if x.Medium == m {
			return x.Label
		}
	}
	return string(m)
}

// Segment is the first path segment of a work of this medium: "anime" for every anime medium,
// the medium itself for source works.
func (m Medium) Segment() string {
	switch m {
	case MediumManga, MediumNovel:
		return string(m)
	}
	return "anime"
}

// Segments lists every first path segment an entity page can have.
func Segments() []string {
	return []string{"anime", "manga", "novel", "episode", "character", "person", "company", "franchise", "genre", "theme", "concept"}
}

// Slugify makes the readable part of an address from a name: lower case, letters and digits of
// any script kept, every other run of characters turned into one hyphen.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		// Apostrophes join rather than split words: "Wolf's Rain" is wolfs-rain.
		if r == '\'' || r == '’' {
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 80 {
		s = strings.TrimRight(truncateRunes(s, 80), "-")
	}
	if s == "" {
		return "untitled"
	}
	return s
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if i >= n {
			return s[:i]
		}
	}
	return s
}

// ParseRef splits the last path segment of an entity address ("12-satoshi-kon") into its id and
// slug. The slug may be empty.
func ParseRef(ref string) (id int64, slug string, err error) {
	head, slug, _ := strings.Cut(ref, "-")
	id, err = strconv.ParseInt(head, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", fmt.Errorf("wiki: %q is not an entity address", ref)
	}
	return id, slug, nil
}

// Path is the canonical address of an entity page.
func Path(segment string, id int64, name string) string {
	return "/" + segment + "/" + strconv.FormatInt(id, 10) + "-" + Slugify(name)
}
