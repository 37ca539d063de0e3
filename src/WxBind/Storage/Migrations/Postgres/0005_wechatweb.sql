-- Secrets the server makes for itself on first start (e.g. the signed-link key), shared by every
-- instance: the first insert wins and the others read it back.
CREATE TABLE server_secrets (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    created_at  bigint NOT NULL
);

-- Nonces of signed in-WeChat login links that were used, kept until the link would have expired.
CREATE TABLE link_nonces (
    nonce       text PRIMARY KEY,
    expires_at  bigint NOT NULL
);
CREATE INDEX link_nonces_expiry ON link_nonces (expires_at);
