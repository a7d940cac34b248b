-- Accounts, sessions, entities with append-only revisions, and the link projection.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'editor',
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    head       INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    segment    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX entities_kind_name ON entities(kind, name_key);
CREATE INDEX entities_updated ON entities(kind, updated_at);

CREATE TABLE changesets (
    id         INTEGER PRIMARY KEY,
    author_id  INTEGER NOT NULL REFERENCES users(id),
    summary    TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE revisions (
    entity_id    INTEGER NOT NULL REFERENCES entities(id),
    number       INTEGER NOT NULL,
    parent       INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets(id),
    author_id    INTEGER NOT NULL REFERENCES users(id),
    summary      TEXT NOT NULL,
    status       TEXT NOT NULL,
    document     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (entity_id, number)
);
CREATE INDEX revisions_author ON revisions(author_id);
CREATE INDEX revisions_changeset ON revisions(changeset_id);

CREATE TABLE links (
    source_id INTEGER NOT NULL REFERENCES entities(id),
    target_id INTEGER NOT NULL REFERENCES entities(id),
    rel       TEXT NOT NULL,
    via_id    INTEGER NOT NULL DEFAULT 0,
    role      TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    language  TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX links_source ON links(source_id);
CREATE INDEX links_target ON links(target_id, rel);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX links_via ON links(via_id) WHERE via_id <> 0;
