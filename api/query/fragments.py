"""A piece of SQL and the parameters of its placeholders, in order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

# what psycopg executes: SQL text, or SQL composed with identifiers and placeholders
Statement = sql.SQL | sql.Composed
Part = sql.Composable


@dataclass(frozen=True)
class Fragment:
    sql: Statement
    params: tuple[Any, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, template: str, *identifiers: Part, params: Iterable[Any] = ()
           ) -> Fragment:
        return cls(sql.SQL(template).format(*identifiers), tuple(params))


TRUE = Fragment(sql.SQL("TRUE"))


def join(fragments: Iterable[Fragment], separator: str) -> Fragment:
    parts = list(fragments)
    return Fragment(sql.SQL(separator).join(sql.SQL("({})").format(f.sql) for f in parts),
                    tuple(p for f in parts for p in f.params))


def all_of(fragments: Iterable[Fragment]) -> Fragment:
    parts = list(fragments)
    return join(parts, " AND ") if parts else TRUE


def any_of(fragments: Iterable[Fragment]) -> Fragment:
    parts = list(fragments)
    return join(parts, " OR ") if parts else Fragment(sql.SQL("FALSE"))
