package images_test

import (
	"bytes"
	"errors"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"
	"time"

	"kioku/internal/images"
	"kioku/internal/images/imagetest"
)

// TestProcessAccepts makes a picture of each accepted type into what is kept: the type and size
// as drawn, the name the hash of the bytes kept, and copies only narrower than the picture.
func TestProcessAccepts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		w, h   int
		ctype  string
		thumbs []int
	}{
		{"jpeg", imagetest.JPEG(800, 600), 800, 600, "image/jpeg", []int{640, 320, 160}},
		{"png", imagetest.PNG(300, 200), 300, 200, "image/png", []int{160}},
		{"gif", imagetest.GIF(100, 50), 100, 50, "image/png", nil},
		{"webp lossless", imagetest.WebP(), 1, 1, "image/png", nil},
		{"webp lossy", imagetest.WebPLossy(), 1, 1, "image/jpeg", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pic, err := images.Process(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if pic.Width != tc.w || pic.Height != tc.h {
				t.Errorf("size %d×%d, want %d×%d", pic.Width, pic.Height, tc.w, tc.h)
			}
			full := pic.Blobs[0]
			if full.Width != 0 || full.ContentType != tc.ctype || full.Hash != pic.Hash {
				t.Errorf("full size: width %d, type %s; want 0, %s", full.Width, full.ContentType, tc.ctype)
			}
			if !images.HashPattern.MatchString(pic.Hash) {
				t.Errorf("hash %q", pic.Hash)
			}
			var widths []int
			for _, b := range pic.Blobs[1:] {
				widths = append(widths, b.Width)
				img, _, err := image.Decode(bytes.NewReader(b.Data))
				if err != nil {
					t.Fatalf("copy %d: %v", b.Width, err)
				}
				if img.Bounds().Dx() != b.Width || b.PixelWidth != b.Width || b.Hash != pic.Hash {
					t.Errorf("copy %d is %d wide", b.Width, img.Bounds().Dx())
				}
			}
			if !equalInts(widths, tc.thumbs) {
				t.Errorf("copies %v, want %v", widths, tc.thumbs)
			}
			again, err := images.Process(tc.data)
			if err != nil || again.Hash != pic.Hash {
				t.Errorf("processed twice: hash %s then %s (%v)", pic.Hash, again.Hash, err)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestProcessRefuses refuses hostile and broken files, each with its kind of error.
func TestProcessRefuses(t *testing.T) {
	jpg := imagetest.JPEG(64, 64)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, images.ErrInvalid},
		{"truncated jpeg", jpg[:len(jpg)/2], images.ErrInvalid},
		{"png declaring 20000×20000", imagetest.BombPNG(20000, 20000), images.ErrTooLarge},
		{"png declaring 100000×1", imagetest.BombPNG(100000, 1), images.ErrTooLarge},
		{"png declaring 7000×7000 with no data", imagetest.BombPNG(7000, 7000), images.ErrInvalid},
		{"svg with a script", []byte(imagetest.SVG), images.ErrUnsupported},
		{"html", []byte(imagetest.HTML), images.ErrUnsupported},
		{"too many bytes", append(imagetest.JPEG(8, 8), make([]byte, images.MaxBytes)...), images.ErrTooLarge},
		{"riff that is not webp", []byte("RIFF\x00\x00\x00\x00AVI LIST"), images.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := images.Process(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var ie *images.Error
			if !errors.As(err, &ie) || ie.Reason == "" {
				t.Errorf("no reason for a person: %v", err)
			}
		})
	}
}

// TestProcessStrips keeps the pixels alone: EXIF and what follows a polyglot's picture are gone.
func TestProcessStrips(t *testing.T) {
	for _, tc := range []struct {
		name, marker string
		data         []byte
	}{
		{"exif", imagetest.ExifMarker, imagetest.WithExif(imagetest.JPEG(200, 100))},
		{"polyglot", imagetest.Script, imagetest.Polyglot()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(tc.data, []byte(tc.marker)) {
				t.Fatal("the upload does not carry the marker")
			}
			pic, err := images.Process(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range pic.Blobs {
				if bytes.Contains(b.Data, []byte(tc.marker)) || bytes.Contains(b.Data, []byte("Exif")) ||
					strings.Contains(strings.ToLower(string(b.Data)), "<script") {
					t.Errorf("rendition %d keeps what the upload carried", b.Width)
				}
			}
		})
	}
}

// BenchmarkProcess is the work of accepting a 3000×4000 photograph: decoding, encoding it again
// and making its copies. It processes at most five, whatever the benchtime (make bench asks for
// 2000 of everything), and reports the time per picture.
func BenchmarkProcess(b *testing.B) {
	data := imagetest.JPEG(3000, 4000)
	n := min(b.N, 5)
	b.ResetTimer()
	start := time.Now()
	for range n {
		if _, err := images.Process(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(n), "ms/picture")
}
