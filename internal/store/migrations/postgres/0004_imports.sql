-- Imports: the ids entities carry on other sites (a projection; the edit package keeps an id
-- to one entity, except on sites whose ids name several pages, such as TMDB's), the plain
-- facts of works that lists by season and type need (a projection), and what each imported
-- record gave last time, so that a re-import can tell a source's change from a person's.
CREATE TABLE external_ids (
    site      TEXT NOT NULL,
    value     TEXT NOT NULL,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    PRIMARY KEY (site, value, entity_id)
);
CREATE INDEX external_ids_entity ON external_ids(entity_id);
-- The rule, kept by the database too, so that two concurrent edits cannot both claim an id.
-- Sites whose ids name several pages (wiki.Site.Shared) are left out.
CREATE UNIQUE INDEX external_ids_one_page ON external_ids(site, value) WHERE site <> 'tmdb';

CREATE TABLE works (
    entity_id  BIGINT PRIMARY KEY REFERENCES entities(id),
    medium     TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    episodes   INTEGER NOT NULL,
    original_title TEXT NOT NULL
);
CREATE INDEX works_start ON works(start_date, medium);

CREATE TABLE import_records (
    source       TEXT NOT NULL,
    record       TEXT NOT NULL,
    entity_id    BIGINT NOT NULL REFERENCES entities(id),
    version      TEXT NOT NULL,
    hash         TEXT NOT NULL,
    contribution TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, record)
);
CREATE INDEX import_records_entity ON import_records(entity_id);
