-- What follows an import's commit (同旨 proposals) is resumable: a batch stays marked until
-- its proposals are written, by the import itself, a later import or the server.
ALTER TABLE import_batches ADD COLUMN grouped BOOLEAN NOT NULL DEFAULT TRUE;
