// Package images decides what an uploaded picture is and makes what the wiki keeps of it. The
// type is sniffed from the bytes, never taken from a name or a header; the size in bytes and in
// pixels is checked before the pixels are decoded, so that a small file declaring a huge
// picture (a decompression bomb) costs nothing; and what is kept is the decoded picture encoded
// again, never the uploaded bytes, so that metadata (EXIF, GPS, comments) and anything smuggled
// after the picture's data (a polyglot) are gone. Each picture is named by the SHA-256 of the
// bytes kept, and comes with smaller copies in a few widths for pages to choose from.
package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"regexp"
	"strconv"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// The limits of an upload.
const (
	// MaxBytes is the largest file accepted: 20 MB.
	MaxBytes = 20 << 20
	// MaxPixels is the largest picture accepted, width times height: 50 megapixels (a
	// 4:3 picture of about 8200×6100). Decoding one takes about 200 MB.
	MaxPixels = 50_000_000
	// MaxSide is the longest side accepted, whatever the area.
	MaxSide = 20_000
)

// Widths are the widths of the smaller copies made of each picture, for srcset. A picture
// narrower than a width gets no copy of it: its full size serves.
var Widths = []int{160, 320, 640}

// Errors an upload is refused with; each Error matches one with errors.Is.
var (
	// ErrTooLarge: more bytes or pixels than the limits allow.
	ErrTooLarge = errors.New("images: too large")
	// ErrUnsupported: not a JPEG, PNG, GIF or WebP picture (an SVG, an HTML page, a PDF).
	ErrUnsupported = errors.New("images: unsupported type")
	// ErrInvalid: a picture of an accepted type that cannot be decoded (truncated, corrupt).
	ErrInvalid = errors.New("images: invalid picture")
	// ErrBusy: the pictures before it were still being processed when the wait ended.
	ErrBusy = errors.New("images: busy")
)

// Error is a refused upload, with a reason a person can act on.
type Error struct {
	Kind   error // ErrTooLarge, ErrUnsupported or ErrInvalid
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// Is makes errors.Is(err, e.Kind) true.
func (e *Error) Is(target error) bool { return target == e.Kind }

func refuse(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// Blob is one stored rendition of a picture: the picture itself (Width 0) or a smaller copy.
type Blob struct {
	// Hash is the hex SHA-256 of the full-size rendition's bytes: the picture's name, shared by
	// its copies.
	Hash string
	// Width is the copy's nominal width from Widths, or 0 for the picture at full size.
	Width       int
	ContentType string
	// PixelWidth and PixelHeight are the rendition's size in pixels.
	PixelWidth, PixelHeight int
	Data                    []byte
}

// Picture is what Process made of an upload.
type Picture struct {
	// Hash names the picture (see Blob.Hash); Width and Height are its size in pixels.
	Hash          string
	Width, Height int
	// Blobs are the renditions to store: the full size first, then the copies.
	Blobs []Blob
}

// URL is the address a rendition of picture hash is served at: its copy of the width, or with
// width 0 the picture at full size. Pages and the API both link there.
func URL(hash string, width int) string {
	if width == 0 {
		return "/images/" + hash + "/full"
	}
	return "/images/" + hash + "/" + strconv.Itoa(width)
}

// Thumbnail is the width of the smallest copy of a picture w pixels wide, or 0 (its full size)
// when it is narrower than every copy.
func Thumbnail(w int) int {
	if w > Widths[0] {
		return Widths[0]
	}
	return 0
}

// HashPattern is what a picture's name looks like.
var HashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// format is an accepted type, as sniffed from the first bytes.
type format string

const (
	formatJPEG format = "jpeg"
	formatPNG  format = "png"
	formatGIF  format = "gif"
	formatWebP format = "webp"
)

// sniff tells an accepted type from a file's first bytes, or "" for any other.
func sniff(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return formatJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return formatGIF
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return formatWebP
	}
	return ""
}

func decodeConfig(f format, r io.Reader) (image.Config, error) {
	switch f {
	case formatJPEG:
		return jpeg.DecodeConfig(r)
	case formatPNG:
		return png.DecodeConfig(r)
	case formatGIF:
		return gif.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

func decode(f format, r io.Reader) (image.Image, error) {
	switch f {
	case formatJPEG:
		return jpeg.Decode(r)
	case formatPNG:
		return png.Decode(r)
	case formatGIF:
		return gif.Decode(r) // the first frame: the wiki shows stills
	default:
		return webp.Decode(r)
	}
}

// Read reads an upload of at most MaxBytes from r.
func Read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, refuse(ErrTooLarge, "the file is larger than %d MB, the most a picture may be", MaxBytes>>20)
	}
	return data, nil
}

// Process checks an uploaded file and makes the picture to keep and its copies. It refuses,
// with an *Error, a file that is empty, too large, of another type than JPEG, PNG, GIF or
// WebP, declaring more than MaxPixels, or that does not decode.
func Process(data []byte) (Picture, error) {
	if len(data) == 0 {
		return Picture{}, refuse(ErrInvalid, "the file is empty")
	}
	if len(data) > MaxBytes {
		return Picture{}, refuse(ErrTooLarge, "the file is larger than %d MB, the most a picture may be", MaxBytes>>20)
	}
	f := sniff(data)
	if f == "" {
		return Picture{}, refuse(ErrUnsupported, "the file is not a JPEG, PNG, GIF or WebP picture (whatever its name says); SVG and other types are not accepted")
	}
	// The header alone first: its declared size decides whether the pixels are decoded at all.
	cfg, err := decodeConfig(f, bytes.NewReader(data))
	if err != nil {
		return Picture{}, refuse(ErrInvalid, "the file begins like a %s picture but its header cannot be read (is it truncated or damaged?)", f)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Picture{}, refuse(ErrInvalid, "the picture declares no pixels")
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Picture{}, refuse(ErrTooLarge, "the picture is %d×%d pixels; the most accepted is %d megapixels, and %d pixels a side",
			cfg.Width, cfg.Height, MaxPixels/1_000_000, MaxSide)
	}
	img, err := decode(f, bytes.NewReader(data))
	if err != nil {
		return Picture{}, refuse(ErrInvalid, "the %s picture cannot be decoded (is it truncated or damaged?)", f)
	}
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return Picture{}, refuse(ErrInvalid, "the picture's pixels do not match the size its header declares")
	}
	// Photographs stay JPEG; drawings and anything with transparency become PNG.
	lossy := f == formatJPEG || (f == formatWebP && opaque(img))
	full, ctype, err := encode(img, lossy, 90)
	if err != nil {
		return Picture{}, err
	}
	sum := sha256.Sum256(full)
	pic := Picture{Hash: hex.EncodeToString(sum[:]), Width: b.Dx(), Height: b.Dy()}
	pic.Blobs = append(pic.Blobs, Blob{Hash: pic.Hash, ContentType: ctype, PixelWidth: b.Dx(), PixelHeight: b.Dy(), Data: full})
	thumbs, err := thumbnails(img, lossy || opaque(img))
	if err != nil {
		return Picture{}, err
	}
	for i := range thumbs {
		thumbs[i].Hash = pic.Hash
	}
	pic.Blobs = append(pic.Blobs, thumbs...)
	return pic, nil
}

// thumbnails makes the copies of img narrower than it, largest first: each from the one before,
// and the largest in two steps when img is much wider (a fast halving, then a good filter),
// which keeps a 3000-pixel photograph's copies to a fraction of a second.
func thumbnails(img image.Image, jpegOK bool) ([]Blob, error) {
	var out []Blob
	src := img
	for i := len(Widths) - 1; i >= 0; i-- {
		w := Widths[i]
		if w >= src.Bounds().Dx() {
			continue
		}
		if src.Bounds().Dx() > 4*w {
			src = scale(src, 2*w, draw.ApproxBiLinear)
		}
		small := scale(src, w, draw.CatmullRom)
		data, ctype, err := encode(small, jpegOK, 85)
		if err != nil {
			return nil, err
		}
		out = append(out, Blob{Width: w, ContentType: ctype, PixelWidth: small.Bounds().Dx(), PixelHeight: small.Bounds().Dy(), Data: data})
		src = small
	}
	return out, nil
}

// scale returns img at width w, keeping its proportions.
func scale(img image.Image, w int, s draw.Scaler) image.Image {
	b := img.Bounds()
	h := max(1, int(int64(b.Dy())*int64(w)/int64(b.Dx())))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	s.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// encode writes img as JPEG (when lossy) or PNG, returning the bytes and their content type.
func encode(img image.Image, lossy bool, quality int) ([]byte, string, error) {
	var buf bytes.Buffer
	if lossy {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
			return nil, "", fmt.Errorf("images: encode: %w", err)
		}
		return buf.Bytes(), "image/jpeg", nil
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, "", fmt.Errorf("images: encode: %w", err)
	}
	return buf.Bytes(), "image/png", nil
}

// opaque reports whether every pixel of img is opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// Processor runs Process a few pictures at a time: decoding a picture of MaxPixels takes about
// 200 MB and a second of a core, which a burst of uploads must not multiply.
type Processor struct {
	slots chan struct{}
}

// NewProcessor returns a Processor that processes at most n pictures at once (at least one).
func NewProcessor(n int) *Processor {
	return &Processor{slots: make(chan struct{}, max(1, n))}
}

// Process is Process, waiting for a free slot until ctx ends.
func (p *Processor) Process(ctx context.Context, data []byte) (Picture, error) {
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-ctx.Done():
		// Not the context's error: the wait ran out, not the request or the database.
		return Picture{}, fmt.Errorf("%w: the pictures before it are still being processed", ErrBusy)
	}
	return Process(data)
}
