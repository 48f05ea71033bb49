-- 0002: one audit hashing scheme. The first writers hashed audit entries in Python
-- (scheme 1); catalog.append_audit hashes in SQL (scheme 2). This migration checks the
-- whole chain as it stands, re-chains every entry with catalog.audit_hash, records the
-- rewrite itself as an `audit.rechain` entry (old head hash, entries rehashed) and drops
-- the `scheme` column. An already broken chain stops the migration: nothing is changed.

-- no entry may be appended while the chain is rewritten
LOCK TABLE catalog.audit_log IN ACCESS EXCLUSIVE MODE;

-- The scheme-1 hash, once, in SQL: sha256 of
--   "|".join([prev, at.astimezone(UTC).isoformat(), actor, action, slug or "",
--             json.dumps(details, sort_keys=True, default=str, separators=(",", ":"))])
-- where `details` is the jsonb as psycopg loads it (json.loads). The legacy_* functions
-- reproduce Python's output byte for byte and are dropped at the end.

-- json.dumps of a str (ensure_ascii): to_json escapes quotes, backslashes and control
-- characters as Python does; DEL and every non-ASCII character become \uXXXX (lower-case
-- hex, a surrogate pair above U+FFFF).
CREATE FUNCTION catalog.legacy_json_string(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
DECLARE
    v_escaped text := to_json(s)::text;
    v_out text := '';
    v_char text;
    v_code integer;
BEGIN
    IF v_escaped !~ '[^ -~]' THEN
        RETURN v_escaped;
    END IF;
    FOREACH v_char IN ARRAY regexp_split_to_array(v_escaped, '') LOOP
        v_code := ascii(v_char);
        IF v_code BETWEEN 32 AND 126 THEN
            v_out := v_out || v_char;
        ELSIF v_code > 65535 THEN
            v_code := v_code - 65536;
            v_out := v_out || E'\\u' || lpad(to_hex(55296 + (v_code >> 10)), 4, '0')
                           || E'\\u' || lpad(to_hex(56320 + (v_code & 1023)), 4, '0');
        ELSE
            v_out := v_out || E'\\u' || lpad(to_hex(v_code), 4, '0');
        END IF;
    END LOOP;
    RETURN v_out;
END $$;

-- repr(float(text)) of a jsonb number written with a fraction or an exponent. PostgreSQL
-- prints the same shortest round-trip digits as Python; only the layout differs: Python
-- writes an exponent when the decimal point is 4+ places left or 16+ places right of the
-- first digit, and keeps ".0" on whole numbers.
CREATE FUNCTION catalog.legacy_json_float(n text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog SET extra_float_digits = 1 AS $$
DECLARE
    v_text text;
    v_sign text := '';
    v_mantissa text;
    v_exponent integer := 0;
    v_digits text;
    v_point integer;
    v_decpt integer;
    v_stripped text;
BEGIN
    BEGIN
        v_text := n::float8::text;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        -- json.loads gives inf on overflow and 0.0 on underflow
        IF abs(n::numeric) >= 1 THEN
            RETURN CASE WHEN n::numeric < 0 THEN '-Infinity' ELSE 'Infinity' END;
        END IF;
        RETURN CASE WHEN n::numeric < 0 THEN '-0.0' ELSE '0.0' END;
    END;
    IF left(v_text, 1) = '-' THEN
        v_sign := '-';
        v_text := substr(v_text, 2);
    END IF;
    v_mantissa := split_part(v_text, 'e', 1);
    IF position('e' IN v_text) > 0 THEN
        v_exponent := split_part(v_text, 'e', 2)::integer;
    END IF;
    v_point := position('.' IN v_mantissa);
    v_digits := replace(v_mantissa, '.', '');
    -- value = 0.<digits> × 10^decpt, as Python's float formatting counts it
    v_decpt := CASE WHEN v_point > 0 THEN v_point - 1 ELSE length(v_mantissa) END + v_exponent;
    v_stripped := ltrim(v_digits, '0');
    IF v_stripped = '' THEN
        RETURN v_sign || '0.0';
    END IF;
    v_decpt := v_decpt - (length(v_digits) - length(v_stripped));
    v_digits := rtrim(v_stripped, '0');
    IF v_decpt <= -4 OR v_decpt > 16 THEN
        RETURN v_sign || left(v_digits, 1)
            || CASE WHEN length(v_digits) > 1 THEN '.' || substr(v_digits, 2) ELSE '' END
            || 'e' || CASE WHEN v_decpt - 1 < 0 THEN '-' ELSE '+' END
            || CASE WHEN abs(v_decpt - 1) < 10 THEN '0' ELSE '' END || abs(v_decpt - 1);
    ELSIF v_decpt <= 0 THEN
        RETURN v_sign || '0.' || repeat('0', -v_decpt) || v_digits;
    ELSIF v_decpt >= length(v_digits) THEN
        RETURN v_sign || v_digits || repeat('0', v_decpt - length(v_digits)) || '.0';
    END IF;
    RETURN v_sign || left(v_digits, v_decpt) || '.' || substr(v_digits, v_decpt + 1);
END $$;

-- json.dumps(json.loads(details), sort_keys=True, separators=(",", ":")): keys in code
-- point order (byte order of UTF-8, the C collation), no spaces; a number without fraction
-- or exponent is a Python int and prints as jsonb stores it.
CREATE FUNCTION catalog.legacy_canonical_json(v jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
BEGIN
    CASE jsonb_typeof(v)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(catalog.legacy_json_string(e.key) || ':'
                              || catalog.legacy_canonical_json(e.value),
                              ',' ORDER BY e.key COLLATE "C")
              FROM jsonb_each(v) AS e), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(catalog.legacy_canonical_json(e.value), ',' ORDER BY e.n)
              FROM jsonb_array_elements(v) WITH ORDINALITY AS e(value, n)), '') || ']';
    WHEN 'string' THEN
        RETURN catalog.legacy_json_string(v #>> '{}');
    WHEN 'number' THEN
        IF v::text ~ '[.eE]' THEN
            RETURN catalog.legacy_json_float(v::text);
        END IF;
        RETURN v::text;
    WHEN 'boolean' THEN
        RETURN v::text;
    ELSE
        RETURN 'null';
    END CASE;
END $$;

-- datetime.isoformat() in UTC: microseconds only when there are some
CREATE FUNCTION catalog.legacy_isoformat(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN to_char(at AT TIME ZONE 'UTC', 'US') = '000000' THEN ''
                ELSE '.' || to_char(at AT TIME ZONE 'UTC', 'US') END
        || '+00:00'
$$;

CREATE FUNCTION catalog.legacy_audit_hash(
    prev text, at timestamptz, actor text, action text, slug text, details jsonb
) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', prev, catalog.legacy_isoformat(at),
        actor, action, coalesce(slug, ''), catalog.legacy_canonical_json(details)), 'UTF8')),
        'hex')
$$;

CREATE TEMPORARY TABLE pg_temp.audit_rechain (
    previous_head_hash text,
    legacy_entries integer NOT NULL,
    rehashed_entries integer NOT NULL
) ON COMMIT DROP;

DO $$
DECLARE
    r record;
    v_prev text := repeat('0', 64);
    v_expected text;
    v_legacy integer := 0;
    v_rehashed integer := 0;
BEGIN
    -- 1. the chain as it stands, each entry by the scheme that wrote it
    FOR r IN SELECT * FROM catalog.audit_log ORDER BY id LOOP
        v_expected := CASE WHEN r.scheme = 1
            THEN catalog.legacy_audit_hash(v_prev, r.at, r.actor, r.action, r.slug, r.details)
            ELSE catalog.audit_hash(v_prev, r.at, r.actor, r.action, r.slug, r.details) END;
        IF r.prev_hash <> v_prev OR r.hash <> v_expected THEN
            RAISE EXCEPTION USING
                MESSAGE = format('the audit log is already broken at entry %s (%s, %s): its '
                    'hash does not match its contents or the entry before it', r.id, r.action,
                    r.at),
                DETAIL = 'Migration 0002 re-chains only an intact audit log; nothing was changed.',
                HINT = 'Restore catalog.audit_log from a backup taken before the break, '
                       'then run `civic db upgrade` again.';
        END IF;
        IF r.scheme = 1 THEN
            v_legacy := v_legacy + 1;
        END IF;
        v_prev := r.hash;
    END LOOP;
    INSERT INTO pg_temp.audit_rechain VALUES (
        (SELECT hash FROM catalog.audit_log ORDER BY id DESC LIMIT 1), v_legacy, 0);
    IF v_legacy = 0 THEN
        RETURN;
    END IF;

    -- 2. every entry hashed by catalog.audit_hash; the append-only guard is off only
    -- inside this transaction, which holds the table exclusively
    ALTER TABLE catalog.audit_log DISABLE TRIGGER audit_log_append_only;
    v_prev := repeat('0', 64);
    FOR r IN SELECT * FROM catalog.audit_log ORDER BY id LOOP
        v_expected := catalog.audit_hash(v_prev, r.at, r.actor, r.action, r.slug, r.details);
        IF r.prev_hash <> v_prev OR r.hash <> v_expected THEN
            UPDATE catalog.audit_log SET prev_hash = v_prev, hash = v_expected WHERE id = r.id;
            v_rehashed := v_rehashed + 1;
        END IF;
        v_prev := v_expected;
    END LOOP;
    ALTER TABLE catalog.audit_log ENABLE TRIGGER audit_log_append_only;
    UPDATE pg_temp.audit_rechain SET rehashed_entries = v_rehashed;

    -- 3. the new chain holds under the one scheme
    v_prev := repeat('0', 64);
    FOR r IN SELECT * FROM catalog.audit_log ORDER BY id LOOP
        IF r.prev_hash <> v_prev
           OR r.hash <> catalog.audit_hash(r.prev_hash, r.at, r.actor, r.action, r.slug,
                                           r.details) THEN
            RAISE EXCEPTION 're-chaining the audit log failed at entry %', r.id;
        END IF;
        v_prev := r.hash;
    END LOOP;
END $$;

ALTER TABLE catalog.audit_log DROP COLUMN scheme;

CREATE OR REPLACE FUNCTION catalog.append_audit(
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
    INSERT INTO catalog.audit_log (at, actor, action, slug, details, prev_hash, hash)
    VALUES (v_at, p_actor, p_action, p_slug, coalesce(p_details, '{}'::jsonb), v_prev, v_hash);
    RETURN v_hash;
END $$;

-- the rewrite is on the record, chained like every other entry
SELECT catalog.append_audit('schema migration', 'audit.rechain', NULL, jsonb_build_object(
        'migration', '0002_single_audit_hash',
        'previous_head_hash', previous_head_hash,
        'legacy_entries', legacy_entries,
        'rehashed_entries', rehashed_entries))
  FROM pg_temp.audit_rechain WHERE rehashed_entries > 0;

DROP FUNCTION catalog.legacy_audit_hash(text, timestamptz, text, text, text, jsonb);
DROP FUNCTION catalog.legacy_isoformat(timestamptz);
DROP FUNCTION catalog.legacy_canonical_json(jsonb);
DROP FUNCTION catalog.legacy_json_float(text);
DROP FUNCTION catalog.legacy_json_string(text);
