-- The catalogue registry and the schemas of the platform. Idempotent: run on every start.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS review;
CREATE SCHEMA IF NOT EXISTS published;
CREATE SCHEMA IF NOT EXISTS catalog;

CREATE TABLE IF NOT EXISTS catalog.datasets (
    slug        text PRIMARY KEY,
    title_en    text,
    title_fr    text,
    spec        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS catalog.ingest_log (
    id            bigserial PRIMARY KEY,
    slug          text NOT NULL,
    source        text NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    record_count  bigint,
    sha256        text,
    byte_size     bigint,
    duration_ms   bigint,
    raw_table     text,
    status        text NOT NULL CHECK (status IN ('loaded', 'unchanged', 'failed')),
    error         text,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS ingest_log_slug ON catalog.ingest_log (slug, started_at DESC);

-- A review candidate: one anonymized table in `review` awaiting approval.
CREATE TABLE IF NOT EXISTS catalog.candidates (
    id               bigserial PRIMARY KEY,
    slug             text NOT NULL,
    table_name       text NOT NULL,
    row_count        bigint NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'published', 'superseded')),
    checks_passed    boolean,
    needs_attention  boolean NOT NULL DEFAULT false,
    attention_acknowledged_by text,
    columns          jsonb NOT NULL DEFAULT '[]'::jsonb,
    anonymization    jsonb NOT NULL DEFAULT '{}'::jsonb,
    dictionary       jsonb NOT NULL DEFAULT '{}'::jsonb,
    quality          jsonb NOT NULL DEFAULT '{}'::jsonb,
    checks           jsonb NOT NULL DEFAULT '{}'::jsonb,
    dcat             jsonb NOT NULL DEFAULT '{}'::jsonb,
    dagster_run_id   text
);
CREATE INDEX IF NOT EXISTS candidates_slug ON catalog.candidates (slug, id DESC);

-- Each reviewer's decision on a candidate, in chain order.
CREATE TABLE IF NOT EXISTS catalog.approvals (
    id            bigserial PRIMARY KEY,
    candidate_id  bigint NOT NULL REFERENCES catalog.candidates (id),
    role          text NOT NULL,
    reviewer      text NOT NULL,
    decision      text NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment       text,
    decided_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS approvals_candidate ON catalog.approvals (candidate_id);

-- Immutable published versions; published.<slug> is a view of the latest.
CREATE TABLE IF NOT EXISTS catalog.versions (
    slug          text NOT NULL,
    version       integer NOT NULL,
    candidate_id  bigint NOT NULL REFERENCES catalog.candidates (id),
    table_name    text NOT NULL,
    row_count     bigint NOT NULL,
    columns       jsonb NOT NULL,
    quality       jsonb NOT NULL DEFAULT '{}'::jsonb,
    dictionary    jsonb NOT NULL DEFAULT '{}'::jsonb,
    dcat          jsonb NOT NULL DEFAULT '{}'::jsonb,
    files         jsonb NOT NULL DEFAULT '{}'::jsonb,
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (slug, version),
    UNIQUE (candidate_id)
);

-- Append-only, hash-chained record of every anonymization step and every decision.
CREATE TABLE IF NOT EXISTS catalog.audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    slug        text,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   text NOT NULL,
    hash        text NOT NULL UNIQUE
);

CREATE OR REPLACE FUNCTION catalog.audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'catalog.audit_log is append-only (% refused)', TG_OP;
END $$;
DROP TRIGGER IF EXISTS audit_log_append_only ON catalog.audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON catalog.audit_log
    FOR EACH ROW EXECUTE FUNCTION catalog.audit_log_is_append_only();

-- Encrypted source credentials (Fernet, key from CIVIC_SECRET_KEY); never plaintext.
CREATE TABLE IF NOT EXISTS catalog.credentials (
    name        text PRIMARY KEY,
    ciphertext  bytea NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS catalog.usage_events (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    slug    text,
    path    text NOT NULL,
    format  text
);
