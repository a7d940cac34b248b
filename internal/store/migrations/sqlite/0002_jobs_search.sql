-- Background jobs. (Name search on SQLite scans name_key; the full-text index comes with search.)
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'queued',
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_after   TIMESTAMP NOT NULL,
    claimed_by  TEXT NOT NULL DEFAULT '',
    claimed_at  TIMESTAMP,
    finished_at TIMESTAMP,
    error       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX jobs_ready ON jobs(state, run_after, id);
