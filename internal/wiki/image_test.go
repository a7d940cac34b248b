package wiki

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func key(c string) string { return strings.Repeat(c, 64) }

// TestAbsorbImages: a merge gives the kept page the pictures only the merged one had; one both
// show stays once, as the kept page describes it; the kept page's main image stays, and a kept
// page without one takes the merged page's.
func TestAbsorbImages(t *testing.T) {
	a := Image{Key: key("a"), Kind: "poster", Caption: "kept", Width: 10, Height: 20}
	aOther := Image{Key: key("a"), Kind: "poster", Caption: "merged", Width: 10, Height: 20}
	b := Image{Key: key("b"), Kind: "photo", Width: 5, Height: 5}
	for _, tc := range []struct {
		name         string
		kept, merged *Person
		want         *Person
	}{
		{"pictures join, the main image of the kept page stays",
			&Person{Name: "P", Images: []Image{a}, MainImage: a.Key},
			&Person{Name: "P", Images: []Image{aOther, b}, MainImage: b.Key},
			&Person{Name: "P", Images: []Image{a, b}, MainImage: a.Key}},
		{"a kept page without pictures takes the merged page's main image",
			&Person{Name: "P"},
			&Person{Name: "P", Images: []Image{b}, MainImage: b.Key},
			&Person{Name: "P", Images: []Image{b}, MainImage: b.Key}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Absorb(tc.kept, tc.merged, 2, 1)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Absorb (-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestValidateImages refuses entries that name no stored picture, kinds outside the list, and a
// main image that is not in the gallery.
func TestValidateImages(t *testing.T) {
	good := Image{Key: key("c"), Kind: "logo", Width: 1, Height: 1}
	for _, tc := range []struct {
		name string
		doc  *Company
		want string
	}{
		{"good", &Company{Name: "C", Images: []Image{good}, MainImage: good.Key}, ""},
		{"bad key", &Company{Name: "C", Images: []Image{{Key: "../etc", Kind: "logo", Width: 1, Height: 1}}}, "key"},
		{"bad kind", &Company{Name: "C", Images: []Image{{Key: key("d"), Kind: "meme", Width: 1, Height: 1}}}, "kind"},
		{"main not in the gallery", &Company{Name: "C", Images: []Image{good}, MainImage: key("e")}, "main image"},
		{"twice", &Company{Name: "C", Images: []Image{good, good}}, "same entry twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.doc.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}
