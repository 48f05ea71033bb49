-- The API's role: SELECT on published and the public parts of catalog, nothing else.
-- {role} and {database} are filled in by metadata.registry.
REVOKE ALL ON SCHEMA raw, staging, marts, review FROM {role};
REVOKE ALL ON ALL TABLES IN SCHEMA raw, staging, marts, review FROM {role};
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA published, catalog TO {role};
GRANT SELECT ON ALL TABLES IN SCHEMA published TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA published GRANT SELECT ON TABLES TO {role};
GRANT SELECT ON catalog.datasets, catalog.versions, catalog.approvals TO {role};
GRANT INSERT ON catalog.approvals, catalog.usage_events TO {role};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA catalog TO {role};
