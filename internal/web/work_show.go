package web

import (
	"context"
	"sort"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// workPage is everything the work page shows, with every reference resolved to its entity.
type workPage struct {
	entityView
	Work         *wiki.Work
	Cast         []castView
	Credits      []creditView
	Companies    []creditView
	Genres       []store.Entity
	Themes       []store.Entity
	Franchise    *store.Entity
	Similar      []store.Entity
	Associations []store.Entity
	Relations    []relationView
	Episodes     []episodeRow
}

type castView struct {
	Character store.Entity
	Role      string
	Voices    []voiceView
}

type voiceView struct {
	Language string
	Person   store.Entity
}

type creditView struct {
	Person store.Entity // the person or company credited
	Role   string
	Note   string
}

type relationView struct {
	Type string
	Work store.Entity
}

type episodeRow struct {
	Entity  store.Entity
	Episode *wiki.Episode
}

func (a *App) workView(ctx context.Context, base entityView, w *wiki.Work) (*workPage, error) {
	byID, err := a.names(ctx, w)
	if err != nil {
		return nil, err
	}
	p := &workPage{entityView: base, Work: w}
	for _, c := range w.Cast {
		cv := castView{Character: byID[int64(c.Character)], Role: c.Role}
		for _, v := range c.Voices {
			cv.Voices = append(cv.Voices, voiceView{Language: v.Language, Person: byID[int64(v.Person)]})
		}
		p.Cast = append(p.Cast, cv)
	}
	for _, c := range w.Credits {
		p.Credits = append(p.Credits, creditView{Person: byID[int64(c.Person)], Role: c.Role, Note: c.Note})
	}
	for _, c := range w.Companies {
		p.Companies = append(p.Companies, creditView{Person: byID[int64(c.Company)], Role: c.Role})
	}
	for _, r := range w.Relations {
		p.Relations = append(p.Relations, relationView{Type: r.Type, Work: byID[int64(r.Work)]})
	}
	pick := func(refs []wiki.Ref) []store.Entity {
		var out []store.Entity
		for _, r := range refs {
			out = append(out, byID[int64(r)])
		}
		return out
	}
	p.Genres, p.Themes, p.Similar, p.Associations = pick(w.Genres), pick(w.Themes), pick(w.Similar), pick(w.Associations)
	if w.Franchise != 0 {
		f := byID[int64(w.Franchise)]
		p.Franchise = &f
	}
	if p.Episodes, err = a.episodesOf(ctx, base.Entity.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// episodesOf lists a work's episodes and segments in order, with their documents.
func (a *App) episodesOf(ctx context.Context, workID int64) ([]episodeRow, error) {
	links, err := a.store.LinksTo(ctx, workID, wiki.RelEpisodeOf)
	if err != nil || len(links) == 0 {
		return nil, err
	}
	ids := make([]int64, len(links))
	for i, l := range links {
		ids[i] = l.Source
	}
	docs, err := a.store.HeadDocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []episodeRow
	for _, l := range links {
		h, ok := docs[l.Source]
		if !ok {
			continue
		}
		doc, err := wiki.Decode(wiki.KindEpisode, h.Document)
		if err != nil {
			return nil, err
		}
		out = append(out, episodeRow{Entity: h.Entity, Episode: doc.(*wiki.Episode)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Episode.Number < out[j].Episode.Number })
	return out, nil
}
