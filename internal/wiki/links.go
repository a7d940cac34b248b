package wiki

// Link is one row of the reverse-lookup projection: the entity Source points to Target in the
// way Rel says (a work credits a person, an episode belongs to a work, ...). Projections are
// derived from current documents and can always be rebuilt from them.
type Link struct {
	Source   int64
	Target   int64
	Rel      Rel
	Via      int64  // the character a voice role is for
	Role     string // credit role, cast role, company role or relation type
	Note     string
	Language string
	Position int
}

// Rel names a kind of link.
type Rel string

// The kinds of link the projection holds.
const (
	RelCredit      Rel = "credit"
	RelCast        Rel = "cast"
	RelVoice       Rel = "voice"
	RelCompany     Rel = "company"
	RelGenre       Rel = "genre"
	RelTheme       Rel = "theme"
	RelFranchise   Rel = "franchise"
	RelSimilar     Rel = "similar"
	RelAssociation Rel = "association"
	RelRelation    Rel = "relation"
	RelEpisodeOf   Rel = "episode_of"
)

// Links derives the projection rows of entity id from its document. A redirect has none: the
// page it was merged into holds what it said.
func Links(id int64, doc Document) []Link {
	if MergedInto(doc) != 0 {
		return nil
	}
	switch d := doc.(type) {
	case *Work:
		return workLinks(id, d)
	case *Episode:
		if d.Work != 0 {
			return []Link{{Source: id, Target: int64(d.Work), Rel: RelEpisodeOf, Position: d.Number}}
		}
	}
	return nil
}

func workLinks(id int64, w *Work) []Link {
	var out []Link
	add := func(l Link) {
		l.Source = id
		l.Position = len(out)
		out = append(out, l)
	}
	for _, c := range w.Credits {
		add(Link{Target: int64(c.Person), Rel: RelCredit, Role: c.Role, Note: c.Note})
	}
	for _, c := range w.Cast {
		add(Link{Target: int64(c.Character), Rel: RelCast, Role: c.Role})
		for _, v := range c.Voices {
			add(Link{Target: int64(v.Person), Rel: RelVoice, Via: int64(c.Character), Language: v.Language})
		}
	}
	for _, c := range w.Companies {
		add(Link{Target: int64(c.Company), Rel: RelCompany, Role: c.Role})
	}
	for _, r := range w.Relations {
		add(Link{Target: int64(r.Work), Rel: RelRelation, Role: r.Type})
	}
	refLinks := []struct {
		rel  Rel
		refs []Ref
	}{{RelGenre, w.Genres}, {RelTheme, w.Themes}, {RelSimilar, w.Similar}, {RelAssociation, w.Associations}}
	for _, rl := range refLinks {
		for _, r := range rl.refs {
			add(Link{Target: int64(r), Rel: rl.rel})
		}
	}
	if w.Franchise != 0 {
		add(Link{Target: int64(w.Franchise), Rel: RelFranchise})
	}
	return out
}
