-- Search: every title and name of an entity as a key folded by internal/search, one row each
-- (a projection, rebuilt by reindex). The trigram index finds keys that contain a query of three
-- characters or more, and keys that share trigrams with a misspelt one; the B-tree on key finds
-- exact keys and prefixes, for the shorter queries that trigrams cannot. The store writes the
-- trigram index itself when a transaction commits (FTS5 writes its pending changes to disk at
-- every savepoint, and an import makes one per record). AUTOINCREMENT: an id is never used
-- twice, as the trigram index knows terms by id.
CREATE TABLE search_terms (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    kind      TEXT NOT NULL,
    field     INTEGER NOT NULL,
    key       TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX search_terms_entity ON search_terms(entity_id);
CREATE INDEX search_terms_key ON search_terms(key, kind);

-- Queries ask for single trigrams and check each key found, so the index keeps no positions
-- (detail) and no lengths (columnsize): it is smaller and cheaper to write.
CREATE VIRTUAL TABLE search_trigrams USING fts5(key, content='search_terms', content_rowid='id', tokenize='trigram',
    detail='none', columnsize=0);
-- How many keys hold each trigram: a misspelt query looks for keys sharing its rarest ones.
CREATE VIRTUAL TABLE search_trigram_counts USING fts5vocab(search_trigrams, 'row');
