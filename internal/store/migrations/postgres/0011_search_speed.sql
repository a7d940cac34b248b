-- New entries of the trigram index wait in a pending list until it fills (4 MB by default) or a
-- vacuum merges them into the index, and every search through the index reads the whole list:
-- after a copy or a reindex about 80 pages of it, a third of the time of the median search. A
-- list of 256 kB keeps that small; bulk writes, which merge it when it fills, take as long
-- (a whole copy took 28 s both ways), where turning the list off doubled them. The list left
-- now is merged at once.
ALTER INDEX search_terms_trgm SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('search_terms_trgm'::regclass);

-- The facts of a search's results look for each one's episode_of link. With no such links in the
-- statistics, PostgreSQL expects one in all and, past about 40 results, reads the whole of
-- links_target to find it once rather than look it up per result: 3.6 ms of the 5.1 ms that
-- the facts of 60 results took. An index of those links alone is read in no time either way
-- (1.8 ms in all).
CREATE INDEX links_episode_of ON links(source_id) WHERE rel = 'episode_of';
