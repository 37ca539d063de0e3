-- QR login: the confirm link's token (stored hashed, cleared when used) and the one-time exchange
-- of a completed login session for the browser's login cookie.
ALTER TABLE qr_sessions ADD COLUMN confirm_hash text;
ALTER TABLE qr_sessions ADD COLUMN exchanged_at bigint;
