-- Offline events (F5): the events, who signed up (seats are counted on the event row so a
-- conditional update can never overbook), every check-in scan with its reason, the rotating door
-- codes, check-ins waiting for their scanner to bind, and the reminder claim per registration.
CREATE TABLE events (
    id               text PRIMARY KEY,
    title            text NOT NULL,
    description      text NOT NULL,
    place            text NOT NULL,
    starts_at        bigint NOT NULL,
    ends_at          bigint NOT NULL,
    signup_deadline  bigint NOT NULL,
    capacity         integer NOT NULL,
    status           text NOT NULL,
    registered       integer NOT NULL DEFAULT 0,
    checked_in       integer NOT NULL DEFAULT 0,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL
);
CREATE INDEX events_starts ON events (status, starts_at);

CREATE TABLE event_registrations (
    event_id        text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status          text NOT NULL,
    via             text NOT NULL,
    registered_at   bigint NOT NULL,
    cancelled_at    bigint,
    checked_in_at   bigint,
    checkin_number  integer,
    reminded_at     bigint,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_registrations_user ON event_registrations (user_id);

CREATE TABLE event_checkins (
    id          integer PRIMARY KEY AUTOINCREMENT,
    event_id    text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id     text,
    openid      text,
    outcome     text NOT NULL,
    via         text NOT NULL,
    at          bigint NOT NULL
);
CREATE INDEX event_checkins_event ON event_checkins (event_id, at);

CREATE TABLE event_door_codes (
    scene_str     text PRIMARY KEY,
    event_id      text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    session_id    text NOT NULL,
    created_at    bigint NOT NULL,
    accept_until  bigint NOT NULL
);
CREATE INDEX event_door_codes_event ON event_door_codes (event_id, created_at);

CREATE TABLE event_pending_checkins (
    event_id    text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    openid      text NOT NULL,
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    PRIMARY KEY (event_id, openid)
);
