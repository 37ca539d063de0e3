CREATE TABLE users (
    id                   text PRIMARY KEY,
    email                text NOT NULL,
    normalized_email     text NOT NULL UNIQUE,
    display_name         text NOT NULL,
    password_hash        text,
    security_stamp       text NOT NULL,
    concurrency_stamp    text NOT NULL,
    lockout_enabled      boolean NOT NULL DEFAULT true,
    lockout_end_at       bigint,
    access_failed_count  integer NOT NULL DEFAULT 0,
    created_at           bigint NOT NULL
);

CREATE TABLE data_protection_keys (
    id            bigserial PRIMARY KEY,
    friendly_name text NOT NULL,
    xml           text NOT NULL
);
