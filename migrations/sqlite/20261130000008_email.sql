-- Email: a durable outbox written in the same transaction as the event that causes it,
-- public subscriptions without an account (double opt-in), and people's notification
-- settings.

-- One message's content, shared by everyone it goes to. Each recipient's footer (the
-- links to manage or leave a subscription) is added when it is sent.
CREATE TABLE mail_messages (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- People who asked for emails about a topic, without an account. The address is never
-- shown, exported or logged. `token` is the secret in the links of their emails (to
-- confirm, change or leave), like a session id.
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    token        TEXT NOT NULL UNIQUE,
    frequency    TEXT NOT NULL CHECK (frequency IN ('immediately', 'weekly')),
    created_at   TEXT NOT NULL,
    confirmed_at TEXT
);

-- What a subscription is about: `register`, `engagement:{key}`, `recommendation:{ref}`,
-- `reports` or `policies`. A topic waits for its confirmation link to be followed.
CREATE TABLE subscription_topics (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    topic           TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    confirmed_at    TEXT,
    PRIMARY KEY (subscription_id, topic)
);
CREATE INDEX subscription_topics_topic ON subscription_topics (topic, confirmed_at);

-- Every email to send. A row is claimed by one instance at a time (`claimed_until`), sent,
-- and marked; a failure is retried with exponential backoff until a day has passed.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES mail_messages (id),
    recipient       TEXT NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    send_after      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   TEXT,
    last_error      TEXT,
    sent_at         TEXT,
    failed_at       TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, send_after);

-- Messages held for a daily (people with accounts) or weekly (subscribers) summary.
CREATE TABLE digest_items (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    message_id      INTEGER NOT NULL REFERENCES mail_messages (id),
    created_at      TEXT NOT NULL
);

-- How someone with an account wants each kind of notification: off, at once, or in one
-- daily summary. No row: the default for the kind.
CREATE TABLE notification_settings (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    mode    TEXT NOT NULL CHECK (mode IN ('off', 'immediately', 'daily')),
    PRIMARY KEY (user_id, kind)
);

-- Scheduled jobs (daily summaries, the reminder before a review closes) run once a period
-- across every instance: the job's key for the period is inserted, and only one insert
-- wins.
CREATE TABLE mail_jobs (
    job TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL
);

-- Requests that send mail to an address someone typed (subscribing, forgotten password),
-- by a hash of the address and by network address, to throttle them.
CREATE TABLE mail_requests (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX mail_requests_key ON mail_requests (key, at);
