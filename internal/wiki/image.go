package wiki

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
)

// An entity's pictures are its gallery: a list in its document like any other, so that an
// upload is a revision (reviewed, diffed, reverted and merged like a changed credit), and the
// main image is a plain field naming one of them. The pictures' bytes are kept elsewhere, named
// by the SHA-256 of what is stored, which is the key of the gallery's entry.

// Image is one picture in an entity's gallery. Key is the picture's name (the hex SHA-256 of
// the stored bytes); Width and Height its size in pixels, as the upload found it.
type Image struct {
	Key     string `json:"key"`
	Kind    string `json:"kind"`
	Caption string `json:"caption,omitempty"`
	// Region is where the picture was used ("Japan", "US"): a poster of one release.
	Region string `json:"region,omitempty"`
	// Origin is where the picture comes from: a URL or a printed source, as the uploader gave it.
	Origin string `json:"source,omitempty"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// ImageKinds lists the kinds of picture a gallery holds.
var ImageKinds = []string{"poster", "key visual", "screenshot", "photo", "logo"}

// ItemKey identifies the picture within its gallery.
func (i Image) ItemKey() string { return i.Key }

// Describe shows the picture in a diff.
func (i Image) Describe(Names) string {
	return joinNonEmpty(" · ", i.Kind, i.Caption, i.Region, i.Origin, strconv.Itoa(i.Width)+"×"+strconv.Itoa(i.Height), "#"+i.Key[:min(12, len(i.Key))])
}

var (
	imageKeyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	imageSliceType  = reflect.TypeFor[[]Image]()
)

// images checks a gallery and its main image.
func (p *problems) images(list []Image, main string) {
	for _, im := range list {
		if !imageKeyPattern.MatchString(im.Key) {
			p.addf("an image's key is not the SHA-256 of a stored picture")
		}
		if !slices.Contains(ImageKinds, im.Kind) {
			p.addf("an image's kind %q is not one of poster, key visual, screenshot, photo, logo", im.Kind)
		}
		p.limit("image caption", im.Caption, 300)
		p.limit("image region", im.Region, 100)
		p.limit("image source", im.Origin, 500)
		if im.Width <= 0 || im.Height <= 0 {
			p.addf("an image has no size")
		}
	}
	p.unique("images", keysOf(list))
	if main != "" && !slices.ContainsFunc(list, func(im Image) bool { return im.Key == main }) {
		p.addf("the main image is not one of the page's images")
	}
}

// Gallery returns a document's images and a pointer to its main image's field, or nils for a
// document without a gallery.
func Gallery(doc Document) (*[]Image, *string) {
	v := reflect.ValueOf(doc)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil, nil
	}
	list, main := v.Elem().FieldByName("Images"), v.Elem().FieldByName("MainImage")
	if !list.IsValid() || !main.IsValid() {
		return nil, nil
	}
	return list.Addr().Interface().(*[]Image), main.Addr().Interface().(*string)
}

// MainImage returns the entry of a document's main image, if it has one.
func MainImage(doc Document) (Image, bool) {
	list, main := Gallery(doc)
	if list == nil || *main == "" {
		return Image{}, false
	}
	i := slices.IndexFunc(*list, func(im Image) bool { return im.Key == *main })
	if i < 0 {
		return Image{}, false
	}
	return (*list)[i], true
}

// absorbImages adds the pictures of merged that kept lacks; a picture both have keeps kept's
// caption and kind, since its key is its content.
func absorbImages(kept, merged []Image) []Image {
	out := slices.Clone(kept)
	for _, im := range merged {
		if !slices.ContainsFunc(out, func(k Image) bool { return k.Key == im.Key }) {
			out = append(out, im)
		}
	}
	return out
}
