-- New entries of the trigram index wait in a pending list until it fills (4 MB by default) or a
-- vacuum merges them into the index, and every search through the index reads the whole list:
-- after a copy or a reindex about 80 pages of it, a third of the time of the median search. A
-- list of 256 kB keeps that small; bulk writes, which merge it when it fills, take as long
-- (a whole copy took 28 s both ways), where turning the list off doubled them. The list left
-- now is merged at once.
ALTER INDEX search_terms_trgm SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('search_terms_trgm'::regclass);
