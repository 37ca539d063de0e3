-- The administrator's console: the admin role (kept with the account), the audit of
-- administrators' actions, the record of every customer-service and template send, and the
-- indexes the dashboard's counts over time need.
ALTER TABLE users ADD COLUMN is_admin integer NOT NULL DEFAULT 0;

CREATE TABLE admin_audit (
    id        integer PRIMARY KEY AUTOINCREMENT,
    actor_id  text,
    actor     text NOT NULL,
    action    text NOT NULL,
    subject   text,
    detail    text,
    at        bigint NOT NULL
);
CREATE INDEX admin_audit_at ON admin_audit (at);

CREATE TABLE wechat_deliveries (
    id           integer PRIMARY KEY AUTOINCREMENT,
    kind         text NOT NULL,
    openid       text NOT NULL,
    user_id      text,
    purpose      text,
    template_id  text,
    errcode      integer NOT NULL,
    errmsg       text,
    outcome      text NOT NULL,
    at           bigint NOT NULL
);
CREATE INDEX wechat_deliveries_outcome ON wechat_deliveries (outcome, at);

CREATE INDEX binding_ledger_action_at ON binding_ledger (action, at);
CREATE INDEX binding_ledger_at ON binding_ledger (at);
-- Covering indexes: the dashboard's counts read no table rows.
CREATE INDEX wechat_bindings_subscribed ON wechat_bindings (app_id, subscribed);
CREATE INDEX qr_sessions_funnel ON qr_sessions (created_at, purpose, status, expires_at, openid);
