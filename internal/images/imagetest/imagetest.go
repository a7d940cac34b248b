// Package imagetest makes pictures for tests, good and hostile: real JPEG, PNG and GIF files
// drawn with the standard library, a tiny WebP, a JPEG carrying EXIF with a GPS position, a PNG
// whose header declares more pixels than the file holds, and files that only pretend to be
// pictures.
package imagetest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// picture is a w×h gradient, so that encoders have something to do.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(1, w)), uint8(y * 255 / max(1, h)), 120, 255})
		}
	}
	return img
}

// JPEG is a w×h JPEG picture.
func JPEG(w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNG is a w×h PNG picture.
func PNG(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// GIF is a w×h GIF picture.
func GIF(w, h int) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, picture(w, h), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// WebP is a 1×1 lossless WebP picture (Go cannot encode WebP).
func WebP() []byte { return decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==") }

// WebPLossy is a 1×1 lossy WebP picture.
func WebPLossy() []byte { return decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA") }

func decode(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// ExifMarker is text that the EXIF segment WithExif inserts holds: what is served must not.
const ExifMarker = "GPSLatitude 35.6586N 139.7454E"

// WithExif is jpeg with an APP1 EXIF segment right after its start marker, holding ExifMarker.
func WithExif(jpeg []byte) []byte {
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), ExifMarker...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpeg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpeg[2:]...)
}

// BombPNG is a small PNG file whose header declares a w×h picture: decoded, it would take
// w×h×4 bytes.
func BombPNG(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8 bits per sample, RGBA
	chunk(&b, "IHDR", ihdr)
	chunk(&b, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) // hardly any data
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

func chunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}

// SVG is an SVG picture with a script.
const SVG = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>`

// HTML is a web page, to be uploaded under a picture's name.
const HTML = `<!doctype html><html><body><script>alert(document.cookie)</script></body></html>`

// Script is what Polyglot carries after the picture.
const Script = "<script>alert(document.cookie)</script>"

// Polyglot is a valid GIF followed by an HTML page with a script: a browser sniffing it as
// HTML would run the script.
func Polyglot() []byte {
	return append(GIF(8, 8), []byte("<html><body>"+Script+"</body></html>")...)
}
