package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ImageBlob is one stored rendition of a picture: the picture at full size (Width 0) or a
// smaller copy of it (Width its nominal width). Hash names the picture; rows never change.
type ImageBlob struct {
	Hash                    string
	Width                   int
	ContentType             string
	PixelWidth, PixelHeight int
	Data                    []byte
}

// PutImageBlobs stores renditions of pictures. One already stored is left as it is: its name is
// its content.
func (tx *Tx) PutImageBlobs(ctx context.Context, blobs []ImageBlob) error {
	for _, b := range blobs {
		_, err := tx.exec(ctx, `INSERT INTO image_blobs (hash, width, content_type, pixel_width, pixel_height, data)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash, width) DO NOTHING`,
			b.Hash, b.Width, b.ContentType, b.PixelWidth, b.PixelHeight, b.Data)
		if err != nil {
			return fmt.Errorf("store: put image %s/%d: %w", b.Hash, b.Width, err)
		}
	}
	return nil
}

// ImageBlob reads one rendition of a picture; ErrNotFound when there is none.
func (c *conn) ImageBlob(ctx context.Context, hash string, width int) (ImageBlob, error) {
	b := ImageBlob{Hash: hash, Width: width}
	err := c.queryRow(ctx, `SELECT content_type, pixel_width, pixel_height, data FROM image_blobs WHERE hash = ? AND width = ?`,
		hash, width).Scan(&b.ContentType, &b.PixelWidth, &b.PixelHeight, &b.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return ImageBlob{}, fmt.Errorf("store: image %s/%d: %w", hash, width, ErrNotFound)
	}
	if err != nil {
		return ImageBlob{}, fmt.Errorf("store: image %s/%d: %w", hash, width, c.mapErr(err))
	}
	return b, nil
}

// ImageWidths lists the widths of the renditions stored of a picture (0 for the full size),
// smallest first; none when the picture is not stored.
func (c *conn) ImageWidths(ctx context.Context, hash string) ([]int, error) {
	rows, err := c.query(ctx, `SELECT width FROM image_blobs WHERE hash = ? ORDER BY width`, hash)
	if err != nil {
		return nil, fmt.Errorf("store: image %s: %w", hash, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var w int
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// MainImage is a page's main image as the main_images projection keeps it.
type MainImage struct {
	Hash          string
	Width, Height int
}

// ReplaceMainImage sets the main image of entity id (nil for none). fresh says the entity has no
// row yet.
func (tx *Tx) ReplaceMainImage(ctx context.Context, id int64, m *MainImage, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM main_images WHERE entity_id = ?`, id); err != nil {
			return fmt.Errorf("store: clear main image of %d: %w", id, err)
		}
	}
	if m == nil {
		return nil
	}
	if err := tx.write(ctx, `INSERT INTO main_images (entity_id, hash, width, height) VALUES (?, ?, ?, ?)`,
		id, m.Hash, m.Width, m.Height); err != nil {
		return fmt.Errorf("store: main image of %d: %w", id, err)
	}
	return nil
}

// MainImages returns the main images of those of the entities ids that have one.
func (c *conn) MainImages(ctx context.Context, ids []int64) (map[int64]MainImage, error) {
	out := make(map[int64]MainImage)
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := c.query(ctx, `SELECT entity_id, hash, width, height FROM main_images WHERE entity_id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: main images: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m MainImage
		if err := rows.Scan(&id, &m.Hash, &m.Width, &m.Height); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}
