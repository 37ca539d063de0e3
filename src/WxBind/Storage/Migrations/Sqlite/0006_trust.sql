-- Trust of the scanner (QR login): the creating browser's IP address, shown with its browser and
-- time on the phone's confirm and agree pages; and bind-complete's claim on a session waiting for
-- an account, so that one login or registration at a time can complete it (no orphan accounts).
ALTER TABLE qr_sessions ADD COLUMN creator_ip text;
ALTER TABLE qr_sessions ADD COLUMN claim_id text;
ALTER TABLE qr_sessions ADD COLUMN claimed_at bigint;
