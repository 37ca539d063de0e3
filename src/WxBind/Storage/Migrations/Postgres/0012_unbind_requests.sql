-- 解绑 sent in WeChat asks first: the request waits here until 确认解绑 arrives within a few
-- minutes. One row per WeChat user; every instance sees it, whichever receives the reply.
CREATE TABLE unbind_requests (
    app_id        text NOT NULL,
    open_id       text NOT NULL,
    requested_at  bigint NOT NULL,
    PRIMARY KEY (app_id, open_id)
);
