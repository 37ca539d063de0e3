CREATE TABLE wechat_bindings (
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id      text NOT NULL,
    openid      text NOT NULL,
    unionid     text,
    subscribed  boolean NOT NULL DEFAULT true,
    bound_at    bigint NOT NULL,
    UNIQUE (app_id, openid),
    UNIQUE (user_id, app_id)
);

CREATE TABLE binding_ledger (
    id        bigserial PRIMARY KEY,
    action    text NOT NULL,
    user_id   text,
    app_id    text NOT NULL,
    openid    text NOT NULL,
    detail    text,
    at        bigint NOT NULL
);
CREATE INDEX binding_ledger_user ON binding_ledger (user_id, at);

CREATE TABLE qr_sessions (
    id            text PRIMARY KEY,
    purpose       text NOT NULL,
    status        text NOT NULL,
    scene_str     text NOT NULL UNIQUE,
    browser_hash  text NOT NULL,
    user_id       text,
    openid        text,
    ticket        text,
    qr_url        text,
    user_agent    text,
    message       text,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    expires_at    bigint NOT NULL
);
CREATE INDEX qr_sessions_expiry ON qr_sessions (status, expires_at);
