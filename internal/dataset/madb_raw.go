package dataset

import "strings"

// madbKind is the kind of a MADB record.
type madbKind int

// The kinds of record the reader knows.
const (
	kindUnknown    madbKind = iota
	kindTV                  // an207 TV regular series
	kindSpecial             // an208 TV special series
	kindOVASeries           // an209 video package series
	kindFilmSeries          // an210 film series
	kindFilm                // an205 film
	kindPackage             // an202 video package
	kindAgent               // co504 person or organisation
)

// madbKindOf tells a record's kind by its type, and by its genre for the older files whose
// type is only "class:Collection".
func madbKindOf(rec *madbRaw) madbKind {
	switch strings.TrimPrefix(rec.typeName(), "class:") {
	case "AnimationTVRegularSeries":
		return kindTV
	case "AnimationTVSpecialSeries":
		return kindSpecial
	case "AnimationVideoPackageSeries":
		return kindOVASeries
	case "AnimationMovieSeries":
		return kindFilmSeries
	case "AnimationMovie":
		return kindFilm
	case "AnimationVideoPackage":
		return kindPackage
	case "Agent":
		return kindAgent
	case "Collection":
		switch rec.Genre.plain() {
		case "テレビレギュラーアニメシリーズ":
			return kindTV
		case "アニメテレビ単発（スペシャル）シリーズ":
			return kindSpecial
		case "アニメビデオパッケージシリーズ":
			return kindOVASeries
		case "アニメ映画シリーズ":
			return kindFilmSeries
		}
	}
	return kindUnknown
}

// madbRecord is a typed record with the blank nodes it points to.
type madbRecord struct {
	madbRaw
	file     string
	kind     madbKind
	parts    []*madbRaw // hasPart blank nodes: episodes, durations
	provider *madbRaw   // the library holding a package, whose record has a date
}

// madbRaw is a graph entry as the files write it, with the keys field maps to each: the
// schema.org names, "rdf:type" for the type in the older an207 file, and for packages
// "schema:contributor" (staff in MADB's bracket form) beside "contributor" (the National
// Diet Library's form). Every value is read as ldText, so that a field written as a list in
// one file and a string in another reads the same.
type madbRaw struct {
	ID, Type, RDFType, Identifier, Label, Name, Genre, AdditionalGenre        ldText
	AlternativeHeadline, DatePublished, StartDate, EndDate, NumberOfEpisodes  ldText
	NumberOfPrograms, EpisodeNumber, Duration, ProgramDuration, Contributor   ldText
	SchemaContributor, Creator, OriginalWorkCreator, Actor, ProductionCompany ldText
	Publisher, ContentRating, IsPartOf, HasPart, Provider, MediaFormat        ldText
	ProductID, Note, InLanguage, FirstAppearance, BirthDate, DeathDate        ldText
	Description, Wikidata, VIAF                                               ldText
}

// field returns the field a key of an entry fills, nil for keys the reader does not use.
func (m *madbRaw) field(key string) *ldText {
	switch key {
	case "@id":
		return &m.ID
	case "@type":
		return &m.Type
	case "rdf:type":
		return &m.RDFType
	case "identifier":
		return &m.Identifier
	case "label":
		return &m.Label
	case "name":
		return &m.Name
	case "genre":
		return &m.Genre
	case "additionalGenre":
		return &m.AdditionalGenre
	case "alternativeHeadline":
		return &m.AlternativeHeadline
	case "datePublished":
		return &m.DatePublished
	case "startDate":
		return &m.StartDate
	case "endDate":
		return &m.EndDate
	case "numberOfEpisodes":
		return &m.NumberOfEpisodes
	case "numberOfPrograms":
		return &m.NumberOfPrograms
	case "episodeNumber":
		return &m.EpisodeNumber
	case "duration":
		return &m.Duration
	case "programDuration":
		return &m.ProgramDuration
	case "contributor":
		return &m.Contributor
	case "schema:contributor":
		return &m.SchemaContributor
	case "creator":
		return &m.Creator
	case "originalWorkCreator":
		return &m.OriginalWorkCreator
	case "actor":
		return &m.Actor
	case "productionCompany":
		return &m.ProductionCompany
	case "publisher":
		return &m.Publisher
	case "contentRating":
		return &m.ContentRating
	case "isPartOf":
		return &m.IsPartOf
	case "hasPart":
		return &m.HasPart
	case "provider":
		return &m.Provider
	case "mediaFormat":
		return &m.MediaFormat
	case "productID":
		return &m.ProductID
	case "note":
		return &m.Note
	case "inLanguage":
		return &m.InLanguage
	case "firstAppearance":
		return &m.FirstAppearance
	case "birthDate":
		return &m.BirthDate
	case "deathDate":
		return &m.DeathDate
	case "description":
		return &m.Description
	case "wikidata":
		return &m.Wikidata
	case "viaf":
		return &m.VIAF
	}
	return nil
}

// typeName is the record's type as written.
func (m *madbRaw) typeName() string {
	if t := m.Type.plain(); t != "" {
		return t
	}
	return m.RDFType.plain()
}

// identifier is the record's MADB id ("C7158"): its identifier, else the end of its @id.
func (m *madbRaw) identifier() string {
	if id := strings.TrimSpace(m.Identifier.plain()); id != "" {
		return id
	}
	return madbID(m.ID.plain())
}

// madbID turns a MADB IRI ("https://mediaarts-db.bunka.go.jp/id/C7158") into its id.
func madbID(iri string) string {
	iri = strings.TrimSpace(iri)
	if strings.HasPrefix(iri, "_:") {
		return ""
	}
	return iri[strings.LastIndex(iri, "/")+1:]
}

// ldText is a JSON-LD value: a string, a {"@value", "@language"} object, or a list of them.
// Numbers are taken as their text; anything else is the wrong shape (see ldDecoder.text).
type ldText []ldValue

// ldValue is one value of an ldText with its language tag, "" when untagged.
type ldValue struct{ Lang, Value string }

// plain returns the untagged (or Japanese) value, else the first one, trimmed.
func (t ldText) plain() string {
	for _, v := range t {
		if v.Lang == "" || v.Lang == "ja" {
			return strings.TrimSpace(v.Value)
		}
	}
	if len(t) > 0 {
		return strings.TrimSpace(t[0].Value)
	}
	return ""
}

// lang returns the value tagged with a language, "" when there is none.
func (t ldText) lang(tag string) string {
	for _, v := range t {
		if strings.EqualFold(v.Lang, tag) {
			return strings.TrimSpace(v.Value)
		}
	}
	return ""
}

// all returns every value, joined as MADB joins the entries of a staff string.
func (t ldText) all() string {
	if len(t) == 1 {
		return t[0].Value
	}
	var vs []string
	for _, v := range t {
		vs = append(vs, v.Value)
	}
	return strings.Join(vs, " ／ ")
}
