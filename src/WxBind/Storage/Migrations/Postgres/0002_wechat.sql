-- WeChat pushes already handled, so a retry is answered with the stored reply instead of being
-- handled twice. completed_at is null while the first delivery is still being handled.
CREATE TABLE processed_messages (
    dedup_key     text PRIMARY KEY,
    received_at   bigint NOT NULL,
    completed_at  bigint,
    reply_xml     text
);

CREATE INDEX ix_processed_messages_received_at ON processed_messages (received_at);

-- The API access_token, shared by every instance (fetching a new one invalidates the old).
CREATE TABLE wechat_tokens (
    app_id        text PRIMARY KEY,
    access_token  text NOT NULL,
    expires_at    bigint NOT NULL
);
