package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kioku/internal/edit"
	"kioku/internal/images"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// MaxUploadRequest is the largest request an upload may be: the largest picture and room for
// the form's other fields.
const MaxUploadRequest = images.MaxBytes + 1<<20

// imageView is one picture as a page shows it: its addresses at each stored width.
type imageView struct {
	wiki.Image
	// Src is the address of the copy a page loads by default, SrcSet every copy with its width,
	// Full the picture at full size.
	Src, SrcSet, Full string
}

// imageSlot is what heads an infobox: the page's main image, or an invitation to add one.
type imageSlot struct {
	Main    *imageView
	Gallery string // the address of the page's gallery
	Name    string // the page's name, for the image's description
}

// imageURL is the address of a picture's rendition of the width (0: full size).
func imageURL(hash string, width int) string { return images.URL(hash, width) }

// thumbnails gives the address of a small copy of the main image of each of the pages ids that
// has one, for lists of pages (search results, readers' lists).
func (a *App) thumbnails(ctx context.Context, ids []int64) (map[int64]string, error) {
	images, err := a.store.MainImages(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(images))
	for id, m := range images {
		out[id] = viewImage(wiki.Image{Key: m.Hash, Width: m.Width, Height: m.Height}, 160).Src
	}
	return out, nil
}

// viewImage gives the addresses of the copies the upload made of im (those narrower than it),
// Src being the widest of them no wider than preferred.
func viewImage(im wiki.Image, preferred int) imageView {
	v := imageView{Image: im, Full: imageURL(im.Key, 0)}
	var set []string
	for _, w := range images.Widths {
		if w >= im.Width {
			break
		}
		set = append(set, imageURL(im.Key, w)+" "+strconv.Itoa(w)+"w")
		if w <= preferred {
			v.Src = imageURL(im.Key, w)
		}
	}
	set = append(set, v.Full+" "+strconv.Itoa(im.Width)+"w")
	if v.Src == "" {
		v.Src = v.Full // narrower than every copy
	}
	v.SrcSet = strings.Join(set, ", ")
	return v
}

// slotOf is the image slot of entity e with document doc.
func slotOf(e store.Entity, doc wiki.Document) imageSlot {
	s := imageSlot{Gallery: e.Path() + "/images", Name: e.Name}
	if im, ok := wiki.MainImage(doc); ok {
		v := viewImage(im, 320)
		s.Main = &v
	}
	return s
}

// galleryPage is an entity's gallery and its upload form.
type galleryPage struct {
	Entity store.Entity
	Images []imageView
	Main   string
	Kinds  []string
	CSRF   string
	Base   int
	// Uploaded says what became of the reader's last upload: "accepted" or "pending".
	Uploaded string
}

// Gallery shows an entity's pictures, and to a signed-in reader the forms to upload one and to
// choose the main image.
func (a *App) Gallery(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, ok, err := a.loadEntity(w, r, segment, "/images")
		if err != nil || !ok {
			return err
		}
		doc, err := a.head(r.Context(), e)
		if err != nil {
			return err
		}
		p := galleryPage{Entity: e, Kinds: wiki.ImageKinds, Base: e.Head}
		if list, main := wiki.Gallery(doc); list != nil {
			for _, im := range *list {
				p.Images = append(p.Images, viewImage(im, 320))
			}
			p.Main = *main
		}
		if s := sessionFrom(r.Context()); s != nil {
			p.CSRF = s.CSRFToken
		}
		if u := r.URL.Query().Get("uploaded"); u == store.StatusAccepted || u == store.StatusPending {
			p.Uploaded = u
		}
		return a.render(w, r, http.StatusOK, "images", "Images of "+e.Name, p)
	}
}

// Upload receives a picture for an entity's gallery: a multipart form whose file is checked and
// made into the picture kept (see images.Process) before the edit that adds it is saved.
func (a *App) Upload(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if sessionFrom(r.Context()) == nil {
			// Before reading a body of up to 21 MB: only editors' are read.
			return forbidden("You need to sign in to upload.")
		}
		// The server's read timeout (30 s) suits forms; 20 MB over a slow uplink takes longer.
		// Only a signed-in editor's upload gets the longer time.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(uploadTime))
		_ = rc.SetWriteDeadline(time.Now().Add(uploadTime + uploadWait + time.Minute))
		data, err := readUpload(w, r)
		if err != nil {
			return err
		}
		// Reading a large body and decoding it may take longer than the request's deadline for
		// the database (WithDeadline), which began with the request: the database work before
		// and after the decoding gets a deadline of its own each time.
		before, cancel := a.afresh(r)
		defer cancel()
		s, err := requireEditor(before)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, before, segment, "/images")
		if err != nil || !ok {
			return err
		}
		if len(data) == 0 {
			return badRequest("choose a picture to upload")
		}
		if err := a.edits.MayUpload(before.Context(), s.User.ID); err != nil {
			return err
		}
		wait, stop := context.WithTimeout(context.WithoutCancel(r.Context()), uploadWait)
		pic, err := a.pictures.Process(wait, data)
		stop()
		if err != nil {
			return uploadError(err)
		}
		after, cancel := a.afresh(r)
		defer cancel()
		res, err := a.edits.Upload(after.Context(), s.User.ID, e.ID, pic, imageInput(r), r.PostFormValue("edit_summary"))
		if err != nil {
			return err
		}
		http.Redirect(w, r, e.Path()+"/images?uploaded="+res.Status, http.StatusSeeOther)
		return nil
	}
}

// uploadWait is how long an upload waits for the pictures before it to be processed, and
// uploadTime how long its body may take to arrive (20 MB at about 1 Mbit/s).
const (
	uploadWait = 30 * time.Second
	uploadTime = 3 * time.Minute
)

// afresh returns r with a new deadline for its database work, when the request has one (see
// WithDeadline), and the function that releases it.
func (a *App) afresh(r *http.Request) (*http.Request, context.CancelFunc) {
	if _, ok := r.Context().Deadline(); !ok {
		return r, func() {}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), a.dbTimeout)
	return r.WithContext(ctx), cancel
}

// readUpload reads an upload's multipart form: its text fields into r.PostForm, and the bytes of
// its file field, bounded by images.MaxBytes. A form of another encoding is refused.
func readUpload(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadRequest)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badRequest("a picture is sent as a multipart form (multipart/form-data)")
	}
	form := url.Values{}
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readError(err)
		}
		name := part.FormName()
		if name == "file" {
			if data, err = images.Read(part); err != nil {
				return nil, uploadError(readError(err))
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, 10_001))
		if err != nil {
			return nil, readError(err)
		}
		if len(v) > 10_000 || len(form) > 20 {
			return nil, badRequest("the form's fields are longer than the site accepts")
		}
		form.Add(name, string(v))
	}
	if err := checkValues("form ", form); err != nil {
		return nil, err
	}
	r.PostForm, r.Form = form, form
	return data, nil
}

func readError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fmt.Errorf("%w: the upload is larger than %d MB, the most a picture may be", ErrTooLarge, images.MaxBytes>>20)
	}
	if ie, ok := errors.AsType[*images.Error](err); ok {
		return ie
	}
	return badRequest("the form could not be read")
}

// uploadError gives a refused picture its status: too large (413), not a picture the site takes
// (415 is for request bodies; a file inside a form is a bad request), or damaged.
func uploadError(err error) error {
	ie, ok := errors.AsType[*images.Error](err)
	switch {
	case errors.Is(err, images.ErrBusy):
		return err
	case !ok:
		return err
	case errors.Is(ie, images.ErrTooLarge):
		return fmt.Errorf("%w: %s", ErrTooLarge, ie.Reason)
	default:
		return badRequest("%s", ie.Reason)
	}
}

// SetMainImage chooses the picture that heads an entity's page (or, with no key, none).
func (a *App) SetMainImage(segment string) Handler {
	return a.galleryAction(segment, func(r *http.Request, author int64, e store.Entity, base int) (edit.Result, error) {
		return a.edits.SetMainImage(r.Context(), author, e.ID, base, r.PostFormValue("key"), r.PostFormValue("edit_summary"))
	})
}

// DescribeImage changes a picture's kind, caption, region and source.
func (a *App) DescribeImage(segment string) Handler {
	return a.galleryAction(segment, func(r *http.Request, author int64, e store.Entity, base int) (edit.Result, error) {
		return a.edits.DescribeImage(r.Context(), author, e.ID, base, r.PostFormValue("key"), imageInput(r), r.PostFormValue("edit_summary"))
	})
}

// imageInput reads what the upload and describe forms say of a picture, in the same fields.
func imageInput(r *http.Request) edit.ImageInput {
	return edit.ImageInput{
		Kind:    r.PostFormValue("kind"),
		Caption: r.PostFormValue("caption"),
		Region:  r.PostFormValue("region"),
		Source:  r.PostFormValue("source"),
		Main:    r.PostFormValue("main") != "",
	}
}

// RemoveImage takes a picture out of an entity's gallery.
func (a *App) RemoveImage(segment string) Handler {
	return a.galleryAction(segment, func(r *http.Request, author int64, e store.Entity, base int) (edit.Result, error) {
		return a.edits.RemoveImage(r.Context(), author, e.ID, base, r.PostFormValue("key"), r.PostFormValue("edit_summary"))
	})
}

func (a *App) galleryAction(segment string, fn func(r *http.Request, author int64, e store.Entity, base int) (edit.Result, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := requireEditor(r)
		if err != nil {
			return err
		}
		e, ok, err := a.loadEntity(w, r, segment, "/images")
		if err != nil || !ok {
			return err
		}
		base, err := strconv.Atoi(r.PostFormValue("base"))
		if err != nil || base <= 0 {
			return badRequest("the form names no revision of the page")
		}
		res, err := fn(r, s.User.ID, e, base)
		if err != nil {
			return err
		}
		http.Redirect(w, r, e.Path()+"/images?uploaded="+res.Status, http.StatusSeeOther)
		return nil
	}
}

// ServeImage serves a stored rendition of a picture. Its address names its content, so it is
// cached for a year and never revalidated; the ETag answers a reload.
func (a *App) ServeImage(w http.ResponseWriter, r *http.Request) error {
	hash, size := r.PathValue("hash"), r.PathValue("size")
	if !images.HashPattern.MatchString(hash) {
		return store.ErrNotFound
	}
	width := 0
	if size != "full" {
		n, err := strconv.Atoi(size)
		if err != nil || strconv.Itoa(n) != size {
			return store.ErrNotFound
		}
		width = n
	}
	etag := `"` + hash + "-" + size + `"`
	h := w.Header()
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		// What the reader holds under this name is what the name says: nothing to read.
		h.Set("ETag", etag)
		h.Set("Cache-Control", immutable)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	b, ok := a.thumbs.get(hash, width)
	if !ok {
		var err error
		if b, err = a.store.ImageBlob(r.Context(), hash, width); err != nil {
			return err
		}
		a.thumbs.put(b)
	}
	h.Set("Content-Type", b.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(b.Data)))
	h.Set("ETag", etag)
	h.Set("Cache-Control", immutable)
	h.Set("Content-Disposition", "inline")
	_, err := w.Write(b.Data)
	return err
}

// immutable is the caching of content-addressed responses.
const immutable = "public, max-age=31536000, immutable"

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// isUpload reports whether a request may carry a multipart body: an upload to a gallery.
func isUpload(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "multipart/form-data"
}

// addedImages lists the pictures in the gallery of document b that a did not have (a may be nil).
func addedImages(a, b wiki.Document) []imageView {
	list, _ := wiki.Gallery(b)
	if list == nil {
		return nil
	}
	var had []wiki.Image
	if a != nil {
		if old, _ := wiki.Gallery(a); old != nil {
			had = *old
		}
	}
	var out []imageView
	for _, im := range *list {
		if !slices.ContainsFunc(had, func(h wiki.Image) bool { return h.Key == im.Key }) {
			out = append(out, viewImage(im, 320))
		}
	}
	return out
}
