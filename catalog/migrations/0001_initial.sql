-- 0001: the catalogue registry and the schemas of the platform, as `catalog/sql/registry.sql`
-- left a database before numbered migrations (commit c52e93a): its `ALTER … IF NOT EXISTS`
-- additions folded into the tables, columns in the order those additions gave them.
-- Schemas may exist already (the migration runner creates `catalog` for its own table).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS review;
CREATE SCHEMA IF NOT EXISTS published;
CREATE SCHEMA IF NOT EXISTS catalog;

CREATE TABLE catalog.datasets (
    slug        text PRIMARY KEY,
    title_en    text,
    title_fr    text,
    spec        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog.ingest_log (
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
CREATE INDEX ingest_log_slug ON catalog.ingest_log (slug, started_at DESC);

-- A review candidate: one anonymized table in `review` awaiting approval.
CREATE TABLE catalog.candidates (
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
    dagster_run_id   text,
    -- reviewers see a small sample of the anonymized candidate on the approval pages; the
    -- candidate table itself stays in `review`, which the API's role cannot read
    preview          jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX candidates_slug ON catalog.candidates (slug, id DESC);

-- Each reviewer's decision on a candidate, in chain order.
CREATE TABLE catalog.approvals (
    id            bigserial PRIMARY KEY,
    candidate_id  bigint NOT NULL REFERENCES catalog.candidates (id),
    role          text NOT NULL,
    reviewer      text NOT NULL,
    decision      text NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment       text,
    decided_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_candidate ON catalog.approvals (candidate_id);

-- Immutable published versions; published.<slug> is a view of the latest.
CREATE TABLE catalog.versions (
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
CREATE TABLE catalog.audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    slug        text,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   text NOT NULL,
    hash        text NOT NULL UNIQUE,
    -- 1: hashed in Python (the first writers); 2: by catalog.append_audit (0002 drops it)
    scheme      smallint NOT NULL DEFAULT 1
);

CREATE FUNCTION catalog.audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'catalog.audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON catalog.audit_log
    FOR EACH ROW EXECUTE FUNCTION catalog.audit_log_is_append_only();

-- Encrypted source credentials (Fernet); never plaintext.
CREATE TABLE catalog.credentials (
    name        text PRIMARY KEY,
    ciphertext  bytea NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog.usage_events (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    slug    text,
    path    text NOT NULL,
    format  text
);

-- The audit hash, computed in SQL so that every writer (pipeline, CLI, approval pages) chains
-- entries the same way; rows written by catalog.append_audit are scheme 2.
CREATE FUNCTION catalog.audit_hash(
    prev text, at timestamptz, actor text, action text, slug text, details jsonb
) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', prev,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        actor, action, coalesce(slug, ''), details::text), 'UTF8')), 'hex')
$$;

-- The one place an audit entry is appended. SECURITY DEFINER so that callers need no
-- rights on the table; EXECUTE only for the owner (revoked from PUBLIC below).
CREATE FUNCTION catalog.append_audit(
    p_actor text, p_action text, p_slug text, p_details jsonb
) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_prev text;
    v_at timestamptz := now();
    v_hash text;
BEGIN
    -- one writer at a time: each entry links to the one before it
    LOCK TABLE catalog.audit_log IN SHARE ROW EXCLUSIVE MODE;
    SELECT hash INTO v_prev FROM catalog.audit_log ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    v_hash := catalog.audit_hash(v_prev, v_at, p_actor, p_action, p_slug,
                                 coalesce(p_details, '{}'::jsonb));
    INSERT INTO catalog.audit_log (at, actor, action, slug, details, prev_hash, hash, scheme)
    VALUES (v_at, p_actor, p_action, p_slug, coalesce(p_details, '{}'::jsonb), v_prev, v_hash, 2);
    RETURN v_hash;
END $$;
REVOKE ALL ON FUNCTION catalog.append_audit(text, text, text, jsonb) FROM PUBLIC;

-- A refusal of the approval rules; the hint lets callers tell it from other errors.
CREATE FUNCTION catalog.refuse_decision(message text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, HINT = 'civic.approval';
END $$;

-- The candidate a decision is about, locked (decisions on one candidate are serialized);
-- refused unless it exists and is still pending.
CREATE FUNCTION catalog.lock_pending_candidate(p_candidate_id bigint)
RETURNS catalog.candidates
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    c catalog.candidates%ROWTYPE;
BEGIN
    SELECT * INTO c FROM catalog.candidates WHERE id = p_candidate_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM catalog.refuse_decision(format('candidate %s does not exist', p_candidate_id));
    END IF;
    IF c.status <> 'pending' THEN
        PERFORM catalog.refuse_decision(format(
            'candidate %s of ''%s'' is %s; only pending candidates take decisions',
            c.id, c.slug, c.status));
    END IF;
    RETURN c;
END $$;
REVOKE ALL ON FUNCTION catalog.lock_pending_candidate(bigint) FROM PUBLIC;

-- The approval chain rule, in one place for the CLI, the pipeline and the approval pages:
-- signatures in chain order, only on a pending candidate whose checks passed and whose
-- flagged changes were acknowledged; a rejection ends the chain. Appends the audit entry.
-- Returns the candidate's status afterwards.
CREATE FUNCTION catalog.record_decision(
    p_candidate_id bigint, p_role text, p_reviewer text, p_decision text, p_comment text,
    p_chain text[]
) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    c catalog.candidates%ROWTYPE;
    v_done text[];
    v_expected text;
    v_status text;
BEGIN
    c := catalog.lock_pending_candidate(p_candidate_id);
    IF p_decision IS NULL OR p_decision NOT IN ('approved', 'rejected') THEN
        PERFORM catalog.refuse_decision(format(
            'decision must be ''approved'' or ''rejected'', not %L', p_decision));
    END IF;
    IF coalesce(trim(p_reviewer), '') = '' THEN
        PERFORM catalog.refuse_decision('a decision needs the name of its reviewer');
    END IF;
    IF p_chain IS NULL OR cardinality(p_chain) = 0 OR NOT (p_role = ANY (p_chain)) THEN
        PERFORM catalog.refuse_decision(format(
            'role %L is not in the approval chain %s', p_role, coalesce(p_chain::text, '{}')));
    END IF;
    SELECT coalesce(array_agg(role), '{}') INTO v_done FROM catalog.approvals
     WHERE candidate_id = c.id AND decision = 'approved';
    SELECT r INTO v_expected FROM unnest(p_chain) WITH ORDINALITY AS t(r, n)
     WHERE NOT (r = ANY (v_done)) ORDER BY n LIMIT 1;
    IF v_expected IS DISTINCT FROM p_role THEN
        PERFORM catalog.refuse_decision(format(
            'the approval chain is signed in order %s; the next signature is %L, not %L',
            array_to_string(p_chain, ' → '), v_expected, p_role));
    END IF;
    IF p_decision = 'approved' AND c.checks_passed IS NOT TRUE THEN
        PERFORM catalog.refuse_decision(format(
            'candidate %s of ''%s'' has not passed its checks', c.id, c.slug));
    END IF;
    IF p_decision = 'approved' AND c.needs_attention AND c.attention_acknowledged_by IS NULL THEN
        PERFORM catalog.refuse_decision(format(
            'candidate %s of ''%s'' needs attention: acknowledge the flagged changes before '
            'approving', c.id, c.slug));
    END IF;

    INSERT INTO catalog.approvals (candidate_id, role, reviewer, decision, comment)
    VALUES (c.id, p_role, p_reviewer, p_decision, p_comment);
    v_status := CASE
        WHEN p_decision = 'rejected' THEN 'rejected'
        WHEN p_chain <@ (v_done || p_role) THEN 'approved'
        ELSE 'pending' END;
    IF v_status <> 'pending' THEN
        UPDATE catalog.candidates SET status = v_status WHERE id = c.id;
    END IF;
    PERFORM catalog.append_audit(p_reviewer, 'approval.' || p_decision, c.slug,
        jsonb_build_object('candidate_id', c.id, 'role', p_role, 'comment', p_comment));
    RETURN v_status;
END $$;
REVOKE ALL ON FUNCTION catalog.record_decision(bigint, text, text, text, text, text[]) FROM PUBLIC;

-- A reviewer saw the changes flagged on a candidate ("needs attention").
CREATE FUNCTION catalog.acknowledge_attention(p_candidate_id bigint, p_reviewer text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    c catalog.candidates%ROWTYPE;
BEGIN
    c := catalog.lock_pending_candidate(p_candidate_id);
    UPDATE catalog.candidates SET attention_acknowledged_by = p_reviewer WHERE id = c.id;
    PERFORM catalog.append_audit(p_reviewer, 'attention.acknowledged', c.slug,
        jsonb_build_object('candidate_id', c.id));
END $$;
REVOKE ALL ON FUNCTION catalog.acknowledge_attention(bigint, text) FROM PUBLIC;

-- One e-mail per candidate, role and kind: an approval request carries a link with a
-- secret token (only its SHA-256 is stored); a rejection notice carries the feedback.
CREATE TABLE catalog.approval_requests (
    id            bigserial PRIMARY KEY,
    candidate_id  bigint NOT NULL REFERENCES catalog.candidates (id),
    role          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('approval', 'rejection')),
    token_hash    text UNIQUE,
    chain         text[] NOT NULL,
    title         text,
    sent_to       text[] NOT NULL DEFAULT '{}',
    mail_status   text NOT NULL CHECK (mail_status IN ('sent', 'not_sent')),
    mail_detail   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (candidate_id, role, kind)
);
