-- Orders placed by website accounts, and the hash of the custom menu last published to WeChat
-- (so start-up publishes again only when the configured menu changed).
CREATE TABLE orders (
    id          integer PRIMARY KEY AUTOINCREMENT,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    items       text NOT NULL,
    amount_fen  bigint NOT NULL,
    status      text NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL
);
CREATE INDEX orders_user ON orders (user_id, id);
CREATE INDEX orders_status ON orders (status, id);

CREATE TABLE wechat_menu_state (
    app_id        text PRIMARY KEY,
    hash          text NOT NULL,
    published_at  bigint NOT NULL
);
