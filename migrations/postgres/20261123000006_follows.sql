-- PostgreSQL edition of migrations/sqlite/20261123000006_follows.sql.
-- Recommendations a signed-in person follows, and when they last looked at them, so their
-- account page can say which have changed since.
CREATE TABLE follows (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reference TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, reference)
);
