-- Search: every title and name of an entity as a key folded by internal/search, one row each
-- (a projection, rebuilt by reindex). The trigram index finds keys that contain a query of three
-- characters or more, and keys that share trigrams with a misspelt one; the B-tree on key finds
-- exact keys and prefixes, for the shorter queries that trigrams cannot.
CREATE TABLE search_terms (
    id        INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    kind      TEXT NOT NULL,
    field     INTEGER NOT NULL,
    key       TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX search_terms_entity ON search_terms(entity_id);
CREATE INDEX search_terms_key ON search_terms(key, kind);

CREATE VIRTUAL TABLE search_trigrams USING fts5(key, content='search_terms', content_rowid='id', tokenize='trigram');
-- How many keys hold each trigram: a misspelt query looks for keys sharing its rarest ones.
CREATE VIRTUAL TABLE search_trigram_counts USING fts5vocab(search_trigrams, 'row');
CREATE TRIGGER search_terms_insert AFTER INSERT ON search_terms BEGIN
    INSERT INTO search_trigrams (rowid, key) VALUES (new.id, new.key);
END;
CREATE TRIGGER search_terms_delete AFTER DELETE ON search_terms BEGIN
    INSERT INTO search_trigrams (search_trigrams, rowid, key) VALUES ('delete', old.id, old.key);
END;
