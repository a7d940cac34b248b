-- Attempts: sign-ins and sign-ups are counted in one table, each with its kind, so that both are
-- limited per address (and sign-ins per account) by the same reservation.
ALTER TABLE login_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'sign-in';
CREATE INDEX login_failures_kind_address ON login_failures(kind, address, at);
