package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kioku/internal/lists"
	"kioku/internal/store"
)

// Track saves the signed-in reader's tracking of a work from the form on its page: status,
// episodes seen, score and dates; an empty status takes the work off their list.
func (a *App) Track(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/track")
		if err != nil || !ok {
			return err
		}
		in := lists.TrackInput{Status: lists.Status(r.PostFormValue("status")),
			Started: r.PostFormValue("started"), Finished: r.PostFormValue("finished")}
		for _, f := range []struct {
			name string
			to   *int
		}{{"episodes", &in.Episodes}, {"score", &in.Score}} {
			if v := strings.TrimSpace(r.PostFormValue(f.name)); v != "" {
				if *f.to, err = strconv.Atoi(v); err != nil {
					return badRequest("%s must be a whole number, not %q", f.name, v)
				}
			}
		}
		if err := a.lists.Track(r.Context(), s.User, e.ID, in); err != nil {
			return err
		}
		http.Redirect(w, r, e.Path()+"#scores", http.StatusSeeOther)
		return nil
	}
}

type trackedPage struct {
	Owner   store.User
	Status  lists.Status
	Works   []trackedRow
	Tabs    []statusTab
	All     int
	Mine    bool
	Private bool
	CSRF    string
}

type trackedRow struct {
	store.TrackedWork
	Label string
}

type statusTab struct {
	Status lists.Status
	Count  int
}

// Tracked lists an account's tracked works, all or of one status: to everyone, unless the
// account keeps them to itself.
func (a *App) Tracked(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	owner, err := a.store.UserByName(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	data := trackedPage{Owner: owner, Status: lists.Status(r.URL.Query().Get("status"))}
	var viewer *store.User
	if s := sessionFrom(ctx); s != nil {
		viewer, data.CSRF, data.Mine = &s.User, s.CSRFToken, s.User.ID == owner.ID
	}
	works, counts, err := a.lists.Tracked(ctx, viewer, owner, data.Status)
	if err != nil {
		return err
	}
	for _, tw := range works {
		data.Works = append(data.Works, trackedRow{TrackedWork: tw, Label: lists.Status(tw.Status).Label()})
	}
	for _, st := range lists.Statuses {
		data.Tabs = append(data.Tabs, statusTab{Status: st, Count: counts[string(st)]})
		data.All += counts[string(st)]
	}
	if data.Mine {
		if data.Private, err = a.store.TrackingPrivate(ctx, owner.ID); err != nil {
			return err
		}
	}
	return a.render(w, r, http.StatusOK, "tracked", owner.Name+"’s anime", data)
}

// SetTrackingPrivacy shows the reader's tracked works to everyone (private=0) or keeps them to
// the reader.
func (a *App) SetTrackingPrivacy(w http.ResponseWriter, r *http.Request) error {
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	if err := a.lists.SetPrivate(r.Context(), s.User, r.PostFormValue("private") == "1"); err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+s.User.Name+"/anime", http.StatusSeeOther)
	return nil
}

type importPage struct {
	Report *lists.ImportReport
}

// ImportForm is the form that takes a MyAnimeList export.
func (a *App) ImportForm(w http.ResponseWriter, r *http.Request) error {
	if sessionFrom(r.Context()) == nil {
		return signInRedirect(w, r)
	}
	return a.render(w, r, http.StatusOK, "import", "Import from MyAnimeList", importPage{})
}

// ImportMAL imports the reader's tracking from a MyAnimeList export sent with the form, and
// shows what it did: an export it cannot take is refused whole.
func (a *App) ImportMAL(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fmt.Errorf("%w: the file is larger than a megabyte: gzip it (a MyAnimeList export shrinks to a tenth) and send it again", ErrTooLarge)
		}
		return badRequest("send the export with the form, as a file")
	}
	defer r.MultipartForm.RemoveAll()
	s, err := requireEditor(r)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("export")
	if err != nil {
		return badRequest("choose the export file to import")
	}
	defer f.Close()
	rep, err := a.lists.ImportMAL(r.Context(), s.User, io.Reader(f))
	if err != nil {
		return err
	}
	return a.render(w, r, http.StatusOK, "import", "Import from MyAnimeList", importPage{Report: &rep})
}
