-- 0007: each published version keeps its provenance, collected in the publishing
-- transaction when its catalog.versions row is written (whoever writes it): the source
-- files that built it (name, SHA-256, bytes, records, time of ingest, from
-- catalog.ingest_log: for each source, its newest successful ingest before the
-- candidate was made), the dbt mart named by the dataset's spec, the candidate and the
-- Dagster run that built it, its checks and the reviewers' sign-offs. The publishing
-- process may add what only it knows (code version, its own Dagster run) through the
-- transaction-local settings civic.code_version and civic.publish_run_id, or by writing
-- the column itself: what it writes wins over what is collected here.
ALTER TABLE catalog.versions ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE FUNCTION catalog.version_provenance(target_slug text, target_candidate bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'sources', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'name', i.source, 'sha256', i.sha256, 'bytes', i.byte_size,
                       'records', i.record_count, 'ingested_at', i.finished_at,
                       'status', i.status, 'ingest_id', i.id) ORDER BY i.id)
              FROM (SELECT DISTINCT ON (l.source) l.*
                      FROM catalog.ingest_log l
                     WHERE l.slug = target_slug
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

CREATE FUNCTION catalog.collect_version_provenance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.provenance := coalesce(catalog.version_provenance(NEW.slug, NEW.candidate_id),
                               '{}'::jsonb) || NEW.provenance;
    RETURN NEW;
END;
$$;

CREATE TRIGGER versions_provenance BEFORE INSERT ON catalog.versions
    FOR EACH ROW EXECUTE FUNCTION catalog.collect_version_provenance();

-- A dataset's first publication writes its spec to catalog.datasets after the version
-- row: its dbt models are added to that version's provenance then, in the same transaction.
CREATE FUNCTION catalog.complete_version_provenance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.spec #>> '{dbt,mart}' IS NOT NULL THEN
        UPDATE catalog.versions
           SET provenance = provenance || jsonb_build_object(
                   'dbt_models', jsonb_build_array(NEW.spec #>> '{dbt,mart}'))
         WHERE slug = NEW.slug
           AND provenance ? 'candidate_id' AND NOT provenance ? 'dbt_models';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER datasets_version_provenance AFTER INSERT OR UPDATE OF spec ON catalog.datasets
    FOR EACH ROW EXECUTE FUNCTION catalog.complete_version_provenance();
