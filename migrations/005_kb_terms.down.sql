DROP TABLE kb_terms;
