"""The query API on published data: parameters → typed query → parameterized SQL.

`params` reads the request's parameters into a `DataQuery`, checking every field and
value against the version's data dictionary (`schema`, `values`); `filters`, `spatial`,
`search`, `sorting` and `aggregate` turn its parts into SQL (psycopg.sql, identifiers
from the dictionary, values always as parameters); `statements` assembles the page,
aggregate and count statements; `execute` runs them (totals exact when cheap, estimated
and said so when not); `cursor` encodes keyset cursors; `output` renders JSON, CSV and
GeoJSON. A mistake in a request raises `QueryError`, answered 400 naming the parameter.
"""
