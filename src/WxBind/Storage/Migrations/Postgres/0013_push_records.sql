-- Handled pushes are found by their key and swept by expires_at; nothing looks them up by arrival
-- time, and every push wrote an entry into this index.
DROP INDEX IF EXISTS ix_processed_messages_received_at;
