package edit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// The functions of this file make the changes the sections of a work page offer: add a credit
// that names a person, a cast member with voice actors, a release, a genre... Each changes a
// work's document in memory and may create the entities it names in the changeset c; the caller
// saves the work with c.Create or c.Update, usually through Service.UpdateWork. Web forms, the
// demo, importers and the API all call them, so a fact means the same whoever enters it.
//
// Text is trimmed here, not by callers. Each function reports what is wrong with its input as a
// *wiki.ValidationError; what is wrong with the whole document is found when it is saved.

// Create saves doc as a new entity of the given kind, in a changeset of its own.
func (s *Service) Create(ctx context.Context, author int64, summary string, kind wiki.Kind, doc wiki.Document) (int64, Result, error) {
	var id int64
	res, err := s.Apply(ctx, author, summary, func(c *Changes) error {
		var err error
		id, err = c.Create(ctx, kind, doc)
		return err
	})
	return id, res, err
}

// Update is one changeset that changes entity id: it reads the entity's document at revision
// base, lets fn change it (and make other changes in c), and saves it as made from base, so that
// what others changed since is merged in.
func (s *Service) Update(ctx context.Context, author int64, summary string, id int64, base int,
	fn func(ctx context.Context, c *Changes, doc wiki.Document) error) (Result, error) {
	return s.Apply(ctx, author, summary, func(c *Changes) error {
		e, err := c.tx.Entity(ctx, id)
		if err != nil {
			return err
		}
		doc, err := c.document(ctx, e.Kind, id, base)
		if errors.Is(err, store.ErrNotFound) {
			return wiki.Invalid("revision %d of %s does not exist", base, e.Name)
		} else if err != nil {
			return err
		}
		if err := fn(ctx, c, doc); err != nil {
			return err
		}
		return c.Update(ctx, id, base, doc)
	})
}

// UpdateWork is Update for a work.
func (s *Service) UpdateWork(ctx context.Context, author int64, summary string, id int64, base int,
	fn func(ctx context.Context, c *Changes, w *wiki.Work) error) (Result, error) {
	return s.Update(ctx, author, summary, id, base, func(ctx context.Context, c *Changes, doc wiki.Document) error {
		w, ok := doc.(*wiki.Work)
		if !ok {
			return fmt.Errorf("edit: entity %d is not a work: %w", id, store.ErrNotFound)
		}
		return fn(ctx, c, w)
	})
}

// RemoveItems returns items without those whose keys are listed. Keys that match nothing are
// ignored: another edit may have removed the item already.
func RemoveItems[T wiki.Item](items []T, keys []string) []T {
	if len(keys) == 0 {
		return items
	}
	var out []T
	for _, it := range items {
		if !slices.Contains(keys, it.ItemKey()) {
			out = append(out, it)
		}
	}
	return out
}

// CreditInput is a person's credit on a work. A person with no page yet gets one.
type CreditInput struct {
	Person Choice
	Role   string
	Note   string
}

// AddCredit adds a credit to w.
func AddCredit(ctx context.Context, c *Changes, w *wiki.Work, in CreditInput) error {
	role := strings.TrimSpace(in.Role)
	if role == "" {
		return inField("role", wiki.Invalid("the new credit needs a role, such as Director or Music"))
	}
	person, err := c.Pick(ctx, wiki.KindPerson, "person", in.Person, NewNamed(wiki.KindPerson))
	if err != nil {
		return inField("person", err)
	}
	w.Credits = append(w.Credits, wiki.Credit{Key: wiki.NewKey(), Person: person, Role: role, Note: strings.TrimSpace(in.Note)})
	return nil
}

// EditCredit sets the role and note of w's credit with the given key.
func EditCredit(w *wiki.Work, key, role, note string) error {
	i := slices.IndexFunc(w.Credits, func(cr wiki.Credit) bool { return cr.Key == key })
	if i < 0 {
		return wiki.Invalid("there is no credit %q: was it removed meanwhile?", key)
	}
	w.Credits[i].Role, w.Credits[i].Note = strings.TrimSpace(role), strings.TrimSpace(note)
	return nil
}

// CastInput is a character in a work, with the people who voice it.
type CastInput struct {
	Character Choice
	Role      string // Main, Supporting, Minor, or empty
	Voices    []VoiceInput
}

// VoiceInput is the person who voices a character in one language.
type VoiceInput struct {
	Language string
	Person   Choice
}

// AddCast adds a character, and its voice actors, to w's cast. Characters and people with no
// page yet get one.
func AddCast(ctx context.Context, c *Changes, w *wiki.Work, in CastInput) error {
	if in.Character.IsZero() && len(in.Voices) > 0 {
		return inField("character", wiki.Invalid("name the character the voice actors play"))
	}
	character, err := c.Pick(ctx, wiki.KindCharacter, "character", in.Character, NewNamed(wiki.KindCharacter))
	if err != nil {
		return inField("character", err)
	}
	m := wiki.CastMember{Key: wiki.NewKey(), Character: character, Role: strings.TrimSpace(in.Role)}
	for _, v := range in.Voices {
		lang := strings.TrimSpace(v.Language)
		if lang == "" {
			return inField("voice_language", wiki.Invalid("voice actor %q needs the language of the performance", v.Person.String()))
		}
		person, err := c.Pick(ctx, wiki.KindPerson, "voice actor", v.Person, NewNamed(wiki.KindPerson))
		if err != nil {
			return inField("voice_person", err)
		}
		m.Voices = append(m.Voices, wiki.Voice{Language: lang, Person: person})
	}
	w.Cast = append(w.Cast, m)
	return nil
}

// CompanyInput is a company's part in a work.
type CompanyInput struct {
	Company Choice
	Role    string // one of wiki.CompanyRoles, usually
}

// AddCompany adds a company to w. A company with no page yet gets one.
func AddCompany(ctx context.Context, c *Changes, w *wiki.Work, in CompanyInput) error {
	role := strings.TrimSpace(in.Role)
	if role == "" {
		return inField("role", wiki.Invalid("the company needs a role, such as Animation studio"))
	}
	company, err := c.Pick(ctx, wiki.KindCompany, "company", in.Company, NewNamed(wiki.KindCompany))
	if err != nil {
		return inField("company", err)
	}
	w.Companies = append(w.Companies, wiki.CompanyCredit{Key: wiki.NewKey(), Company: company, Role: role})
	return nil
}

// ReleaseInput is one regional release of a work.
type ReleaseInput struct {
	Region   string // JP, US, ... (or a country's English name)
	Language string
	Title    string
	Date     string // 1995-12-23, 1995-12 or 1995
}

// AddRelease adds a release to w. A country or language given by its English name, or its code
// in another case, is kept as its code ("Japan" is JP, "Japanese" ja).
func AddRelease(w *wiki.Work, in ReleaseInput) {
	region, _ := wiki.CanonicalRegion(in.Region)
	lang := strings.TrimSpace(in.Language)
	if lang != "" {
		lang, _ = wiki.CanonicalLanguage(lang)
	}
	w.Releases = append(w.Releases, wiki.Release{Key: wiki.NewKey(), Region: region,
		Language: lang, Title: strings.TrimSpace(in.Title), Date: strings.TrimSpace(in.Date)})
}

// AddRef adds the entity of a kind that ch names to list, one of work workID's lists of
// references (genres, themes, similar works, associations). With create, a name no page has
// yet gets a page.
func AddRef(ctx context.Context, c *Changes, workID int64, list *[]wiki.Ref, kind wiki.Kind, ch Choice, create bool) error {
	var newDoc func(string) wiki.Document
	if create {
		newDoc = NewNamed(kind)
	}
	ref, err := c.Pick(ctx, kind, kind.Label(), ch, newDoc)
	if err != nil {
		return err
	}
	if int64(ref) == workID {
		return wiki.Invalid("a work cannot point to itself")
	}
	if slices.Contains(*list, ref) {
		return wiki.Invalid("%s is already listed", ch)
	}
	*list = append(*list, ref)
	return nil
}

// SetAliases replaces w's aliases, dropping blank and repeated ones.
func SetAliases(w *wiki.Work, aliases []string) {
	w.Aliases = nil
	for _, a := range aliases {
		a = strings.TrimSpace(a)
		if a != "" && !slices.Contains(w.Aliases, a) {
			w.Aliases = append(w.Aliases, a)
		}
	}
}

// SetFranchise sets the franchise w belongs to; a zero choice removes it. A name no franchise
// has yet starts one.
func SetFranchise(ctx context.Context, c *Changes, w *wiki.Work, ch Choice) error {
	if ch.IsZero() {
		w.Franchise = 0
		return nil
	}
	ref, err := c.Pick(ctx, wiki.KindFranchise, "franchise", ch, NewNamed(wiki.KindFranchise))
	w.Franchise = ref
	return err
}

// RelationInput is a link from a work to another: the other is its sequel, its source...
type RelationInput struct {
	Type string // one of wiki.RelationTypes
	Work Choice
}

// AddRelation adds a relation from work workID, whose document is w, to another work, which
// must exist.
func AddRelation(ctx context.Context, c *Changes, workID int64, w *wiki.Work, in RelationInput) error {
	typ := strings.TrimSpace(in.Type)
	if !slices.Contains(wiki.RelationTypes, typ) {
		return inField("type", wiki.Invalid("choose the kind of relation"))
	}
	ref, err := c.Pick(ctx, wiki.KindWork, "work", in.Work, nil)
	if err != nil {
		return inField("work", err)
	}
	if int64(ref) == workID {
		return inField("work", wiki.Invalid("a work cannot be related to itself"))
	}
	w.Relations = append(w.Relations, wiki.Relation{Key: wiki.NewKey(), Type: typ, Work: ref})
	return nil
}

// EpisodeInput is an episode of a series or a segment of an anthology.
type EpisodeInput struct {
	Number       int
	Segment      bool
	Name         string
	OriginalName string
	Romanized    string
	AirDate      string
}

// AddEpisode creates an episode or anthology segment of work workID: a page of its own that
// belongs to the work. It returns the episode's id.
func AddEpisode(ctx context.Context, c *Changes, workID int64, in EpisodeInput) (int64, error) {
	e := &wiki.Episode{Work: wiki.Ref(workID), Number: in.Number, Segment: in.Segment,
		Name: strings.TrimSpace(in.Name), OriginalName: strings.TrimSpace(in.OriginalName),
		Romanized: strings.TrimSpace(in.Romanized), AirDate: strings.TrimSpace(in.AirDate)}
	if e.Number == 0 && e.Name == "" && e.OriginalName == "" && e.Romanized == "" && e.AirDate == "" {
		return 0, inField("name", wiki.Invalid("give the episode or segment a name"))
	}
	if err := numberFree(ctx, c, workID, e); err != nil {
		return 0, inField("number", err)
	}
	return c.Create(ctx, wiki.KindEpisode, e)
}

// numberFree refuses an episode whose number another episode of its work has (or a segment's,
// another segment's): "episode 2" twice is a mistake, not two episodes.
func numberFree(ctx context.Context, c *Changes, workID int64, e *wiki.Episode) error {
	if e.Number == 0 {
		return nil
	}
	links, err := c.tx.LinksTo(ctx, workID, wiki.RelEpisodeOf)
	if err != nil {
		return err
	}
	var same []int64
	for _, l := range links {
		if l.Position == e.Number {
			same = append(same, l.From.ID)
		}
	}
	if len(same) == 0 {
		return nil
	}
	docs, err := c.tx.HeadDocumentsByID(ctx, same)
	if err != nil {
		return err
	}
	for _, h := range docs {
		doc, err := wiki.Decode(wiki.KindEpisode, h.Document)
		if err != nil {
			return err
		}
		if other := doc.(*wiki.Episode); other.Segment == e.Segment {
			what := "episode"
			if e.Segment {
				what = "segment"
			}
			return wiki.Invalid("number: %s %d of this work is already “%s”", what, e.Number, other.Name)
		}
	}
	return nil
}
