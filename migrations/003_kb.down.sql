DROP TABLE kb_embeddings;
DROP TABLE kb_embedding_models;
DROP TABLE kb_chunks;
DROP TABLE kb_documents;
