package importer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// works imports the data set's works in batches, each batch one transaction.
func (r *run) works(ctx context.Context) error {
	list := r.set.Works
	p := newProgress(r.im.Progress, r.im.Terminal, len(list))
	defer p.done()
	var next chan *ahead
	for len(list) > 0 {
		batch := list[:min(len(list), r.batchSize())]
		list = list[len(batch):]
		var pre *ahead
		if next != nil {
			pre = <-next
		} else {
			pre = r.lookAhead(batch)
		}
		next = nil
		if len(list) > 0 {
			next = make(chan *ahead, 1)
			following := list[:min(len(list), r.batchSize())]
			go func() { next <- r.lookAhead(following) }()
		}
		for title, forms := range pre.forms {
			if _, ok := r.st.titleForms[title]; !ok {
				r.st.titleForms[title] = forms
			}
		}
		if err := r.batch(ctx, batch, pre.hashes); err != nil {
			return fmt.Errorf("importer: %w", err)
		}
		p.add(len(batch))
	}
	return nil
}

// ahead is what the records of a batch give whatever the wiki holds: their hashes and the forms
// of their titles for matching. It is worked out for the next batch on another core while a
// batch is saved.
type ahead struct {
	hashes []string
	forms  map[string]titleSet
}

// lookAhead works out ahead for a batch; it reads nothing that the batches change.
func (r *run) lookAhead(batch []dataset.Work) *ahead {
	a := &ahead{hashes: make([]string, len(batch)), forms: map[string]titleSet{}}
	for i := range batch {
		w := &batch[i]
		a.hashes[i] = recordHash(w)
		for _, title := range append([]string{w.Title, w.TitleKana}, titleTexts(w)...) {
			if _, ok := a.forms[title]; !ok {
				a.forms[title] = newTitleSet(title)
			}
		}
	}
	return a
}

// batch imports a batch of work records in one transaction. It is tried first without a
// savepoint for each record (edit.FastBatch); when a record fails, what the batch did is undone,
// here as in the database, and it runs again with one, so that the failed record alone is
// skipped.
func (r *run) batch(ctx context.Context, batch []dataset.Work, hashes []string) error {
	each := func(b *edit.Batch) error {
		for i := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := r.work(ctx, b, &batch[i], hashes[i]); err != nil {
				return err
			}
		}
		return nil
	}
	sum, own := r.sum.clone(), r.st.own
	r.st.own = maps.Clone(own)
	r.st.hold = true
	err := r.im.Edits.FastBatch(ctx, each)
	r.st.hold = false
	if errors.Is(err, edit.ErrBatchFailed) {
		r.st.rewind()
		*r.sum, r.st.own, r.reports = *sum, own, r.reports[:0]
		err = r.im.Edits.Batch(ctx, each)
	}
	r.st.keep()
	if err == nil {
		r.flushReport()
	}
	return err
}

// work imports one work record, whose recordHash is hash.
func (r *run) work(ctx context.Context, b *edit.Batch, w *dataset.Work, hash string) error {
	prev, seen := r.st.records[w.ID]
	if seen && prev.Hash == hash {
		r.sum.Unchanged++
		return nil
	}
	id, how, why := r.st.match(w)
	if !seen {
		r.sum.Matches[how]++
		r.report("%s\t%s\t%s\t%s", w.ID, how, w.Title, why)
	}
	if how == "ambiguous" && len(why) > 0 && strings.HasPrefix(why, "its ids") {
		r.sum.Skipped = append(r.sum.Skipped, Skip{ID: w.ID, Reason: "ambiguous: " + why})
		return nil
	}
	entity, err := r.save(ctx, b, wiki.KindWork, id, w.ID, hash, prev.Contribution, func(ctx context.Context, c *edit.Changes) (wiki.Document, error) {
		return r.workDoc(ctx, c, w, id, prev.Contribution)
	})
	if err != nil {
		if store.Unavailable(err) || errors.Is(err, edit.ErrBatchFailed) {
			return err // the batch cannot commit anyway
		}
		r.sum.Skipped = append(r.sum.Skipped, Skip{ID: w.ID, Reason: err.Error()})
		return nil
	}
	switch {
	case seen:
		r.sum.Updated++
	case id != 0:
		r.sum.Merged++
	default:
		r.sum.Created++
	}
	r.st.own[entity] = w.ID
	return nil
}

// workDoc is what a work record contributes to its page, with the people, companies and
// characters it names found or created in the changeset.
func (r *run) workDoc(ctx context.Context, c *edit.Changes, w *dataset.Work, entity int64, prevData []byte) (wiki.Document, error) {
	src := r.source(w.ID)
	doc := &wiki.Work{Name: workName(w), Medium: w.Medium, OriginalTitle: w.Title, OriginalTitleKana: w.TitleKana,
		OriginalLanguage: w.TitleLanguage, StartDate: validDate(w.Start), EndDate: validDate(w.End), Episodes: w.Episodes,
		Sources: []wiki.Source{src}}
	if doc.OriginalLanguage == "" && w.Title != "" && r.set.Source == dataset.MADB {
		doc.OriginalLanguage = "ja"
	}
	if doc.StartDate != "" && doc.EndDate != "" && wiki.DateBefore(doc.EndDate, doc.StartDate) {
		doc.EndDate = ""
	}
	if w.Medium == wiki.MediumFilm {
		doc.RuntimeMinutes = w.EpisodeMinutes
	} else {
		doc.EpisodeMinutes = w.EpisodeMinutes
	}
	seenTitle := map[string]bool{}
	for _, t := range w.Titles {
		kind := t.Kind
		if kind == "" {
			kind = "synonym"
		}
		text := strings.TrimSpace(t.Text)
		k := itemKey(src.Key, "title", t.Language, kind, text)
		if text == "" || seenTitle[k] {
			continue
		}
		seenTitle[k] = true
		doc.Titles = append(doc.Titles, wiki.Title{Key: k, Language: t.Language, Kind: kind, Text: clip(text, 300), Source: src.Key})
	}
	ids := r.st.freeIDs(entity, toWikiIDs(w.ExternalIDs, wiki.KindWork))
	for _, x := range ids {
		x.Source = src.Key
		doc.ExternalIDs = append(doc.ExternalIDs, x)
	}
	if err := r.credits(ctx, c, w, doc, src.Key); err != nil {
		return nil, err
	}
	if err := r.cast(ctx, c, w, doc, src.Key, prevData); err != nil {
		return nil, err
	}
	for _, rel := range w.Releases {
		title := strings.TrimSpace(rel.Title)
		if title == "" {
			title = w.Title
		}
		region := rel.Region
		if region == "" {
			region = "JP"
		}
		r := wiki.Release{Key: itemKey(src.Key, "release", rel.ID), Region: region,
			Language: rel.Language, Title: clip(title, 300), Date: validDate(rel.Date), Format: clip(rel.Format, 40),
			Catalog: clip(rel.Catalog, 100), Source: src.Key}
		// Two records of one disc (a re-listing) are one release.
		if !slices.ContainsFunc(doc.Releases, func(have wiki.Release) bool {
			have.Key = r.Key
			return have == r
		}) {
			doc.Releases = append(doc.Releases, r)
		}
	}
	if w.Series != "" {
		if f := r.st.franchises[w.Series]; f != 0 {
			doc.Franchise = wiki.Ref(f)
		}
	}
	return doc, nil
}

// credits turns staff credits into the work's credits, and credits of organisations into
// company credits.
func (r *run) credits(ctx context.Context, c *edit.Changes, w *dataset.Work, doc *wiki.Work, src string) error {
	// Companies first: a studio that is also named in the staff is then known as a company.
	for _, cc := range w.Companies {
		if err := r.companyCredit(ctx, c, doc, cc, w.ID, src); err != nil {
			return err
		}
	}
	at := map[string]int{} // person and role, and credit key → index in doc.Credits
	for _, cr := range w.Credits {
		name := strings.TrimSpace(cr.Name)
		if name == "" {
			continue
		}
		role := cr.Role
		if role == "" {
			role = cr.RoleText
		}
		if role == "" {
			role = "Staff"
		}
		if r.st.organisation(name, cr.Agent) {
			if err := r.companyCredit(ctx, c, doc, dataset.CompanyCredit{Name: name, Agent: cr.Agent, Role: "Producer", RoleText: cr.RoleText}, w.ID, src); err != nil {
				return err
			}
			continue
		}
		person, err := r.st.person(ctx, c, clip(name, 300), cr.Agent, w.ID)
		if err != nil {
			return err
		}
		// One person in one role is one credit, and so is one name with one role text (a name
		// that two spellings of one person share): their notes are joined.
		key := itemKey(src, "credit", name, cr.RoleText)
		k := fmt.Sprint(person, "|", strings.ToLower(role))
		if _, ok := at[key]; ok {
			k = key
		}
		if i, ok := at[k]; ok {
			if cr.Note != "" && !strings.Contains(doc.Credits[i].Note, cr.Note) {
				doc.Credits[i].Note = clip(strings.TrimPrefix(doc.Credits[i].Note+"; "+cr.Note, "; "), 1000)
			}
			continue
		}
		at[k], at[key] = len(doc.Credits), len(doc.Credits)
		roleText := ""
		if cr.RoleText != role {
			roleText = clip(cr.RoleText, 200)
		}
		doc.Credits = append(doc.Credits, wiki.Credit{Key: key, Person: person,
			Role: clip(role, 100), RoleText: roleText, Note: clip(cr.Note, 1000), Source: src})
	}
	return nil
}

func (r *run) companyCredit(ctx context.Context, c *edit.Changes, doc *wiki.Work, cc dataset.CompanyCredit, record, src string) error {
	name := strings.TrimSpace(cc.Name)
	if name == "" {
		return nil
	}
	company, err := r.st.company(ctx, c, clip(name, 300), cc.Agent, record)
	if err != nil {
		return err
	}
	role := cc.Role
	if role == "" {
		role = "Production"
	}
	k := itemKey(src, "company", name, cc.RoleText)
	for _, have := range doc.Companies {
		if have.Key == k || (have.Company == company && have.Role == role) {
			return nil
		}
	}
	doc.Companies = append(doc.Companies, wiki.CompanyCredit{Key: k, Company: company, Role: role, RoleText: clip(cc.RoleText, 200), Source: src})
	return nil
}

// cast turns the record's cast into characters with their Japanese voice actors. A character
// belongs to its work: the same name in two works is two characters, except that a character
// the record named last time keeps its page.
func (r *run) cast(ctx context.Context, c *edit.Changes, w *dataset.Work, doc *wiki.Work, src string, prevData []byte) error {
	known := map[string]wiki.Ref{}
	if prevData != nil {
		if prev, err := wiki.Decode(wiki.KindWork, prevData); err == nil {
			for _, m := range prev.(*wiki.Work).Cast {
				known[m.Key] = m.Character
			}
		}
	}
	seen := map[string]int{}
	for _, m := range w.Cast {
		name := strings.TrimSpace(m.Character)
		if name == "" {
			// A voice actor without a named character is credited as cast.
			for _, a := range m.Actors {
				if r.st.organisation(a.Name, a.Agent) {
					if err := r.companyCredit(ctx, c, doc, dataset.CompanyCredit{Name: a.Name, Agent: a.Agent, Role: "Voice cast", RoleText: "出演"}, w.ID, src); err != nil {
						return err
					}
					continue
				}
				person, err := r.st.person(ctx, c, clip(a.Name, 300), a.Agent, w.ID)
				if err != nil {
					return err
				}
				if !hasCredit(doc, person, "Voice actor") {
					doc.Credits = append(doc.Credits, wiki.Credit{Key: itemKey(src, "voice", a.Name), Person: person,
						Role: "Voice actor", RoleText: "出演", Note: clip(m.Note, 1000), Source: src})
				}
			}
			continue
		}
		k := itemKey(src, "cast", name)
		if i, ok := seen[k]; ok {
			// The same character listed twice: one cast entry with every voice.
			if err := r.voices(ctx, c, w, &doc.Cast[i], m.Actors); err != nil {
				return err
			}
			continue
		}
		ch, ok := known[k]
		if !ok || !r.exists(ctx, c, ch) {
			id, err := c.Create(ctx, wiki.KindCharacter, &wiki.Character{Name: clip(name, 300), NativeName: nativeName(name),
				Sources: []wiki.Source{r.source(w.ID)}})
			if err != nil {
				return err
			}
			r.st.count(&r.sum.Characters)
			ch = wiki.Ref(id)
		}
		seen[k] = len(doc.Cast)
		doc.Cast = append(doc.Cast, wiki.CastMember{Key: k, Character: ch, Note: clip(m.Note, 1000), Source: src})
		if err := r.voices(ctx, c, w, &doc.Cast[len(doc.Cast)-1], m.Actors); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) voices(ctx context.Context, c *edit.Changes, w *dataset.Work, m *wiki.CastMember, actors []dataset.CastActor) error {
	for _, a := range actors {
		if r.st.organisation(a.Name, a.Agent) {
			continue // a troupe named beside a character is not its voice
		}
		person, err := r.st.person(ctx, c, clip(a.Name, 300), a.Agent, w.ID)
		if err != nil {
			return err
		}
		dup := false
		for _, v := range m.Voices {
			dup = dup || v.Person == person
		}
		if !dup {
			m.Voices = append(m.Voices, wiki.Voice{Language: "Japanese", Person: person})
		}
	}
	return nil
}

// exists reports whether a character page the record made before is still there.
func (r *run) exists(ctx context.Context, c *edit.Changes, ref wiki.Ref) bool {
	found, err := c.Tx().EntitiesByID(ctx, []int64{int64(ref)})
	return err == nil && found[int64(ref)].Kind == wiki.KindCharacter
}

func hasCredit(doc *wiki.Work, person wiki.Ref, role string) bool {
	for _, c := range doc.Credits {
		if c.Person == person && strings.EqualFold(c.Role, role) {
			return true
		}
	}
	return false
}

func nativeName(name string) string {
	if latin(name) {
		return ""
	}
	return name
}

// workName chooses the name a new page gets from a record: its English title when it has one,
// else AniDB's main title (usually romanised), else the original title.
func workName(w *dataset.Work) string {
	for _, kind := range []string{"official", "main"} {
		for _, t := range w.Titles {
			if t.Kind == kind && (t.Language == "en" || (kind == "main" && latin(t.Text))) && strings.TrimSpace(t.Text) != "" {
				return clip(strings.TrimSpace(t.Text), 300)
			}
		}
	}
	if w.Title != "" {
		return clip(w.Title, 300)
	}
	for _, t := range w.Titles {
		if strings.TrimSpace(t.Text) != "" {
			return clip(strings.TrimSpace(t.Text), 300)
		}
	}
	return w.ID
}

// clip cuts s to at most n characters, so that one overlong value does not lose a whole record.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
