-- The portal's full-text search: one document per dataset over its titles, descriptions
-- and keywords in English and French and the column names of its latest version. Kept up
-- to date by triggers, so a publication (a new catalog.versions row) or a changed spec
-- refreshes it in the same transaction, whoever writes it.
CREATE TABLE catalog.search_documents (
    slug          text PRIMARY KEY REFERENCES catalog.datasets (slug) ON DELETE CASCADE,
    document      tsvector NOT NULL,
    refreshed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_documents_document ON catalog.search_documents USING gin (document);

CREATE FUNCTION catalog.refresh_search_document(target text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO catalog.search_documents (slug, document, refreshed_at)
    SELECT d.slug,
           setweight(to_tsvector('english', coalesce(d.title_en, '')), 'A')
        || setweight(to_tsvector('french', coalesce(d.title_fr, '')), 'A')
        || setweight(to_tsvector('english', coalesce(
               (SELECT string_agg(k, ' ') FROM jsonb_array_elements_text(
                   coalesce(d.spec #> '{metadata,keywords,en}', '[]'::jsonb)) k), '')), 'A')
        || setweight(to_tsvector('french', coalesce(
               (SELECT string_agg(k, ' ') FROM jsonb_array_elements_text(
                   coalesce(d.spec #> '{metadata,keywords,fr}', '[]'::jsonb)) k), '')), 'A')
        || setweight(to_tsvector('english',
               coalesce(d.spec #>> '{metadata,description,en}', '')), 'B')
        || setweight(to_tsvector('french',
               coalesce(d.spec #>> '{metadata,description,fr}', '')), 'B')
        -- column names as words too: "response_time_hours" is found by "response time"
        || setweight(to_tsvector('simple', coalesce(
               (SELECT string_agg(c ->> 'name' || ' ' || replace(c ->> 'name', '_', ' '), ' ')
                  FROM catalog.versions v, jsonb_array_elements(v.columns) c
                 WHERE v.slug = d.slug
                   AND v.version = (SELECT max(version) FROM catalog.versions
                                     WHERE slug = d.slug)), '')), 'C'),
           now()
      FROM catalog.datasets d
     WHERE d.slug = target
    ON CONFLICT (slug) DO UPDATE
        SET document = excluded.document, refreshed_at = excluded.refreshed_at;
$$;

CREATE FUNCTION catalog.search_document_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM catalog.refresh_search_document(NEW.slug);
    RETURN NULL;
END;
$$;

CREATE TRIGGER versions_search_document AFTER INSERT ON catalog.versions
    FOR EACH ROW EXECUTE FUNCTION catalog.search_document_trigger();
CREATE TRIGGER datasets_search_document AFTER INSERT OR UPDATE OF title_en, title_fr, spec
    ON catalog.datasets
    FOR EACH ROW EXECUTE FUNCTION catalog.search_document_trigger();

SELECT catalog.refresh_search_document(slug) FROM catalog.datasets;
