package web

import (
	"context"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// personPage shows a person with every credit across works, grouped by role, and voice roles.
type personPage struct {
	entityView
	Person     *wiki.Person
	Roles      []roleGroup
	VoiceRoles []store.VoiceRole
}

type roleGroup struct {
	Role    string
	Credits []store.Backlink
}

func (a *App) personView(ctx context.Context, base entityView, d *wiki.Person) (*personPage, error) {
	credits, err := a.store.LinksTo(ctx, base.Entity.ID, wiki.RelCredit)
	if err != nil {
		return nil, err
	}
	p := &personPage{entityView: base, Person: d}
	index := map[string]int{}
	for _, c := range credits {
		i, ok := index[c.Role]
		if !ok {
			i = len(p.Roles)
			index[c.Role] = i
			p.Roles = append(p.Roles, roleGroup{Role: c.Role})
		}
		p.Roles[i].Credits = append(p.Roles[i].Credits, c)
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

// topicPage shows a company, franchise, genre, theme or concept with the works that point to it.
type topicPage struct {
	entityView
	Doc   wiki.Document
	Works []store.Backlink
}

func (a *App) topicView(ctx context.Context, base entityView, d wiki.Document, rel wiki.Rel) (*topicPage, error) {
	works, err := a.store.LinksTo(ctx, base.Entity.ID, rel)
	if err != nil {
		return nil, err
	}
	return &topicPage{entityView: base, Doc: d, Works: works}, nil
}
