// Package dataset reads the public anime data sets Kioku imports (bangumi-data, the Japanese
// Media Arts Database, the AniDB titles dump) into records in Kioku's terms: media, partial
// dates, titles per language, credits with English roles, cast with voice actors. It only
// reads and cleans; matching records to pages and editing the wiki is the importer's work.
package dataset

import "kioku/internal/wiki"

// Names of the data sets, as `kioku import` takes them and as sources are labelled.
const (
	Bangumi = "bangumi-data"
	MADB    = "madb"
	AniDB   = "anidb-titles"
)

// Sites of external ids, as wiki.ExternalID.Site and /external/{site}/{id} name them.
const (
	SiteAniDB    = "anidb"
	SiteMAL      = "mal"
	SiteAniList  = "anilist"
	SiteBangumi  = "bangumi"
	SiteTMDB     = "tmdb" // id "tv/1234" or "movie/1234", as bangumi-data writes it
	SiteMADB     = "madb"
	SiteWikidata = "wikidata" // "Q1234"
	SiteVIAF     = "viaf"     // "155245488"
)

// Work is one work as a data set describes it.
type Work struct {
	// ID identifies the record within its data set, stable across versions of the data set:
	// the MADB identifier ("C7158", "M2532"), bangumi-data's bangumi id ("bangumi:88595") or,
	// without one, "title:{title}|{begin}", AniDB's aid ("4993").
	ID string
	// Medium is the work's type; "" when the data set does not say.
	Medium wiki.Medium
	// Title is the original title as the data set writes it, cleaned of stray spaces;
	// TitleKana its kana reading when the data set gives one.
	Title     string
	TitleKana string
	// TitleLanguage is the BCP 47 tag of the language Title is written in ("ja", "zh-Hans"):
	// for bangumi-data the work's original language; "" when the data set does not say.
	TitleLanguage string
	// Titles are the other titles: translations, romaji, synonyms, short titles.
	Titles []Title
	// Start and End are partial dates: "1995", "1995-12" or "1995-12-23"; "" when unknown.
	// An instant in the data is turned into the calendar date in the region of the release.
	Start, End string
	// Episodes is the number of episodes; 0 when unknown. EpisodeMinutes is the length of one
	// episode (of the film, for a film) in minutes; 0 when unknown.
	Episodes       int
	EpisodeMinutes int
	// Rating is the content rating when the data gives one ("G", "PG-12", "R15+", "R18+").
	Rating string
	// ExternalIDs are the work's ids on other sites, one per site, including its own.
	ExternalIDs []ExternalID
	Credits     []Credit
	Cast        []Cast
	Companies   []CompanyCredit
	// Releases are disc or regional releases of the work (MADB video packages).
	Releases []Release
	// Series is the id of the series record this one belongs to, when the data set groups
	// works (MADB film series); "" otherwise.
	Series string
	// Problems are things the reader noticed but could read around (an unparsable date, a
	// credit without a name); the record is still usable.
	Problems []string
}

// Title is one title of a work in one language.
type Title struct {
	// Language is a BCP 47 tag as the data set gives it: "ja", "en", "zh-Hans", "zh-Hant",
	// "ko", "x-jat" (romanised Japanese), ...
	Language string
	// Kind is "official", "synonym" or "short". The AniDB primary title is "main".
	Kind string
	Text string
}

// ExternalID is a work's or person's id on another site.
type ExternalID struct {
	Site string
	ID   string
}

// Credit is one staff credit on a work.
type Credit struct {
	// Name is the cleaned name of the person or organisation, as the data set writes it
	// (Japanese for MADB).
	Name string
	// Agent is the id of the matching entry in the data set's list of people and
	// organisations ("C44670"), when one matched; "" otherwise.
	Agent string
	// Role is the English role ("Director", "Music"); "" when the vocabulary has none.
	// RoleText is the role exactly as the data set writes it ("演出、絵コンテ").
	Role     string
	RoleText string
	// Note is extra text found beside the name (episode numbers, "〈奈良〉"), kept rather than
	// lost.
	Note string
}

// Cast is a character of a work with the people who voice it.
type Cast struct {
	// Character is the character's cleaned name; "" when the data lists a voice actor
	// without naming the character.
	Character string
	// Actors are the cleaned names of the voice actors (Japanese performances).
	Actors []CastActor
	Note   string
}

// CastActor is one voice actor of a character.
type CastActor struct {
	Name  string
	Agent string
}

// CompanyCredit is a company's part in a work.
type CompanyCredit struct {
	Name  string
	Agent string
	// Role is one of wiki.CompanyRoles ("Animation studio", "Producer", ...); RoleText is the
	// data set's text for it ("製作", "アニメーション制作"), "" when there was none.
	Role     string
	RoleText string
}

// Release is one release of a work: for MADB, a video package (a disc).
type Release struct {
	// ID is the release's record id in its data set ("M171314").
	ID       string
	Region   string // "JP"
	Language string // "ja"
	Title    string
	Date     string // partial date
	Format   string // "DVD", "Blu-ray", "VHS", "LD"
	Catalog  string // product number ("PCBE-53796")
}

// Agent is a person or organisation from a data set's list of them (MADB's co504).
type Agent struct {
	ID           string // "C44670"
	Organisation bool
	Name         string // as written, cleaned of stray spaces
	NameKana     string // kana reading, when given
	NameLatin    string // a Latin-script form, when given ("en" form)
	Birth, Death string // partial dates
	Description  string
	ExternalIDs  []ExternalID // wikidata, viaf
}

// Franchise is a group of works a data set names as a series (a MADB film series of more than
// one film).
type Franchise struct {
	ID        string
	Title     string
	TitleKana string
	Works     []string // ids of its works
	// Start and End are the partial dates of the series as a whole, when it gives them.
	Start, End string
	// Credits, Cast and Companies are those the series lists for all its works together
	// (an anthology's directors with the segment in each Note), which no single work owns.
	Credits   []Credit
	Cast      []Cast
	Companies []CompanyCredit
}

// Licence is the credit each data set's licence asks of pages built from it.
func Licence(source string) string {
	switch source {
	case Bangumi:
		return "Data from bangumi-data (github.com/bangumi-data/bangumi-data), CC BY 4.0."
	case MADB:
		return "Data from the Media Arts Database dataset (メディア芸術データベース), free to reuse; edited for Kioku."
	case AniDB:
		return "Titles from AniDB (anidb.net), CC BY-NC-SA 4.0: not for commercial use; adaptations under the same licence."
	}
	return ""
}
