-- Readers' lists, tracking and scores (internal/lists owns what they mean). None of it is a
-- revision of the wiki: it belongs to the reader who keeps it, and leaves the page cache alone.

-- A reader's named list of pages, ranked or not, public or private. likes and items count the
-- rows of reader_list_likes and reader_list_items, kept with them, so that a work page's "Top
-- Rated Lists" need not count.
CREATE TABLE reader_lists (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    ranked      INTEGER NOT NULL DEFAULT 0,
    public      INTEGER NOT NULL DEFAULT 1,
    likes       INTEGER NOT NULL DEFAULT 0,
    items       INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX reader_lists_user ON reader_lists(user_id, id);

-- A page on a list, at its position (1, 2, ... with no gaps), with the owner's note.
CREATE TABLE reader_list_items (
    list_id   INTEGER NOT NULL REFERENCES reader_lists(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    position  INTEGER NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    added_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (list_id, entity_id)
);
CREATE INDEX reader_list_items_entity ON reader_list_items(entity_id);

-- One like per reader and list.
CREATE TABLE reader_list_likes (
    list_id    INTEGER NOT NULL REFERENCES reader_lists(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (list_id, user_id)
);
CREATE INDEX reader_list_likes_user ON reader_list_likes(user_id);

-- A reader's tracking of a work: status, episodes seen, score (0: none, else 1 to 10), and
-- partial start and finish dates ('' when not known).
CREATE TABLE tracking (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_id    INTEGER NOT NULL REFERENCES entities(id),
    status     TEXT NOT NULL,
    episodes   INTEGER NOT NULL DEFAULT 0,
    score      INTEGER NOT NULL DEFAULT 0,
    started    TEXT NOT NULL DEFAULT '',
    finished   TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, work_id)
);
CREATE INDEX tracking_work ON tracking(work_id);

-- How many readers gave each work each score, kept with tracking: a work page reads at most ten
-- rows for its mean and distribution, however many readers scored it.
CREATE TABLE score_counts (
    work_id INTEGER NOT NULL REFERENCES entities(id),
    score   INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (work_id, score)
);

-- Whether a reader's tracked works are shown to others (their lists say so each for itself).
ALTER TABLE users ADD COLUMN tracking_private INTEGER NOT NULL DEFAULT 0;
