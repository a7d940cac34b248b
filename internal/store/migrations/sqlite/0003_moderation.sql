-- Roles and moderation: bans, trust, page locks, reviewed changesets with the documents they
-- propose, points, watchlists, and failed sign-ins for rate limiting.
ALTER TABLE users ADD COLUMN banned_at TIMESTAMP;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN accepted_edits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN points INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN feed_token TEXT NOT NULL DEFAULT '';

ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- 1 when only trusted editors may change the entity.
ALTER TABLE entities ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;

ALTER TABLE changesets ADD COLUMN reviewer_id INTEGER REFERENCES users(id);
ALTER TABLE changesets ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE changesets ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE changesets ADD COLUMN points INTEGER NOT NULL DEFAULT 0;
CREATE INDEX changesets_status ON changesets(status, id);
CREATE INDEX changesets_author ON changesets(author_id, created_at);

ALTER TABLE revisions ADD COLUMN points INTEGER NOT NULL DEFAULT 0;

-- What a changeset waiting for review proposes: one document per entity, made from revision
-- base (0 for an entity the changeset creates).
CREATE TABLE proposals (
    changeset_id INTEGER NOT NULL REFERENCES changesets(id),
    entity_id    INTEGER NOT NULL REFERENCES entities(id),
    position     INTEGER NOT NULL,
    base         INTEGER NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (changeset_id, entity_id)
);
CREATE INDEX proposals_entity ON proposals(entity_id);

CREATE TABLE watches (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, entity_id)
);
CREATE INDEX watches_entity ON watches(entity_id);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL,
    address     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures(account_key, at);
CREATE INDEX login_failures_address ON login_failures(address, at);
