"""A published dataset of any size in seconds, for benchmarks and tests at scale: the rows
are generated in PostgreSQL (generate_series, hashes for variety) straight into a review
table, then approved as synthetic data and published by the real publication — same
version table, indexes and files as any dataset.

The rows look like 311 requests: a key, times (not in key order, as real data is not),
categoricals of a few to a few dozen values, free text, nullable closure fields and
coordinates in the demo city.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import psycopg
from psycopg import sql

from catalog.approvals import record_decision
from catalog.candidates import create_candidate, record_checks
from civic_assets.publish.publication import PublishedVersion, publish_candidate
from metadata.dictionary import infer_dictionary
from metadata.specs import DatasetSpec

REVIEWER = "synthetic data (no reviewer)"
DICTIONARY_SAMPLE_ROWS = 20_000

_ROWS_SQL = """
CREATE TABLE {table} AS
WITH g AS (
    SELECT n, abs(hashint4(n)) AS h1, abs(hashint4(n + 1000000007)) AS h2,
           abs(hashint4(n + 2000000011)) AS h3
    FROM generate_series(1, %(rows)s) AS n
), base AS (
    SELECT n, h1, h2, h3,
           timestamp '2024-01-01' + ((n::bigint * 7919) %% %(rows)s) * interval '53 seconds'
               AS created_at,
           CASE WHEN h1 %% 100 < 60 THEN 'closed' WHEN h1 %% 100 < 85 THEN 'open'
                ELSE 'in_progress' END AS status,
           (ARRAY['Pothole repair', 'Graffiti removal', 'Noise complaint', 'Streetlight out',
                  'Snow removal', 'Missed garbage pickup', 'Tree trimming', 'Water main break',
                  'Illegal parking', 'Sidewalk repair', 'Bulky item pickup', 'Dead animal',
                  'Park maintenance', 'Traffic signal', 'Abandoned vehicle'])[1 + h2 %% 15]
               AS request_type
    FROM g
)
SELECT 'SR-' || lpad(n::text, 8, '0') AS request_id,
       created_at,
       CASE WHEN status = 'closed' THEN created_at + (1 + h3 %% 400) * interval '17 minutes'
       END AS closed_at,
       status,
       request_type,
       (ARRAY['Roads and Transportation', 'Solid Waste', 'Parks', 'Bylaw Services',
              'Water Services', 'Forestry', 'Traffic Services', 'Public Works'])[1 + h3 %% 8]
           AS department,
       (ARRAY['phone', 'web', 'mobile_app', 'email', 'walk-in'])[1 + h1 %% 5] AS channel,
       request_type || ' reported near ' ||
           (ARRAY['Elm Street', 'Bank Street', 'Rideau Street', 'Baseline Road',
                  'Carling Avenue', 'Main Street', 'Booth Street'])[1 + h2 %% 7]
           || CASE WHEN h3 %% 3 = 0 THEN ', urgent' ELSE '' END AS description,
       (ARRAY['Old Town', 'Sandy Hill', 'Bayview', 'Beauséjour', 'Hillcrest', 'Champlain',
              'Fairview', 'Riverside', 'Westboro', 'Glebe', 'Vanier', 'Overbrook',
              'Lowertown', 'Centretown', 'Hintonburg', 'Alta Vista', 'Manor Park',
              'Rockcliffe', 'Carlington', 'Britannia', 'Bells Corners', 'Orleans', 'Kanata',
              'Barrhaven', 'Nepean'])[1 + h1 %% 25] AS neighbourhood,
       CASE WHEN status = 'closed' THEN round(((1 + h3 %% 400) * 17 / 60.0)::numeric, 2)::float8
       END AS response_time_hours,
       round((45.30 + (h2 %% 160000) / 1000000.0)::numeric, 6)::float8 AS latitude,
       round((-75.80 + (h3 %% 250000) / 1000000.0)::numeric, 6)::float8 AS longitude
FROM base
"""


def create_synthetic_requests(conn: psycopg.Connection, *, schema: str, table: str,
                              rows: int) -> None:
    """`schema.table` with `rows` synthetic service requests (replaced if it exists)."""
    target = sql.Identifier(schema, table)
    with conn.transaction():
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(target))
        conn.execute(sql.SQL(_ROWS_SQL).format(table=target), {"rows": rows})


def _sample(conn: psycopg.Connection, schema: str, table: str) -> pd.DataFrame:
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT * FROM {} LIMIT %s").format(sql.Identifier(schema, table)),
                    (DICTIONARY_SAMPLE_ROWS,))
        names = [column.name for column in cur.description or []]
        frame = pd.DataFrame(cur.fetchall(), columns=names)
    for name in ("created_at", "closed_at"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def publish_synthetic_requests(conn: psycopg.Connection, spec: DatasetSpec, *, rows: int,
                               published_dir: Path | None = None) -> PublishedVersion:
    """A new published version of `spec.slug` holding `rows` synthetic requests. The
    dictionary is inferred from a sample, with the row count of the whole table."""
    table = f"{spec.slug}__synthetic"
    create_synthetic_requests(conn, schema="review", table=table, rows=rows)
    sample = _sample(conn, "review", table)
    dictionary = infer_dictionary(sample, overrides=spec.dictionary,
                                  primary_key=spec.primary_key).to_dict()
    dictionary["row_count"] = rows
    with conn.transaction():
        candidate_id = create_candidate(
            conn, slug=spec.slug, table_name=table, row_count=rows,
            columns=[{"name": c["name"], "type": c["type"]} for c in dictionary["columns"]],
            dictionary=dictionary)
        record_checks(conn, candidate_id=candidate_id, passed=True, checks={})
        for role in spec.approval.chain:
            record_decision(conn, candidate_id=candidate_id, role=role, reviewer=REVIEWER,
                            decision="approved", chain=spec.approval.chain)
    return publish_candidate(conn, spec, candidate_id, published_dir=published_dir)
