-- Images: the bytes of uploaded pictures, named by the SHA-256 of the full-size rendition
-- (width 0) and kept with the smaller copies made of it (width 160, 320, ...). They are in the
-- database, so that every instance over one store serves what any stored, and a backup or a
-- copy holds them. Rows are never changed: a name is its content.
CREATE TABLE image_blobs (
    hash         TEXT NOT NULL,
    width        INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    pixel_width  INTEGER NOT NULL,
    pixel_height INTEGER NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (hash, width)
);

-- Each page's main image (a projection of its document's main_image, with the picture's size),
-- for lists that show pages by the dozen: search results.
CREATE TABLE main_images (
    entity_id INTEGER PRIMARY KEY REFERENCES entities(id),
    hash      TEXT NOT NULL,
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL
);
