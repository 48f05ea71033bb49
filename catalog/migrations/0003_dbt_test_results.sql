-- 0003: the dbt test results of each dataset's models, as dbt reported them.
-- The dbt asset records every test of a `dbt build` from the invocation's own
-- run_results.json; the candidate's quality card reads the latest result of each test
-- here, whether `dbt build` ran in the same Dagster run or an earlier one.
CREATE TABLE catalog.dbt_test_results (
    id            bigserial PRIMARY KEY,
    slug          text NOT NULL,
    unique_id     text NOT NULL,              -- dbt's id of the test node
    test_name     text NOT NULL,
    asset         text NOT NULL,              -- the asset it tests, e.g. service_requests/mart
    status        text NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'error', 'skipped')),
    failures      integer,
    message       text,
    run_id        text NOT NULL,              -- the Dagster run that ran dbt
    invocation_id text,                       -- dbt's invocation, as in its artifacts
    evaluated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dbt_test_results_latest ON catalog.dbt_test_results (slug, unique_id, id DESC);
