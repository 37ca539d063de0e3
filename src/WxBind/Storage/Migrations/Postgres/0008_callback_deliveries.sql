-- Each signed push query (timestamp, nonce, signature) is accepted with one body only: a later
-- delivery of the same query with the same body is a retry (answered from processed_messages),
-- with another body a forgery (in Plain mode the signature does not cover the body). Kept until
-- the query's timestamp leaves the accepted window, after which the query is refused anyway.
CREATE TABLE callback_deliveries (
    query_key   text PRIMARY KEY,
    body_hash   text NOT NULL,
    dedup_key   text NOT NULL,
    expires_at  bigint NOT NULL
);
CREATE INDEX ix_callback_deliveries_expires_at ON callback_deliveries (expires_at);

-- A handled push is remembered until its timestamp leaves the window too (at least the dedup
-- window after it arrived), so a replay within the window finds it.
ALTER TABLE processed_messages ADD COLUMN expires_at bigint NOT NULL DEFAULT 0;
CREATE INDEX ix_processed_messages_expires_at ON processed_messages (expires_at);
