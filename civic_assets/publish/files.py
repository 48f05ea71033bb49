"""The immutable files of a published version: CSV, JSON, XML, GeoJSON, Excel, Parquet,
and the `datapackage.json` that describes them.

Rows are streamed out of PostgreSQL (COPY for the CSV, a server-side cursor read in
chunks for the others), so a million-row version is never held in memory, and every
file is hashed while it is written (or just after, for the zipped and columnar ones).
Everything lands in a staging folder beside its final place; `publication.py` renames
it into place once every file is written (see there why that is safe).

Layout: `<published dir>/<slug>/v<N>/data.<ext>`; the published dir is
`$CIVIC_PUBLISHED_DIR`, else `<var dir>/published`. catalog.versions.files holds, per
format, `{"path": "<slug>/v<N>/data.<ext>", "bytes", "sha256", "media_type"}` with the
path relative to the published dir.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self
from xml.sax.saxutils import quoteattr

import pandas as pd
import psycopg
from psycopg import sql

from catalog.database import PROJECT_ROOT
from catalog.rows import one_row
from civic_assets.publish import parquet
from civic_assets.publish import xlsx as xlsx_stream
from civic_assets.tables import table_columns
from metadata.datapackage import build_datapackage
from metadata.dcat import FILE_FORMATS
from metadata.spatial import GEOMETRY_NAMES, LATITUDE_NAMES, LONGITUDE_NAMES, bbox_from_frame
from metadata.specs import DatasetSpec

FORMATS = ("csv", "json", "xml", "geojson", "xlsx", "parquet")
MEDIA_TYPES = {fmt: FILE_FORMATS[fmt][0] for fmt in FORMATS}
# an Excel sheet holds 1,048,576 rows, one of which is the header
XLSX_MAX_ROWS = 1_048_575
FETCH_ROWS = 5_000
DATAPACKAGE_NAME = "datapackage.json"

_DATETIME_TYPES = {
    "timestamp with time zone", "timestamp without time zone", "date",
    "time with time zone", "time without time zone",
}
_VERSION_FOLDER = re.compile(r"v(\d+)")
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# characters XML 1.0 cannot carry at all, even escaped
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportError(RuntimeError):
    """A published version's files could not be written or put in place."""


def published_root() -> Path:
    """Where published files live: the setting CIVIC_PUBLISHED_DIR, else `<var dir>/published`."""
    from civic_assets.settings import get_settings  # settings import catalog; keep this leaf light

    return get_settings().published_root()


def version_folder(root: Path, slug: str, version: int) -> Path:
    return root / slug / f"v{version}"


def file_path(slug: str, version: int, fmt: str) -> str:
    """A file's path as stored in catalog.versions.files (relative to the published dir)."""
    return f"{slug}/v{version}/data.{FILE_FORMATS[fmt][2]}"


@dataclass
class VersionFiles:
    """What was written for one version: catalogued files, skipped formats, bbox."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # format → why it was not written (e.g. no coordinates for GeoJSON)
    skipped: dict[str, str] = field(default_factory=dict)
    bbox: list[float] | None = None


class _HashingFile:
    """A binary file that counts and hashes what goes through it."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._file.write(data)
        self._sha256.update(data)
        self.bytes += len(data)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._file.close()


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


# ---------------------------------------------------------------------------- source


@dataclass(frozen=True)
class _Source:
    """The version table and how to read it in a stable order."""

    schema: str
    table: str
    columns: list[tuple[str, str]]  # (name, PostgreSQL data type)
    order_by: str | None

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def target(self) -> sql.Composable:
        return sql.SQL("{}.{} AS t").format(sql.Identifier(self.schema),
                                            sql.Identifier(self.table))

    @property
    def order(self) -> sql.Composable:
        if self.order_by is None:
            return sql.SQL("")
        return sql.SQL(" ORDER BY t.{}").format(sql.Identifier(self.order_by))

    def text_values(self, *, xml_escaped: bool = False) -> list[sql.Composable]:
        """Every column as text, dates and times in ISO 8601 (what Table Schema reads)."""
        expressions: list[sql.Composable] = []
        for name, dtype in self.columns:
            column = sql.SQL("t.{}").format(sql.Identifier(name))
            if dtype in _DATETIME_TYPES:
                # to_json writes ISO 8601 (2024-03-01T08:15:00+00:00) whatever DateStyle says
                text = sql.SQL("to_json({}) #>> '{{}}'").format(column)
            else:
                # booleans become true/false, not COPY's t/f
                text = sql.SQL("{}::text").format(column)
            if xml_escaped:
                text = sql.SQL("replace(replace(replace({}, '&', '&amp;'), '<', '&lt;'),"
                               " '>', '&gt;')").format(text)
            expressions.append(text)
        return expressions

    def text_columns(self) -> sql.Composable:
        return sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(value, sql.Identifier(name))
            for value, name in zip(self.text_values(), self.names, strict=True))


def _chunks(conn: psycopg.Connection, query: sql.Composed) -> Iterator[list[tuple]]:
    # a named cursor keeps the rows on the server and hands them over FETCH_ROWS at a time
    with conn.cursor(name="civic_export") as cursor:
        cursor.execute(query)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield rows


# ---------------------------------------------------------------------------- formats


def _write_csv(conn: psycopg.Connection, source: _Source, out: _HashingFile) -> None:
    query = sql.SQL("COPY (SELECT {} FROM {}{}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(
        source.text_columns(), source.target, source.order)
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            out.write(bytes(chunk))


def _write_json(conn: psycopg.Connection, source: _Source, out: _HashingFile) -> None:
    query = sql.SQL("SELECT row_to_json(t)::text FROM {}{}").format(source.target, source.order)
    out.write("[")
    separator = "\n"
    for rows in _chunks(conn, query):
        parts = []
        for (record,) in rows:
            parts.append(separator)
            parts.append(record)
            separator = ",\n"
        out.write("".join(parts))
    out.write("\n]\n")


def _xml_tags(name: str) -> tuple[str, str]:
    if _XML_NAME.match(name) and not name.lower().startswith("xml"):
        return f"<{name}>", f"</{name}>"
    return f"<field name={quoteattr(name)}>", "</field>"


def _write_xml(conn: psycopg.Connection, source: _Source, out: _HashingFile) -> None:
    # each <record> is assembled on the server, in C: 10 million Python string
    # operations for a million rows of ten columns would take most of the export's time
    elements = []
    for name, value in zip(source.names, source.text_values(xml_escaped=True), strict=True):
        opening, closing = _xml_tags(name)
        # `'<a>' || NULL` is NULL: a null is an absent element, not an empty one
        elements.append(sql.SQL("coalesce({} || {} || {}, '')").format(
            sql.Literal(opening), value, sql.Literal(closing)))
    record = sql.SQL(" || ").join([sql.Literal("<record>"), *elements,
                                   sql.Literal("</record>")])
    query = sql.SQL("SELECT {} FROM {}{}").format(record, source.target, source.order)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<records>\n')
    for rows in _chunks(conn, query):
        text = "".join(f"{row}\n" for (row,) in rows)
        # the markup holds neither control characters nor \r, so one pass per chunk does;
        # a \r kept as a character would be read back as \n
        out.write(_XML_ILLEGAL.sub("", text).replace("\r", "&#13;"))
    out.write("</records>\n")


def _coordinate_columns(source: _Source,
                        declared_geometry: Collection[str] = ()) -> tuple[str, ...] | None:
    """(geometry,) or (latitude, longitude) column names, or None when there are none.

    A geometry column is a text column the dictionary types `geometry`, or one named
    like a geometry (GEOMETRY_NAMES); it holds WKT, optionally EWKT with an SRID.
    """
    for name, dtype in source.columns:
        if name in declared_geometry and dtype == "text":
            return (name,)
    by_lower = {name.lower(): (name, dtype) for name, dtype in source.columns}
    for candidate in GEOMETRY_NAMES:
        found = by_lower.get(candidate)
        if found and found[1] == "text":
            return (found[0],)
    latitude = next((by_lower[n][0] for n in LATITUDE_NAMES if n in by_lower), None)
    longitude = next((by_lower[n][0] for n in LONGITUDE_NAMES if n in by_lower), None)
    if latitude and longitude:
        return latitude, longitude
    return None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _point_geometries(rows: list[tuple]) -> tuple[list[str | None], pd.DataFrame]:
    geometries: list[str | None] = []
    latitudes, longitudes = [], []
    for _, lat, lon in rows:
        lat, lon = _number(lat), _number(lon)
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            # RFC 7946 positions are WGS 84 longitude, latitude: anything else is no place
            lat = lon = None
        latitudes.append(lat)
        longitudes.append(lon)
        if lat is None or lon is None:
            geometries.append(None)
        else:
            geometries.append(f'{{"type":"Point","coordinates":[{lon!r},{lat!r}]}}')
    frame = pd.DataFrame({"latitude": latitudes, "longitude": longitudes}, dtype="float64")
    return geometries, frame


_EWKT_SRID = re.compile(r"^\s*SRID=(\d+);\s*", re.IGNORECASE)


def _to_wgs84(shapes: Any, srid: int) -> Any:
    import numpy as np
    import pyproj
    import shapely

    transformer = pyproj.Transformer.from_crs(srid, 4326, always_xy=True)
    return shapely.transform(
        shapes, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _wkt_geometries(rows: list[tuple]) -> tuple[list[str | None], pd.DataFrame]:
    """GeoJSON geometries of WKT/EWKT values: in EPSG:4326 (an EWKT SRID is reprojected),
    polygons wound counter-clockwise outside and clockwise inside (RFC 7946, 3.1.6)."""
    import numpy as np
    import shapely

    texts: list[str | None] = []
    srids: list[int] = []
    for _, value in rows:
        srid = 4326
        if isinstance(value, str):
            found = _EWKT_SRID.match(value)
            if found:
                srid, value = int(found.group(1)), value[found.end():]
            texts.append(value)
        else:
            texts.append(None)
        srids.append(srid)
    shapes = shapely.from_wkt(np.array(texts, dtype=object), on_invalid="ignore")
    codes = np.array(srids)
    for srid in set(srids) - {4326}:
        chosen = codes == srid
        shapes[chosen] = _to_wgs84(shapes[chosen], srid)
    # GeoJSON has no empty point; an empty or unreadable shape is a null geometry
    shapes[shapely.is_empty(shapes) | shapely.is_missing(shapes)] = None
    shapes = shapely.orient_polygons(shapes, exterior_cw=False)
    geometries = list(shapely.to_geojson(shapes))
    return geometries, pd.DataFrame({"geometry": shapes})


def _merge_bbox(current: list[float] | None, new: list[float] | None) -> list[float] | None:
    if current is None or new is None:
        return current or new
    return [min(current[0], new[0]), min(current[1], new[1]),
            max(current[2], new[2]), max(current[3], new[3])]


def _write_geojson(conn: psycopg.Connection, source: _Source, out: _HashingFile,
                   coordinates: tuple[str, ...]) -> list[float] | None:
    """Write the FeatureCollection; return the bbox of its coordinates (EPSG:4326)."""
    properties = [name for name in source.names if name not in coordinates]
    props = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(n)) for n in properties)
    query = sql.SQL("SELECT row_to_json(p)::text, {} FROM {} CROSS JOIN LATERAL (SELECT {}) AS p{}"
                    ).format(
        sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in coordinates),
        source.target, props, source.order)
    to_geometries = _wkt_geometries if len(coordinates) == 1 else _point_geometries
    bbox = None
    out.write('{"type":"FeatureCollection","features":[')
    separator = "\n"
    for rows in _chunks(conn, query):
        geometries, frame = to_geometries(rows)
        bbox = _merge_bbox(bbox, bbox_from_frame(frame))
        parts = []
        for row, geometry in zip(rows, geometries, strict=True):
            parts.append(f'{separator}{{"type":"Feature","geometry":{geometry or "null"},'
                         f'"properties":{row[0]}}}')
            separator = ",\n"
        out.write("".join(parts))
    out.write("\n]}\n")
    return bbox


_NUMERIC_TYPES = {"smallint", "integer", "bigint", "double precision", "real", "numeric"}


def _excel_cell(name: str, dtype: str) -> sql.Composable:
    """SQL building one `<c>` element; a null is an empty cell."""
    column = sql.SQL("t.{}").format(sql.Identifier(name))
    if dtype in _NUMERIC_TYPES:
        # NaN and infinities have no spreadsheet form: leave the cell empty
        value = sql.SQL("CASE WHEN {c}::double precision = ANY ('{{NaN,Infinity,-Infinity}}')"
                        " THEN NULL ELSE {c}::text END").format(c=column)
        return sql.SQL("coalesce('<c><v>' || {} || '</v></c>', '<c/>')").format(value)
    if dtype == "boolean":
        return sql.SQL("CASE WHEN {c} THEN '<c t=\"b\"><v>1</v></c>'"
                       " WHEN NOT {c} THEN '<c t=\"b\"><v>0</v></c>' ELSE '<c/>' END"
                       ).format(c=column)
    if dtype.startswith("timestamp"):
        # Excel dates are days since 1899-12-30; timestamptz is written as UTC wall time
        serial = sql.SQL("(extract(epoch from {}) / 86400.0 + 25569)::text").format(column)
        return sql.SQL("coalesce('<c s=\"{}\"><v>' || {} || '</v></c>', '<c/>')").format(
            sql.SQL(str(xlsx_stream.STYLE_DATETIME)), serial)
    if dtype == "date":
        serial = sql.SQL("({} - date '1899-12-30')::text").format(column)
        return sql.SQL("coalesce('<c s=\"{}\"><v>' || {} || '</v></c>', '<c/>')").format(
            sql.SQL(str(xlsx_stream.STYLE_DATE)), serial)
    text = sql.SQL("replace(replace(replace({}::text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
                   ).format(column)
    return sql.SQL("coalesce('<c t=\"inlineStr\"><is><t xml:space=\"preserve\">' || {}"
                   " || '</t></is></c>', '<c/>')").format(text)


def _write_xlsx(conn: psycopg.Connection, source: _Source, path: Path, sheet: str) -> None:
    cells = [_excel_cell(name, dtype) for name, dtype in source.columns]
    row = sql.SQL(" || ").join([sql.Literal("<row>"), *cells, sql.Literal("</row>")])
    query = sql.SQL("SELECT {} FROM {}{}").format(row, source.target, source.order)
    count = one_row(conn.execute(sql.SQL("SELECT count(*) FROM {}").format(source.target)))[0]

    def rows_xml() -> Iterator[str]:
        yield xlsx_stream.header_row(source.names)
        for rows in _chunks(conn, query):
            yield _XML_ILLEGAL.sub("", "".join(r for (r,) in rows)).replace("\r", "&#13;")

    xlsx_stream.write_workbook(path, sheet_name=sheet, column_count=len(source.columns),
                               row_count=count + 1, rows_xml=rows_xml())


def _write_parquet(conn: psycopg.Connection, source: _Source, path: Path, *,
                   descriptions: dict[str, str], metadata: dict[str, Any]) -> None:
    query = sql.SQL("SELECT {} FROM {}{}").format(
        parquet.select_columns(source.columns), source.target, source.order)
    parquet.write_parquet(_chunks(conn, query),
                          parquet.arrow_schema(source.columns, descriptions), path,
                          metadata=metadata)


def _dictionary_columns(dictionary: dict[str, Any] | None) -> list[dict[str, Any]]:
    columns = (dictionary or {}).get("columns") or []
    return [column for column in columns if isinstance(column, dict) and column.get("name")]


def _declared(dictionary: dict[str, Any] | None, column_type: str) -> set[str]:
    """The columns the data dictionary gives `column_type`."""
    return {c["name"] for c in _dictionary_columns(dictionary) if c.get("type") == column_type}


def _descriptions(dictionary: dict[str, Any] | None) -> dict[str, str]:
    """Each column's description, English then French, as the dictionary gives them."""
    found = {}
    for column in _dictionary_columns(dictionary):
        texts = column.get("description") or {}
        text = " / ".join(t for t in (texts.get("en"), texts.get("fr")) if t) \
            if isinstance(texts, dict) else str(texts)
        if text:
            found[column["name"]] = text
    return found


# ---------------------------------------------------------------------------- bbox


def temporal_coverage(conn: psycopg.Connection, spec: DatasetSpec,
                      table: str) -> dict[str, str] | None:
    """First and last day of the data, from the spec's timestamp column, as ISO dates."""
    column = spec.validation.timestamp_column
    if not column or column not in {name for name, _ in table_columns(conn, "published", table)}:
        return None
    first, last = one_row(conn.execute(
        sql.SQL("SELECT min({c})::date, max({c})::date FROM published.{t}")
        .format(c=sql.Identifier(column), t=sql.Identifier(table))))
    if first is None:
        return None
    return {"start": first.isoformat(), "end": last.isoformat()}


def boundaries_bbox(spec: DatasetSpec) -> list[float] | None:
    """The bbox of the spec's `anonymization.boundaries` file, when it names one.

    Anonymized data may have lost its coordinates to an aggregation by area; the areas'
    boundaries then still tell where the data is.
    """
    configured = spec.anonymization.boundaries
    if not configured:
        return None
    path = Path(configured)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.is_file():
        return None
    import geopandas as gpd

    areas = gpd.read_file(path)
    if areas.crs is not None and areas.crs.to_epsg() != 4326:
        areas = areas.to_crs(4326)
    return bbox_from_frame(areas)


# ---------------------------------------------------------------------------- version


def write_version_files(
    conn: psycopg.Connection,
    spec: DatasetSpec,
    *,
    table: str,
    version: int,
    row_count: int,
    columns: list[dict[str, Any]],
    dictionary: dict[str, Any] | None,
    published_at: datetime,
    folder: Path,
    schema: str = "published",
) -> VersionFiles:
    """Write every format of `schema.table` and its datapackage.json into `folder`.

    Must run inside the caller's transaction (the version table may not be committed
    yet, and the rows are read through a server-side cursor). `folder` is where the
    files are written now; the paths recorded are those of their final place.
    """
    conn.execute("SET LOCAL TIME ZONE 'UTC'")  # one offset in every file, whoever publishes
    described = table_columns(conn, schema, table)
    names = {name for name, _ in described}
    source = _Source(schema, table, described,
                     spec.primary_key if spec.primary_key in names else None)
    folder.mkdir(parents=True, exist_ok=True)
    result = VersionFiles()

    def record(fmt: str, size: int, sha256: str) -> None:
        result.files[fmt] = {"path": file_path(spec.slug, version, fmt), "bytes": size,
                             "sha256": sha256, "media_type": MEDIA_TYPES[fmt]}

    for fmt, writer in (("csv", _write_csv), ("json", _write_json), ("xml", _write_xml)):
        with _HashingFile(folder / f"data.{fmt}") as out:
            writer(conn, source, out)
        record(fmt, out.bytes, out.sha256)

    coordinates = _coordinate_columns(source, _declared(dictionary, "geometry"))
    if coordinates is None:
        result.skipped["geojson"] = (
            "the data has no coordinates (latitude/longitude or a WKT geometry column)")
    else:
        with _HashingFile(folder / "data.geojson") as out:
            result.bbox = _write_geojson(conn, source, out, coordinates)
        record("geojson", out.bytes, out.sha256)
    if result.bbox is None:
        result.bbox = boundaries_bbox(spec)

    if row_count > XLSX_MAX_ROWS:
        result.skipped["xlsx"] = (
            f"{row_count:,} rows is more than an Excel sheet holds ({XLSX_MAX_ROWS:,}); "
            "download the CSV instead")
    else:
        _write_xlsx(conn, source, folder / "data.xlsx", spec.slug)
        record("xlsx", *_hash_file(folder / "data.xlsx"))

    _write_parquet(conn, source, folder / "data.parquet", descriptions=_descriptions(dictionary),
                   metadata={"dataset": spec.slug, "version": version})
    record("parquet", *_hash_file(folder / "data.parquet"))

    package = build_datapackage(
        spec,
        {"version": version, "columns": columns, "files": result.files,
         "published_at": published_at},
        dictionary=dictionary or None,
        csv_path_or_url="data.csv",
        other_files={fmt: Path(info["path"]).name for fmt, info in result.files.items()
                     if fmt != "csv"},
    )
    (folder / DATAPACKAGE_NAME).write_text(
        json.dumps(package, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return result


def remove_interrupted_publications(dataset_folder: Path, *, next_version: int) -> list[Path]:
    """Remove what publications that never committed left in a dataset's folder: staging
    folders, and version folders from `next_version` on (no catalogued version owns
    them). Only safe under the dataset's publication lock; returns what was removed."""
    if not dataset_folder.is_dir():
        return []
    removed = []
    for entry in dataset_folder.iterdir():
        number = _VERSION_FOLDER.fullmatch(entry.name)
        stale = (entry.name.startswith(".v") and (entry.name.endswith(".staging")
                                                  or ".orphan-" in entry.name))
        if stale or (number and int(number.group(1)) >= next_version):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def install_version_folder(staging: Path, final: Path) -> None:
    """Rename a version's complete staging folder into its final place.

    The version is about to be recorded, so a folder already there belongs to no
    catalogued version (left by a database that was reset): it is replaced.
    """
    if final.exists():
        orphan = final.with_name(f".{final.name}.orphan-{os.getpid()}")
        os.replace(final, orphan)
        shutil.rmtree(orphan, ignore_errors=True)
    try:
        os.replace(staging, final)
    except OSError as exc:
        raise ExportError(
            f"version files written to {staging} could not be moved to {final}: {exc}") from exc
