-- 0012: a version's provenance names every file of its dataset: a dataset's further files
-- (its spec's extracts) are ingested into raw.<slug>__<name> and logged under that name,
-- which 0007's function did not look at.
CREATE OR REPLACE FUNCTION catalog.version_provenance(target_slug text, target_candidate bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'sources', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'name', i.source, 'sha256', i.sha256, 'bytes', i.byte_size,
                       'records', i.record_count, 'ingested_at', i.finished_at,
                       'status', i.status, 'ingest_id', i.id) ORDER BY i.id)
              FROM (SELECT DISTINCT ON (l.source) l.*
                      FROM catalog.ingest_log l
                     WHERE (l.slug = target_slug
                            OR starts_with(l.slug, target_slug || '__'))
                       AND l.status IN ('loaded', 'unchanged')
                       AND l.started_at <= c.created_at
                     ORDER BY l.source, l.id DESC) i), '[]'::jsonb),
        'dbt_models', (
            SELECT jsonb_build_array(d.spec #>> '{dbt,mart}')
              FROM catalog.datasets d
             WHERE d.slug = target_slug AND d.spec #>> '{dbt,mart}' IS NOT NULL),
        'candidate_id', c.id,
        'candidate_created_at', c.created_at,
        'candidate_run_id', c.dagster_run_id,
        'publish_run_id', nullif(current_setting('civic.publish_run_id', true), ''),
        'code_version', nullif(current_setting('civic.code_version', true), ''),
        'checks', coalesce((
            SELECT jsonb_object_agg(name, jsonb_build_object(
                       'passed', check_result -> 'passed',
                       'blocking', check_result -> 'blocking',
                       'summary', check_result -> 'summary'))
              FROM jsonb_each(c.checks) AS x(name, check_result)), '{}'::jsonb),
        'signoffs', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'role', a.role, 'reviewer', a.reviewer, 'decision', a.decision,
                       'decided_at', a.decided_at) ORDER BY a.id)
              FROM catalog.approvals a WHERE a.candidate_id = c.id), '[]'::jsonb)))
      FROM catalog.candidates c
     WHERE c.id = target_candidate;
$$;
