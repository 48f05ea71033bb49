-- 0011: published reports (the transparency report): each rendering, its files (HTML and
-- PDF under the published folder, with size and SHA-256), the figures it states and the
-- published dataset versions it was made from.
CREATE TABLE catalog.reports (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    title       text NOT NULL,
    -- what the figures cover, in words ("311 requests of 27-31 December 2017; ...")
    period      text NOT NULL,
    -- format → {path, bytes, sha256, media_type}; paths relative to the published folder
    files       jsonb NOT NULL,
    figures     jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- slug → version of each published dataset read
    inputs      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_name ON catalog.reports (name, id DESC);
