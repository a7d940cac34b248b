package edit

import (
	"context"
	"slices"
	"strings"

	"kioku/internal/images"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// An upload is an edit of a page's gallery: the picture's renditions are stored in the same
// transaction as the changeset that adds its entry to the page's document, so that a refused
// edit stores nothing, and the entry, like any other, waits for review when its author's edits
// do, shows in the history and the diff, and goes with a revert.

// ImageInput is what an uploader says of a picture.
type ImageInput struct {
	Kind    string // one of wiki.ImageKinds
	Caption string
	Region  string
	Source  string
	// Main makes the picture the page's main image.
	Main bool
}

// MayUpload tells, before a picture is processed, whether author may save an edit now: an
// account that may not edit, or has saved its edits for the hour, is refused without the cost of
// decoding a picture. Upload checks again as it saves.
func (s *Service) MayUpload(ctx context.Context, author int64) error {
	return s.Store.Tx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, author)
		if err != nil {
			return err
		}
		return s.mayEdit(ctx, tx, u)
	})
}

// Upload adds pic, made by images.Process, to the gallery of entity id as one changeset by
// author, made from the page's current revision: an addition to a gallery does not conflict
// with what others changed meanwhile. A picture the page already shows is refused.
func (s *Service) Upload(ctx context.Context, author, id int64, pic images.Picture, in ImageInput, summary string) (Result, error) {
	if summary == "" {
		summary = "Uploaded a " + strings.TrimSpace(in.Kind)
	}
	return s.Apply(ctx, author, summary, func(c *Changes) error {
		e, doc, err := c.Current(ctx, id)
		if err != nil {
			return err
		}
		list, main := wiki.Gallery(doc)
		if list == nil {
			return wiki.Invalid("this kind of page has no images")
		}
		if slices.ContainsFunc(*list, func(im wiki.Image) bool { return im.Key == pic.Hash }) {
			return wiki.Invalid("this picture is already in the page's gallery")
		}
		*list = append(*list, wiki.Image{Key: pic.Hash, Kind: strings.TrimSpace(in.Kind), Caption: strings.TrimSpace(in.Caption),
			Region: strings.TrimSpace(in.Region), Origin: strings.TrimSpace(in.Source), Width: pic.Width, Height: pic.Height})
		if in.Main || *main == "" {
			*main = pic.Hash // the first picture of a page heads it
		}
		blobs := make([]store.ImageBlob, len(pic.Blobs))
		for i, b := range pic.Blobs {
			blobs[i] = store.ImageBlob{Hash: b.Hash, Width: b.Width, ContentType: b.ContentType,
				PixelWidth: b.PixelWidth, PixelHeight: b.PixelHeight, Data: b.Data}
		}
		if err := c.tx.PutImageBlobs(ctx, blobs); err != nil {
			return err
		}
		return c.Update(ctx, id, e.Head, doc)
	})
}

// SetMainImage makes the picture key of entity id's gallery its main image, or with key "" makes
// it have none, as one changeset by author from revision base.
func (s *Service) SetMainImage(ctx context.Context, author, id int64, base int, key, summary string) (Result, error) {
	if summary == "" {
		summary = "Chose the main image"
	}
	return s.galleryEdit(ctx, author, id, base, summary, func(list *[]wiki.Image, main *string) error {
		if key != "" && !slices.ContainsFunc(*list, func(im wiki.Image) bool { return im.Key == key }) {
			return wiki.Invalid("that picture is not in the page's gallery")
		}
		*main = key
		return nil
	})
}

// DescribeImage changes what entity id's gallery says of the picture key (its kind, caption,
// region and source; with in.Main, it also becomes the main image), as one changeset by author
// from revision base.
func (s *Service) DescribeImage(ctx context.Context, author, id int64, base int, key string, in ImageInput, summary string) (Result, error) {
	if summary == "" {
		summary = "Described an image"
	}
	return s.galleryEdit(ctx, author, id, base, summary, func(list *[]wiki.Image, main *string) error {
		i := slices.IndexFunc(*list, func(im wiki.Image) bool { return im.Key == key })
		if i < 0 {
			return wiki.Invalid("that picture is not in the page's gallery")
		}
		im := &(*list)[i]
		im.Kind, im.Caption = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Caption)
		im.Region, im.Origin = strings.TrimSpace(in.Region), strings.TrimSpace(in.Source)
		if in.Main {
			*main = key
		}
		return nil
	})
}

// RemoveImage takes the picture key out of entity id's gallery (and off its head, if it was the
// main image), as one changeset by author from revision base. Its bytes stay stored: the
// page's history still shows it, and a revert brings it back.
func (s *Service) RemoveImage(ctx context.Context, author, id int64, base int, key, summary string) (Result, error) {
	if summary == "" {
		summary = "Removed an image"
	}
	return s.galleryEdit(ctx, author, id, base, summary, func(list *[]wiki.Image, main *string) error {
		i := slices.IndexFunc(*list, func(im wiki.Image) bool { return im.Key == key })
		if i < 0 {
			return wiki.Invalid("that picture is not in the page's gallery")
		}
		*list = slices.Delete(*list, i, i+1)
		if len(*list) == 0 {
			*list = nil
		}
		if *main == key {
			*main = ""
		}
		return nil
	})
}

// galleryEdit changes the gallery of entity id's document at revision base with fn.
func (s *Service) galleryEdit(ctx context.Context, author, id int64, base int, summary string, fn func(list *[]wiki.Image, main *string) error) (Result, error) {
	return s.Apply(ctx, author, summary, func(c *Changes) error {
		e, err := c.tx.Entity(ctx, id)
		if err != nil {
			return err
		}
		if base <= 0 || base > e.Head {
			base = e.Head
		}
		doc, err := c.document(ctx, e.Kind, id, base)
		if err != nil {
			return err
		}
		list, main := wiki.Gallery(doc)
		if list == nil {
			return wiki.Invalid("this kind of page has no images")
		}
		if err := fn(list, main); err != nil {
			return err
		}
		return c.Update(ctx, id, base, doc)
	})
}
