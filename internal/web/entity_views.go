package web

import (
	"context"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// personPage shows a person with every credit across works, newest work first, a page at a
// time, and voice roles.
type personPage struct {
	entityView
	Person     *wiki.Person
	Credits    creditPage
	VoiceRoles []store.VoiceRole
	Sources    []sourceView
	IDs        []wiki.ExternalID
}

// creditPage is one page of the works an entity is credited on.
type creditPage struct {
	Rows  []store.WorkCredit
	Total int
	Page  int
	Pages int
	Path  string
}

// creditsPerPage is how many credits a person or company page lists at once.
const creditsPerPage = 100

func (a *App) creditPage(ctx context.Context, base entityView, rels ...wiki.Rel) (creditPage, error) {
	p := creditPage{Page: max(base.Page, 1), Path: base.Entity.Path()}
	rows, total, err := a.store.CreditsOn(ctx, base.Entity.ID, rels, creditsPerPage, (p.Page-1)*creditsPerPage)
	if err != nil {
		return p, err
	}
	p.Rows, p.Total = rows, total
	p.Pages = max(1, (total+creditsPerPage-1)/creditsPerPage)
	if p.Page > p.Pages {
		return p, store.ErrNotFound
	}
	return p, nil
}

// Prev and Next are the neighbouring page numbers, 0 when there is none.
func (p creditPage) Prev() int {
	if p.Page > 1 {
		return p.Page - 1
	}
	return 0
}

// Next is the next page's number, 0 on the last page.
func (p creditPage) Next() int {
	if p.Page < p.Pages {
		return p.Page + 1
	}
	return 0
}

func (a *App) personView(ctx context.Context, base entityView, d *wiki.Person) (*personPage, error) {
	p := &personPage{entityView: base, Person: d, IDs: d.ExternalIDs}
	p.Sources = sourceList(d, fieldLabels(d))
	var err error
	if p.Credits, err = a.creditPage(ctx, base, wiki.RelCredit); err != nil {
		return nil, err
	}
	p.VoiceRoles, err = a.store.VoiceRoles(ctx, base.Entity.ID, true)
	return p, err
}

// characterPage shows a character with the works it appears in and who voices it.
type characterPage struct {
	entityView
	Character   *wiki.Character
	Appearances []store.Backlink
	Voices      []store.VoiceRole
}

func (a *App) characterView(ctx context.Context, base entityView, d *wiki.Character) (*characterPage, error) {
	p := &characterPage{entityView: base, Character: d}
	var err error
	if p.Appearances, err = a.store.LinksTo(ctx, base.Entity.ID, wiki.RelCast); err != nil {
		return nil, err
	}
	p.Voices, err = a.store.VoiceRoles(ctx, base.Entity.ID, false)
	return p, err
}

// episodePage shows an episode or segment with the work it belongs to.
type episodePage struct {
	entityView
	Episode *wiki.Episode
	Work    store.Entity
}

func (a *App) episodeView(ctx context.Context, base entityView, d *wiki.Episode) (*episodePage, error) {
	w, err := a.store.Entity(ctx, int64(d.Work))
	if err != nil {
		return nil, err
	}
	return &episodePage{entityView: base, Episode: d, Work: w}, nil
}

// topicPage shows a company, franchise, genre, theme or concept with the works that point to it,
// newest first, a page at a time.
type topicPage struct {
	entityView
	Doc     wiki.Document
	Works   creditPage
	Sources []sourceView
	IDs     []wiki.ExternalID
}

func (a *App) topicView(ctx context.Context, base entityView, d wiki.Document, rel wiki.Rel) (*topicPage, error) {
	works, err := a.creditPage(ctx, base, rel)
	if err != nil {
		return nil, err
	}
	p := &topicPage{entityView: base, Doc: d, Works: works, Sources: sourceList(d, fieldLabels(d))}
	switch d := d.(type) {
	case *wiki.Company:
		p.IDs = d.ExternalIDs
	case *wiki.Topic:
		p.IDs = d.ExternalIDs
	}
	return p, nil
}
