-- Forms that create something carry a one-time key (`idempotency_key`). The first
-- submission with a key records where it led; a repeat (a double click, or a retry after the
-- reply was lost) is answered with the same place and creates nothing. Kept for a day.
CREATE TABLE form_submissions (
    key        TEXT PRIMARY KEY,
    actor_id   INTEGER NOT NULL,
    location   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);
