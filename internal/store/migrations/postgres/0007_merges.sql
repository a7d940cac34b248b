-- Merges: an entity whose current document is a redirect (wiki.MergedInto) names the entity it
-- was merged into (a projection of that document, set with the head), so that lookups by name,
-- lists and watchlists leave it out and its page can redirect; 0 for every other entity.
ALTER TABLE entities ADD COLUMN merged_into BIGINT NOT NULL DEFAULT 0;
