package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// state is what an import knows of the wiki while it runs: which pages carry which ids, which
// works have which titles, who the people already are. It is loaded once and kept up to date
// as records are saved; what a failed record added is undone.
type state struct {
	set     *dataset.Set
	records map[string]store.ImportRecord
	// ext maps a site and an id on it to the entity that carries it; ids maps back.
	ext map[string]map[string]int64
	ids map[int64]map[string]string
	// titles maps the keys of a work's original title and name (see titleKeys) to the works
	// that have them; months maps a start month ("1995-12") to the works that started then.
	titles     map[string][]workEntry
	months     map[string][]workEntry
	titleForms map[string]titleSet // a title's forms for matching (see state.titleSet)
	people     map[string]int64    // name key → person; -1 when several people share it
	companies  map[string]int64
	franchises map[string]int64 // data set id of a franchise → entity
	agents     map[string]*dataset.Agent
	// orgs holds the name keys of the data set's organisations, to tell a studio credited
	// without a matched agent from a person; agentsNamed its people by name key.
	orgs        map[string]bool
	agentsNamed map[string][]*dataset.Agent
	// own maps a page to the record of this data set it holds: two records of one data set
	// are two works in the data set's eyes, so a record never joins a page another record of
	// its data set made or joined, even when they share an id.
	own map[int64]string
	// undo reverts what the record being saved added, should its changeset fail; from mark
	// on, as far back as the batch's start while hold is set (see run.batch).
	undo []func()
	mark int
	hold bool
	sum  *Summary
}

type workEntry struct {
	id     int64
	medium wiki.Medium
	start  string
	end    string
	lang   string // the original language
	day    int    // dayNumber(start)
	titles titleSet
}

// index puts a work into the title and month indexes, replacing what they held of it.
func (st *state) index(e workEntry) {
	drop := func(list []workEntry) []workEntry {
		return slices.DeleteFunc(slices.Clone(list), func(x workEntry) bool { return x.id == e.id })
	}
	e.day = dayNumber(e.start)
	for _, k := range e.titles.keys {
		set(st, st.titles, k, append(drop(st.titles[k]), e))
	}
	if len(e.start) >= 7 {
		m := e.start[:7]
		set(st, st.months, m, append(drop(st.months[m]), e))
	}
}

func loadState(ctx context.Context, s *store.Store, set *dataset.Set) (*state, error) {
	st := &state{set: set, ext: map[string]map[string]int64{}, ids: map[int64]map[string]string{}, titleForms: map[string]titleSet{},
		titles: map[string][]workEntry{}, months: map[string][]workEntry{}, people: map[string]int64{}, companies: map[string]int64{},
		franchises: map[string]int64{}, agents: map[string]*dataset.Agent{}, own: map[int64]string{}, orgs: map[string]bool{},
		agentsNamed: map[string][]*dataset.Agent{}}
	var err error
	if st.records, err = s.ImportRecords(ctx, set.Source); err != nil {
		return nil, err
	}
	for _, r := range st.records {
		st.own[r.EntityID] = r.Record
	}
	for _, site := range wiki.Sites {
		ids, err := s.ExternalIDs(ctx, site.Name)
		if err != nil {
			return nil, err
		}
		st.ext[site.Name] = ids
		for id, entity := range ids {
			if st.ids[entity] == nil {
				st.ids[entity] = map[string]string{}
			}
			st.ids[entity][site.Name] = id
		}
	}
	err = s.HeadDocumentsOfKind(ctx, wiki.KindWork, func(h store.HeadDocument) error {
		doc, err := wiki.Decode(wiki.KindWork, h.Document)
		if err != nil {
			return fmt.Errorf("importer: work %d: %w", h.Entity.ID, err)
		}
		if wiki.MergedInto(doc) != 0 {
			return nil // a redirect: its records are the kept work's (store.ImportRecords)
		}
		st.saved(h.Entity.ID, doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.keep()
	for kind, index := range map[wiki.Kind]map[string]int64{wiki.KindPerson: st.people, wiki.KindCompany: st.companies} {
		names, err := s.NamesOfKind(ctx, kind)
		if err != nil {
			return nil, err
		}
		for id, name := range names {
			k := search.Key(name)
			if old, ok := index[k]; ok && old != id {
				index[k] = -1
				continue
			}
			index[k] = id
		}
	}
	for i := range set.Agents {
		a := &set.Agents[i]
		st.agents[a.ID] = a
		if a.Organisation {
			st.orgs[search.Key(a.Name)] = true
		} else {
			k := search.Key(a.Name)
			st.agentsNamed[k] = append(st.agentsNamed[k], a)
		}
	}
	return st, nil
}

// set changes a map entry, remembering how to undo it.
func set[K comparable, V any](st *state, m map[K]V, k K, v V) {
	old, had := m[k]
	st.undo = append(st.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
	m[k] = v
}

// count adds to a counter of the summary, remembering how to undo it.
func (st *state) count(n *int) {
	*n++
	st.undo = append(st.undo, func() { *n-- })
}

// keep makes what the saved record added stay: for good, unless hold is set, when it can still
// be undone with the rest of the batch (rewind).
func (st *state) keep() {
	if !st.hold {
		st.undo = st.undo[:0]
	}
	st.mark = len(st.undo)
}

// discard undoes what a record whose changeset failed added, newest first.
func (st *state) discard() {
	st.undoTo(st.mark)
}

// rewind undoes what the records of the batch added, to run it again.
func (st *state) rewind() {
	st.undoTo(0)
	st.mark = 0
}

func (st *state) undoTo(mark int) {
	for i := len(st.undo) - 1; i >= mark; i-- {
		st.undo[i]()
	}
	st.undo = st.undo[:mark]
}

// extID is the entity carrying id on site, or 0.
func (st *state) extID(site, id string) int64 { return st.ext[site][id] }

// claim records the ids a saved document gives, so that later records find its page.
func (st *state) claim(entity int64, ids []wiki.ExternalID) {
	for _, x := range ids {
		if st.ext[x.Site] == nil {
			st.ext[x.Site] = map[string]int64{}
		}
		set(st, st.ext[x.Site], x.ID, entity)
		if st.ids[entity] == nil {
			set(st, st.ids, entity, map[string]string{})
		}
		set(st, st.ids[entity], x.Site, x.ID)
	}
}

// freeIDs keeps the ids no other entity carries yet: a data set that gives one id to two of
// its records must not make the second record fail.
func (st *state) freeIDs(entity int64, ids []wiki.ExternalID) []wiki.ExternalID {
	var out []wiki.ExternalID
	seen := map[string]bool{}
	for _, x := range ids {
		owner := st.ext[x.Site][x.ID]
		site, _ := wiki.SiteNamed(x.Site)
		if (owner != 0 && owner != entity && !site.Shared) || seen[x.Site] {
			continue
		}
		if have, ok := st.ids[entity][x.Site]; ok && have != x.ID {
			continue // the page has another id on this site: the first one stands
		}
		seen[x.Site] = true
		out = append(out, x)
	}
	return out
}

// match finds the page a work record belongs to. It returns 0 for a new page, and says how it
// decided: "again" (imported before), "id", "title", "ambiguous" or "new".
func (st *state) match(w *dataset.Work) (int64, string, string) {
	if prev, ok := st.records[w.ID]; ok {
		return prev.EntityID, "again", ""
	}
	found := map[int64]bool{}
	var via []string
	for _, x := range w.ExternalIDs {
		if site, ok := wiki.SiteNamed(x.Site); !ok || site.Shared {
			continue
		}
		if id := st.ext[x.Site][x.ID]; id != 0 && st.own[id] == "" {
			if !found[id] {
				via = append(via, fmt.Sprintf("%s %s → #%d", x.Site, x.ID, id))
			}
			found[id] = true
		}
	}
	switch len(found) {
	case 1:
		for id := range found {
			return id, "id", strings.Join(via, ", ")
		}
	case 0:
	default:
		return 0, "ambiguous", "its ids are on different pages: " + strings.Join(via, ", ")
	}
	return st.matchTitle(w)
}

// idsDisagree reports whether the page already has an id on a site where the record has
// another: then they are two works.
func (st *state) idsDisagree(entity int64, ids []dataset.ExternalID) bool {
	for _, x := range ids {
		if have, ok := st.ids[entity][x.Site]; ok && have != x.ID {
			return true
		}
	}
	return false
}

// saved brings the index up to date with a document saved for entity id.
func (st *state) saved(id int64, doc wiki.Document) {
	var ids []wiki.ExternalID
	switch d := doc.(type) {
	case *wiki.Work:
		ids = d.ExternalIDs
		st.index(workEntry{id: id, medium: d.Medium, start: d.StartDate, end: d.EndDate, lang: d.OriginalLanguage, titles: st.titleSet(matchTitles(d)...)})
	case *wiki.Topic:
		ids = d.ExternalIDs
		for _, x := range ids {
			if x.Site == dataset.SiteMADB {
				set(st, st.franchises, x.ID, id)
			}
		}
	}
	st.claim(id, ids)
}

// organisation reports whether a name in a credit is a company's: its agent is an organisation,
// or, without an agent, an organisation or a company page has the name.
func (st *state) organisation(name, agent string) bool {
	if a := st.agents[agent]; a != nil {
		return a.Organisation
	}
	key := search.Key(name)
	return st.orgs[key] || (st.companies[key] != 0 && st.people[key] == 0)
}

// person finds or creates, in the changeset, the page of a person named in a credit.
func (st *state) person(ctx context.Context, c *edit.Changes, name, agent, record string) (wiki.Ref, error) {
	if a := st.agents[agent]; a != nil && a.Organisation {
		agent = ""
	}
	if id := st.extID(dataset.SiteMADB, agent); agent != "" && id != 0 {
		return wiki.Ref(id), nil
	}
	key := search.Key(name)
	names := []string{key}
	// A page made by hand may go by the person's name in Latin letters, which the data set's
	// entry for the person gives, in either order; when the name has several entries, any of
	// them may.
	entries := st.agentsNamed[key]
	if a := st.agents[agent]; a != nil {
		entries = []*dataset.Agent{a}
	}
	for _, a := range entries {
		names = append(names, search.Key(a.Name), search.Key(a.NameLatin), search.Key(reversed(a.NameLatin)))
	}
	for _, k := range names {
		if id := st.people[k]; k != "" && id > 0 {
			return wiki.Ref(id), nil
		}
	}
	f := st.agentFacts(name, agent, record, wiki.KindPerson)
	doc := &wiki.Person{Name: f.name, NativeName: f.native, NameKana: f.kana, BirthDate: f.from, DeathDate: f.until,
		ExternalIDs: f.ids, Sources: []wiki.Source{f.source}}
	if doc.BirthDate != "" && doc.DeathDate != "" && wiki.DateBefore(doc.DeathDate, doc.BirthDate) {
		doc.DeathDate = ""
	}
	return st.create(ctx, c, wiki.KindPerson, doc, f.ids, st.people, key, &st.sum.People)
}

// company finds or creates, in the changeset, the page of a company named in a record.
func (st *state) company(ctx context.Context, c *edit.Changes, name, agent, record string) (wiki.Ref, error) {
	if a := st.agents[agent]; a != nil && !a.Organisation {
		agent = ""
	}
	if id := st.extID(dataset.SiteMADB, agent); agent != "" && id != 0 {
		return wiki.Ref(id), nil
	}
	key := search.Key(name)
	if id := st.companies[key]; id > 0 {
		return wiki.Ref(id), nil
	}
	f := st.agentFacts(name, agent, record, wiki.KindCompany)
	doc := &wiki.Company{Name: f.name, NativeName: f.native, NameKana: f.kana, Founded: f.from, Dissolved: f.until,
		ExternalIDs: f.ids, Sources: []wiki.Source{f.source}}
	return st.create(ctx, c, wiki.KindCompany, doc, f.ids, st.companies, key, &st.sum.Companies)
}

// agentFacts is what a new page of a person or company named in a record says: the name as the
// record writes it, and what the data set's entry for them (agent, when there is one) adds.
type agentFacts struct {
	name, native, kana string
	from, until        string // birth and death, or founding and dissolution
	ids                []wiki.ExternalID
	source             wiki.Source
}

func (st *state) agentFacts(name, agent, record string, kind wiki.Kind) agentFacts {
	f := agentFacts{name: name, native: nativeName(name), source: st.sourceOf(record)}
	if a := st.agents[agent]; a != nil {
		f.source = st.sourceOf(a.ID)
		if a.NameLatin != "" {
			f.name = a.NameLatin
		}
		f.native, f.kana = a.Name, a.NameKana
		f.from, f.until = validDate(a.Birth), validDate(a.Death)
		f.ids = st.freeIDs(0, append([]wiki.ExternalID{{Site: dataset.SiteMADB, ID: a.ID}}, toWikiIDs(a.ExternalIDs, kind)...))
		for i := range f.ids {
			f.ids[i].Source = f.source.Key
		}
	}
	return f
}

// create makes the page of a person or company in the changeset and indexes it by name key.
func (st *state) create(ctx context.Context, c *edit.Changes, kind wiki.Kind, doc wiki.Document, ids []wiki.ExternalID,
	index map[string]int64, key string, counter *int) (wiki.Ref, error) {
	id, err := c.Create(ctx, kind, doc)
	if err != nil {
		return 0, err
	}
	st.claim(id, ids)
	set(st, index, key, id)
	st.count(counter)
	return wiki.Ref(id), nil
}

func (st *state) sourceOf(record string) wiki.Source { return newSource(st.set, record) }

func toWikiIDs(ids []dataset.ExternalID, kind wiki.Kind) []wiki.ExternalID {
	var out []wiki.ExternalID
	for _, x := range ids {
		w := wiki.ExternalID{Site: x.Site, ID: strings.TrimSpace(x.ID)}
		if validID(kind, w) {
			out = append(out, w)
		}
	}
	return out
}

func validDate(s string) string {
	if s != "" && wiki.ValidDate(s) {
		return s
	}
	return ""
}

// latin reports whether a name is written in Latin letters only.
func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin) {
			return false
		}
	}
	return true
}

// reversed turns a two-word Latin name around: "Otomo Katsuhiro" is "Katsuhiro Otomo".
func reversed(name string) string {
	f := strings.Fields(name)
	if len(f) != 2 {
		return ""
	}
	return f[1] + " " + f[0]
}
