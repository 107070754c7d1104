-- How many passages each lexeme occurs in, refreshed by every import that
-- changes the knowledge base: full-text search builds its query from the
-- question's rarest terms, so a common word never makes it rank half the
-- knowledge base.
CREATE TABLE kb_terms (
    lexeme text PRIMARY KEY,
    ndoc   integer NOT NULL
);

INSERT INTO kb_terms (lexeme, ndoc)
SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_chunks');
