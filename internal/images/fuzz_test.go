package images_test

import (
	"bytes"
	"errors"
	"image"
	"testing"

	"kioku/internal/images"
	"kioku/internal/images/imagetest"
)

// FuzzProcess feeds any bytes to Process: it never panics, refuses with an *images.Error saying
// why, or keeps a picture within the limits whose every rendition decodes as what it says it is.
func FuzzProcess(f *testing.F) {
	jpg := imagetest.JPEG(40, 30)
	for _, seed := range [][]byte{jpg, jpg[:len(jpg)/2], imagetest.PNG(20, 10), imagetest.GIF(9, 9), imagetest.WebP(),
		imagetest.WebPLossy(), imagetest.BombPNG(300, 300), imagetest.Polyglot(), imagetest.WithExif(jpg), []byte(imagetest.SVG)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pic, err := images.Process(data)
		if err != nil {
			if _, ok := errors.AsType[*images.Error](err); !ok {
				t.Fatalf("refused without a reason for a person: %v", err)
			}
			return
		}
		if int64(pic.Width)*int64(pic.Height) > images.MaxPixels {
			t.Fatalf("kept a %d×%d picture", pic.Width, pic.Height)
		}
		for _, b := range pic.Blobs {
			img, format, err := image.DecodeConfig(bytes.NewReader(b.Data))
			if err != nil || "image/"+format != b.ContentType || img.Width != b.PixelWidth {
				t.Fatalf("rendition %d: %v, %s as %s, %d wide", b.Width, err, format, b.ContentType, img.Width)
			}
		}
	})
}
