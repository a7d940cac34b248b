package web

import (
	"net/http"
	"strconv"

	"kioku/internal/lists"
	"kioku/internal/store"
)

// The pages and forms of readers' lists. What a list may hold, and who may change it, is
// internal/lists's to say; these handlers read the forms and show the lists.

type userListsPage struct {
	Owner store.User
	Lists []store.ReaderList
	Mine  bool
	CSRF  string
	Blank store.ReaderList // the new list form's defaults
}

// UserLists shows an account's lists: the public ones, and to the account itself its private
// ones too, with a form to make another.
func (a *App) UserLists(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	owner, err := a.store.UserByName(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	data := userListsPage{Owner: owner, Blank: store.ReaderList{Public: true}}
	var viewer *store.User
	if s := sessionFrom(ctx); s != nil {
		viewer, data.CSRF, data.Mine = &s.User, s.CSRFToken, s.User.ID == owner.ID
	}
	if data.Lists, err = a.lists.ListsOf(ctx, viewer, owner); err != nil {
		return err
	}
	if data.Mine {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	return a.render(w, r, http.StatusOK, "userlists", owner.Name+"’s lists", data)
}

func listInput(r *http.Request) lists.ListInput {
	return lists.ListInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Ranked: r.PostFormValue("ranked") != "", Public: r.PostFormValue("public") != ""}
}

// CreateList makes a list for the signed-in reader and opens it.
func (a *App) CreateList(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	id, err := a.lists.CreateList(r.Context(), s.User, listInput(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/lists/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// pathID reads the numeric path value name; a malformed one is no such page.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

type listPage struct {
	List    store.ReaderList
	Items   []store.ReaderListItem
	Owner   bool
	CanLike bool
	Liked   bool
	CSRF    string
	// Thumbs are the addresses of small copies of the items' main images, by entity.
	Thumbs map[int64]string
}

// Thumb is the address of a small copy of an item's main image, "" when it has none.
func (p listPage) Thumb(id int64) string { return p.Thumbs[id] }

// ShowList shows a list: to its owner with the forms that change it, to other signed-in
// readers with a like button. A private list is its owner's alone.
func (a *App) ShowList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s := sessionFrom(ctx)
	var viewer *store.User
	if s != nil {
		viewer = &s.User
	}
	l, items, err := a.lists.List(ctx, viewer, id)
	if err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.Entity.ID
	}
	thumbs, err := a.thumbnails(ctx, ids)
	if err != nil {
		return err
	}
	data := listPage{List: l, Items: items, Thumbs: thumbs}
	if s != nil {
		data.CSRF, data.Owner, data.CanLike = s.CSRFToken, s.User.ID == l.UserID, s.User.ID != l.UserID
		if data.CanLike {
			if data.Liked, err = a.store.LikesList(ctx, l.ID, s.User.ID); err != nil {
				return err
			}
		}
	}
	if !l.Public {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	return a.render(w, r, http.StatusOK, "list", l.Name, data)
}

// listAction is a form that changes a list: it checks the sign-in and the form's token, reads
// the list's id, runs change and goes back to where the form says (the list by default).
func (a *App) listAction(change func(r *http.Request, s *store.Session, listID int64) error) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := change(r, s, id); err != nil {
			return err
		}
		http.Redirect(w, r, "/lists/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
}

// UpdateList changes a list's name, description and flags.
func (a *App) UpdateList() Handler {
	return a.listAction(func(r *http.Request, s *store.Session, id int64) error {
		return a.lists.UpdateList(r.Context(), s.User, id, listInput(r))
	})
}

// LikeList likes a list (like=1) or takes the like back (like=0).
func (a *App) LikeList() Handler {
	return a.listAction(func(r *http.Request, s *store.Session, id int64) error {
		return a.lists.Like(r.Context(), s.User, id, r.PostFormValue("like") == "1")
	})
}

// MoveListItem moves a page of a list: to the position given, or by one place up (by=-1) or
// down (by=1) from it.
func (a *App) MoveListItem() Handler {
	return a.listAction(func(r *http.Request, s *store.Session, id int64) error {
		entity, err := pathID(r, "entity")
		if err != nil {
			return err
		}
		to, err := strconv.Atoi(r.PostFormValue("position"))
		if err != nil || to < 1 || to > lists.MaxItems {
			return badRequest("a position is a whole number from 1 to %d", lists.MaxItems)
		}
		switch r.PostFormValue("by") {
		case "-1":
			to--
		case "1":
			to++
		case "":
		default:
			return badRequest("a page moves by one place, up (-1) or down (1)")
		}
		return a.lists.MoveItem(r.Context(), s.User, id, entity, max(1, to))
	})
}

// SetListNote changes the note of a page on a list.
func (a *App) SetListNote() Handler {
	return a.listAction(func(r *http.Request, s *store.Session, id int64) error {
		entity, err := pathID(r, "entity")
		if err != nil {
			return err
		}
		return a.lists.SetNote(r.Context(), s.User, id, entity, r.PostFormValue("note"))
	})
}

// RemoveListItem takes a page off a list.
func (a *App) RemoveListItem() Handler {
	return a.listAction(func(r *http.Request, s *store.Session, id int64) error {
		entity, err := pathID(r, "entity")
		if err != nil {
			return err
		}
		return a.lists.RemoveItem(r.Context(), s.User, id, entity)
	})
}

// DeleteList deletes a list and goes to its owner's lists.
func (a *App) DeleteList(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.lists.DeleteList(r.Context(), s.User, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+s.User.Name+"/lists", http.StatusSeeOther)
	return nil
}

// AddToList puts a page (entity) on one of the reader's lists (list), from the page's own form,
// and goes back to the page.
func (a *App) AddToList(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	listID, err1 := strconv.ParseInt(r.PostFormValue("list"), 10, 64)
	entityID, err2 := strconv.ParseInt(r.PostFormValue("entity"), 10, 64)
	if err1 != nil || err2 != nil {
		return badRequest("choose a list and a page")
	}
	ctx := r.Context()
	if err := a.lists.AddItem(ctx, s.User, listID, entityID, r.PostFormValue("note")); err != nil {
		return err
	}
	e, err := a.store.Entity(ctx, entityID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, e.Path()+"#top-lists", http.StatusSeeOther)
	return nil
}
