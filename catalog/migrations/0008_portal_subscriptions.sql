-- 0008: e-mail subscriptions to a dataset's publications, and the notices sent for each
-- publication. An address is kept only to send these notices: unsubscribing deletes the
-- row. `token` is the subscriber's own capability (confirm, unsubscribe): random, unique,
-- sent only to the address it belongs to.
CREATE TABLE catalog.subscriptions (
    id            bigserial PRIMARY KEY,
    slug          text NOT NULL,
    email         text NOT NULL,
    token         text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- the last confirmation mail: a new request for the same address waits before another
    invited_at    timestamptz NOT NULL DEFAULT now(),
    confirmed_at  timestamptz,
    UNIQUE (slug, email)
);
CREATE INDEX subscriptions_confirmed ON catalog.subscriptions (slug) WHERE confirmed_at IS NOT NULL;

-- One row per publication whose change notice went out (the notice job's record; its run
-- key already makes it run once per version).
CREATE TABLE catalog.publication_notices (
    slug        text NOT NULL,
    version     integer NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    recipients  integer NOT NULL,
    PRIMARY KEY (slug, version)
);
