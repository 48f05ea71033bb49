"""What `datastore_search_sql` may run: one SELECT over published tables, with functions
from a list of ones that only compute (no file, network, session or sequence access).

The statement is parsed with sqlglot (PostgreSQL dialect), checked, its table names
replaced by the published tables they name, and generated again: what runs is what was
checked. A table is a DataStore resource id (`"<uuid>"`, as CKAN clients write it), a
dataset's name (its latest version) or a version table (`<slug>__v<N>`), optionally
in schema `published`; any other schema, and any table or view that is not one of
those (a system table, a table of the catalogue…), is refused. Common table
expressions are resolved with PostgreSQL's scoping (a WITH name is visible in its query
and in the CTEs after it), so a CTE cannot lend its name to a system table elsewhere.

This is the policy; the API's role (read-only, `published` only) and the READ ONLY
transaction with a statement timeout it runs in are the guarantees.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from api.ckan.errors import NotAuthorized, ValidationError

# functions that compute on their arguments and nothing else, by kind
_ALLOWED = {
    "aggregate": "count sum avg min max stddev stddev_pop stddev_samp variance var_pop "
                 "var_samp string_agg array_agg bool_and bool_or every percentile_cont "
                 "percentile_disc mode corr covar_pop covar_samp json_agg jsonb_agg "
                 "json_object_agg jsonb_object_agg",
    "window": "row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value "
              "last_value nth_value",
    "math": "abs ceil ceiling floor round trunc sign sqrt cbrt power pow exp ln log log10 mod "
            "div pi degrees radians sin cos tan asin acos atan atan2 width_bucket greatest "
            "least random",
    "text": "lower upper initcap length char_length character_length octet_length substring "
            "substr trim btrim ltrim rtrim left right lpad rpad concat concat_ws replace "
            "split_part strpos position reverse repeat starts_with regexp_replace "
            "regexp_match regexp_matches regexp_split_to_array regexp_like translate format "
            "to_char to_number md5 quote_literal",
    "time": "date_trunc date_part extract to_date to_timestamp make_date make_time "
            "make_timestamp make_timestamptz make_interval age now date_bin justify_days "
            "justify_hours isfinite timezone",
    "conditional": "coalesce nullif cast",
    "json": "json_build_object jsonb_build_object json_build_array jsonb_build_array to_json "
            "to_jsonb row_to_json json_extract_path_text jsonb_extract_path_text "
            "json_array_length jsonb_array_length",
    "search": "to_tsvector to_tsquery plainto_tsquery websearch_to_tsquery phraseto_tsquery "
              "ts_rank ts_rank_cd ts_headline",
    "array": "array_length cardinality unnest array_to_string string_to_array array_position",
    "geometry": "point box circle polygon area center radius",
    "series": "generate_series",
}
ALLOWED_FUNCTIONS = frozenset(name for names in _ALLOWED.values() for name in names.split())
# nodes that write, lock or run something other than a query
_FORBIDDEN = (exp.Into, exp.Lock, exp.Insert, exp.Update, exp.Delete, exp.Merge,
              exp.Create, exp.Drop, exp.Command, exp.Copy, exp.Set)
_CALL = re.compile(r'^\s*"?([A-Za-z_][\w$]*)"?\s*\(')

# (name, schema or None) → the published table it names, or None
Resolver = Callable[[str, str | None], str | None]


def _name(identifier: exp.Expr | None) -> str:
    """An identifier as PostgreSQL folds it: lower case unless quoted."""
    if not isinstance(identifier, exp.Identifier):
        return identifier.name if identifier is not None else ""
    return identifier.this if identifier.quoted else identifier.this.lower()


def _cte_names(ctes: list[exp.CTE]) -> set[str]:
    return {_name(cte.args["alias"].this) for cte in ctes}


def _is_cte_reference(table: exp.Table) -> bool:
    name = _name(table.this)
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With) and isinstance(child, exp.CTE):
            # inside a CTE's body: the CTEs before it, or all of them when RECURSIVE
            ctes = list(node.expressions)
            visible = ctes if node.args.get("recursive") else ctes[:ctes.index(child)]
            if name in _cte_names(visible):
                return True
        elif isinstance(node, exp.Query) and isinstance(with_ := node.args.get("with_"), exp.With) \
                and child is not with_ and name in _cte_names(list(with_.expressions)):
            return True
        child, node = node, node.parent
    return False


def _check_functions(tree: exp.Expr) -> None:
    for function in tree.find_all(exp.Func):
        generated = function.sql(dialect="postgres")
        call = _CALL.match(generated)
        if call is None:
            continue  # SQL syntax (CASE, AND, CURRENT_DATE…), not a function call
        name = call.group(1).lower()
        if isinstance(function.parent, exp.Dot):
            raise NotAuthorized(f"functions are called by their name alone, not "
                                f"{function.parent.sql(dialect='postgres')}")
        if name not in ALLOWED_FUNCTIONS:
            raise NotAuthorized(f"function {name}() is not allowed in datastore_search_sql")


def _check_columns(tree: exp.Expr) -> None:
    for column in tree.find_all(exp.Column):
        if column.args.get("db") is not None or column.args.get("catalog") is not None:
            raise NotAuthorized(f"column {column.sql(dialect='postgres')} names a schema; "
                                "qualify columns by their table or its alias only")


def _rewrite_tables(tree: exp.Expr, resolve: Resolver) -> None:
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            continue  # a function in FROM: checked with the functions
        if table.args.get("catalog") is not None:
            raise NotAuthorized(f"table {table.sql(dialect='postgres')} is in another database")
        schema = _name(table.args.get("db")) or None
        name = _name(table.this)
        if schema is None and _is_cte_reference(table):
            continue
        published = resolve(name, schema)
        if published is None:
            where = f"{schema}.{name}" if schema else name
            raise NotAuthorized(
                f'table "{where}" is not a published table; use a DataStore resource id, '
                "a dataset name or a version table (<dataset>__v<N>)")
        alias = table.args.get("alias")
        table.set("this", exp.to_identifier(published, quoted=True))
        table.set("db", exp.to_identifier("published", quoted=True))
        if alias is None:
            # columns qualified by the name written (`"<resource id>".x`) still resolve
            table.set("alias", exp.TableAlias(this=exp.to_identifier(name, quoted=True)))


def checked_select(text: str, resolve: Resolver) -> str:
    """The SQL to run for `text`, or a ValidationError (not a single SELECT) or
    NotAuthorized (a table, schema or function that is not allowed)."""
    try:
        statements = [s for s in sqlglot.parse(text, read="postgres") if s is not None]
    except ParseError as exc:
        first = (exc.errors or [{}])[0].get("description") or str(exc)
        raise ValidationError("sql", f"the SQL cannot be read: {first}") from None
    if len(statements) != 1:
        raise ValidationError("sql", "give exactly one SELECT statement")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise ValidationError("sql", "only SELECT statements are allowed")
    forbidden = next(tree.find_all(*_FORBIDDEN), None)
    if forbidden is not None:
        raise ValidationError("sql", "only SELECT statements are allowed (no SELECT INTO, "
                              "FOR UPDATE or data-modifying WITH)")
    _check_functions(tree)
    _check_columns(tree)
    _rewrite_tables(tree, resolve)
    return tree.sql(dialect="postgres")
