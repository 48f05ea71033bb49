-- The API's role: SELECT on published and the public parts of catalog, nothing else.
-- Decisions go through catalog.record_decision (SECURITY DEFINER), which holds the
-- approval chain rule and appends the audit entry; the role has no rights on audit_log.
-- {role} and {database} are filled in by catalog.migrate, after every upgrade.
REVOKE ALL ON SCHEMA raw, staging, marts, review FROM {role};
REVOKE ALL ON ALL TABLES IN SCHEMA raw, staging, marts, review FROM {role};
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA published, catalog TO {role};
GRANT SELECT ON ALL TABLES IN SCHEMA published TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA published GRANT SELECT ON TABLES TO {role};
-- candidates: reports, checks and a 20-row anonymized preview; never the review tables
GRANT SELECT ON catalog.datasets, catalog.versions, catalog.approvals, catalog.candidates,
    catalog.approval_requests TO {role};
-- the portal's search documents (from migration 0005 on; grants are applied after
-- upgrades to earlier targets too). Usage, download counts included, is catalog.usage_log
-- (below); the API has no rights on the former catalog.usage_events (dropped by 0013).
DO $$ BEGIN
    IF to_regclass('catalog.search_documents') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT ON catalog.search_documents TO {role}';
    END IF;
END $$;
-- subscriptions: the API takes, confirms and deletes them (migration 0008 on)
DO $$ BEGIN
    IF to_regclass('catalog.subscriptions') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON catalog.subscriptions TO {role}';
    END IF;
END $$;
-- usage: the API writes its usage log and reads it back for the pages (0009 on); the
-- day's salt only through catalog.usage_salt
DO $$ BEGIN
    IF to_regclass('catalog.usage_log') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT, INSERT ON catalog.usage_log TO {role}';
        EXECUTE 'REVOKE ALL ON catalog.usage_salts FROM {role}';
        EXECUTE 'GRANT EXECUTE ON FUNCTION catalog.usage_salt(date) TO {role}';
    END IF;
END $$;
-- rate limits: every worker counts its clients' attempts in one table (0014 on)
DO $$ BEGIN
    IF to_regclass('catalog.rate_limit_hits') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON catalog.rate_limit_hits TO {role}';
    END IF;
END $$;
-- requests and feedback: taken, upvoted and answered through the API (0010 on)
DO $$ BEGIN
    IF to_regclass('catalog.dataset_requests') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT, INSERT, UPDATE ON catalog.dataset_requests,'
                ' catalog.dataset_feedback TO {role}';
    END IF;
END $$;
REVOKE INSERT ON catalog.approvals FROM {role};
-- The approval functions run with their owner's rights: no one else calls them unless
-- granted below (stated here too because a dump restored without privileges loses it)
REVOKE ALL ON FUNCTION catalog.append_audit(text, text, text, jsonb),
    catalog.lock_pending_candidate(bigint),
    catalog.record_decision(bigint, text, text, text, text, text[]),
    catalog.acknowledge_attention(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.record_decision(bigint, text, text, text, text, text[]),
    catalog.acknowledge_attention(bigint, text) TO {role};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA catalog TO {role};
-- published reports: listed and served by the API (0011 on)
DO $$ BEGIN
    IF to_regclass('catalog.reports') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT ON catalog.reports TO {role}';
    END IF;
END $$;
