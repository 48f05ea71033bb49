-- 0013: one usage table. Downloads were counted twice: in catalog.usage_events (by the
-- download routes, one row per download) and in catalog.usage_log (by the API's usage
-- middleware, in batches). usage_log is kept; the history of usage_events moves into it
-- and the table is dropped.
--
-- The old rows have no visitor (usage_events never recorded one): `visitor` may now be
-- NULL, for these rows only, and they count as no visitor. Their status was not recorded
-- either (NULL). A row is a download when its path is one (a data file or a Data
-- Package), a page view for a dataset page, else an API call (early versions recorded
-- those too); its endpoint is written the way the middleware writes it.
ALTER TABLE catalog.usage_log ALTER COLUMN visitor DROP NOT NULL;

INSERT INTO catalog.usage_log (at, kind, endpoint, slug, format, status, visitor)
SELECT e.at, k.kind,
       CASE k.kind
           WHEN 'download' THEN regexp_replace(e.path, '^.*/', '')
           WHEN 'page' THEN 'dataset page'
           ELSE regexp_replace(regexp_replace(e.path, '^/datasets/[a-z0-9_]+', '/datasets/{slug}'),
                               '/versions/\d+', '/versions/{n}', 'g')
       END,
       e.slug,
       CASE WHEN k.kind = 'download' AND e.path LIKE '%/datapackage.json' THEN 'datapackage'
            ELSE e.format END,
       NULL, NULL
  FROM catalog.usage_events e
 CROSS JOIN LATERAL (SELECT CASE
           WHEN e.path ~ '^/datasets/[a-z0-9_]+/(latest|versions/\d+)/(data\.[a-z]+|datapackage\.json)$'
               THEN 'download'
           WHEN e.path ~ '^/portal/datasets/[a-z0-9_]+$' THEN 'page'
           ELSE 'api' END AS kind) k
 ORDER BY e.id;

DROP TABLE catalog.usage_events;
