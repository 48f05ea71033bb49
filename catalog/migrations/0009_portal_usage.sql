-- 0009: usage of the portal and the API, one row per page view, API call or download,
-- written in batches by the API. `visitor` is a hash of the client under the day's salt
-- (catalog.usage_salts): unique visitors can be counted within a day, and once the salt
-- is deleted (the day after) no hash can be traced back to an address. No address is stored.
CREATE TABLE catalog.usage_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('page', 'api', 'download')),
    endpoint  text NOT NULL,
    slug      text,
    format    text,
    status    integer,
    visitor   text NOT NULL
);
CREATE INDEX usage_log_slug_at ON catalog.usage_log (slug, at);
CREATE INDEX usage_log_at ON catalog.usage_log (at);

CREATE TABLE catalog.usage_salts (
    day   date PRIMARY KEY,
    salt  text NOT NULL
);

-- The day's salt, made by whichever API process asks first; older salts are deleted.
CREATE FUNCTION catalog.usage_salt(today date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, catalog AS $$
DECLARE
    found text;
BEGIN
    DELETE FROM catalog.usage_salts WHERE day < today;
    INSERT INTO catalog.usage_salts (day, salt)
    -- gen_random_uuid draws from the server's strong random source (122 bits each)
    VALUES (today, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
    ON CONFLICT (day) DO NOTHING;
    SELECT salt INTO found FROM catalog.usage_salts WHERE day = today;
    RETURN found;
END;
$$;

REVOKE ALL ON FUNCTION catalog.usage_salt(date) FROM PUBLIC;
