"""datastore_search_sql's parser policy, without a database: what is refused, and what
runs instead of what was written."""

from __future__ import annotations

import pytest

from api.ckan.errors import NotAuthorized, ValidationError
from api.ckan.sql_guard import checked_select

TABLES = {"3f0c-resource": "sr__v2", "sr": "sr__v2", "sr__v1": "sr__v1"}


def resolve(name: str, schema: str | None) -> str | None:
    return TABLES.get(name) if schema in (None, "published") else None


@pytest.mark.parametrize(("written", "run"), [
    ('SELECT count(*) FROM "3f0c-resource"',
     'SELECT COUNT(*) FROM "published"."sr__v2" AS "3f0c-resource"'),
    ('SELECT "3f0c-resource".x FROM "3f0c-resource"',
     'SELECT "3f0c-resource".x FROM "published"."sr__v2" AS "3f0c-resource"'),
    ("SELECT a.x FROM published.sr__v1 a JOIN SR b USING (x)",
     'SELECT a.x FROM "published"."sr__v1" AS a JOIN "published"."sr__v2" AS b USING (x)'),
    ("WITH s AS (SELECT * FROM sr) SELECT * FROM s",
     'WITH s AS (SELECT * FROM "published"."sr__v2" AS "sr") SELECT * FROM s'),
    ("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b",
     "WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b"),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
     "SELECT * FROM r",
     "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
     "SELECT * FROM r"),
])
def test_published_tables_are_rewritten(written, run):
    assert checked_select(written, resolve) == run


@pytest.mark.parametrize("written", [
    "SELECT * FROM pg_user",
    "SELECT * FROM pg_catalog.pg_class",
    "SELECT * FROM catalog.versions",
    'SELECT * FROM "SR"',  # quoted: case-sensitive, so not the dataset sr
    "SELECT * FROM other_db.published.sr",
    # a non-recursive CTE's body does not see the CTE itself, nor those after it
    "WITH pg_user AS (SELECT * FROM pg_user) SELECT * FROM pg_user",
    "WITH b AS (SELECT * FROM a), a AS (SELECT 1) SELECT * FROM b",
    # a CTE is visible in its own query only
    "SELECT * FROM (WITH pg_user AS (SELECT 1) SELECT * FROM pg_user) x, pg_user",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT set_config('search_path', 'catalog', true)",
    "SELECT nextval('some_sequence')",
    "SELECT query_to_xml('SELECT * FROM catalog.credentials', true, true, '')",
    "SELECT public.lower(x) FROM sr",
    "SELECT catalog.versions.slug FROM sr",
])
def test_anything_but_published_tables_and_computing_functions_is_refused(written):
    with pytest.raises(NotAuthorized):
        checked_select(written, resolve)


@pytest.mark.parametrize("written", [
    "DELETE FROM sr",
    "UPDATE sr SET x = 1",
    "DROP TABLE sr",
    "SELECT * FROM sr; SELECT 1",
    "SELECT * INTO copied FROM sr",
    "SELECT * FROM sr FOR UPDATE",
    "WITH gone AS (DELETE FROM sr RETURNING *) SELECT * FROM gone",
    "COPY sr TO '/tmp/sr.csv'",
    "VALUES (1)",
    "SELEC 1",
    "",
])
def test_only_one_select_statement(written):
    with pytest.raises(ValidationError):
        checked_select(written, resolve)
