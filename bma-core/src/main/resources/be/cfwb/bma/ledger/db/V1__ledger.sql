-- The PostgreSQL ledger: the same events as the JSON Lines journal, one row each.
CREATE TABLE bma_event (
    seq     BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    type    TEXT NOT NULL,
    mailbox TEXT,
    data    JSONB NOT NULL
);
CREATE INDEX bma_event_mailbox ON bma_event (mailbox, seq);

-- Exactly once, whoever runs it: a mail is handed over once per attempt, and recorded sent once.
CREATE UNIQUE INDEX bma_mail_sending_once ON bma_event (mailbox, (data ->> 'mail'), (data ->> 'attempt'))
    WHERE type = 'mail.sending';
CREATE UNIQUE INDEX bma_mail_sent_once ON bma_event (mailbox, (data ->> 'mail'))
    WHERE type = 'mail.sent';

-- The last event of each kind per mailbox ('' for run-wide ones): a status reads this, not the history.
CREATE TABLE bma_last (
    mailbox TEXT NOT NULL,
    kind    TEXT NOT NULL,
    seq     BIGINT NOT NULL REFERENCES bma_event (seq),
    PRIMARY KEY (mailbox, kind)
);

-- Who works which mailbox in a scope (a day): a runner holds a lease until it expires or is finished.
CREATE TABLE bma_lease (
    scope      TEXT NOT NULL,
    mailbox    TEXT NOT NULL,
    holder     TEXT,
    expires_at TIMESTAMPTZ NOT NULL,
    finished   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scope, mailbox)
);

-- The campaign this ledger records: one row, written when the ledger is created.
CREATE TABLE bma_campaign (
    id         TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);
