package main

import (
	"image"
	"image/color"
	"sort"
)

// paletted reduces a picture to the 256 colours it uses most, each pixel drawn in the nearest of
// them. A page is mostly flat colours and the shades at the edges of letters, which this keeps
// legible; the PNG is a fraction of the size of the full-colour one.
//
// Colours are counted in buckets of 5 bits a channel, so that the many near-equal shades of
// anti-aliased text share one entry, and each entry is the mean of the colours in its bucket.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	type bucket struct {
		n        int
		r, g, bl int
		key      int
	}
	buckets := map[int]*bucket{}
	keyOf := func(c color.RGBA) int { return int(c.R>>3)<<10 | int(c.G>>3)<<5 | int(c.B>>3) }
	rgba := func(x, y int) color.RGBA { return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(x, y)
			k := keyOf(c)
			bu := buckets[k]
			if bu == nil {
				bu = &bucket{key: k}
				buckets[k] = bu
			}
			bu.n++
			bu.r += int(c.R)
			bu.g += int(c.G)
			bu.bl += int(c.B)
		}
	}
	list := make([]*bucket, 0, len(buckets))
	for _, bu := range buckets {
		list = append(list, bu)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].key < list[j].key
	})
	list = list[:min(len(list), 256)]
	pal := make(color.Palette, len(list))
	for i, bu := range list {
		pal[i] = color.RGBA{uint8(bu.r / bu.n), uint8(bu.g / bu.n), uint8(bu.bl / bu.n), 255}
	}

	out := image.NewPaletted(b, pal)
	nearest := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(x, y)
			i, ok := nearest[c]
			if !ok {
				i = closest(pal, c)
				nearest[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

// closest is the index of the colour of pal nearest to c, green weighing most as it does to
// the eye.
func closest(pal color.Palette, c color.RGBA) uint8 {
	best, bestD := 0, -1
	for i, p := range pal {
		q := p.(color.RGBA)
		dr, dg, db := int(q.R)-int(c.R), int(q.G)-int(c.G), int(q.B)-int(c.B)
		d := 3*dr*dr + 4*dg*dg + 2*db*db
		if bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return uint8(best)
}
