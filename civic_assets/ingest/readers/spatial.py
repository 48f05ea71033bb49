"""GeoJSON and zipped ESRI Shapefiles, read with pyogrio (GDAL) through geopandas.

Geometry is reprojected to EPSG:4326 and kept as WKT text in a `geometry` column, so
PostGIS is not required. A spatial file is read whole into memory (boundary files are
small); zips are checked for bombs and path traversal before anything is extracted.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.limits import max_source_bytes
from civic_assets.ingest.readers.base import RecordStream, to_text
from civic_assets.ingest.zip_safety import extract_member_capped, open_checked_zip

TARGET_CRS = "EPSG:4326"


def open_spatial(path: Path, fmt: str, options: dict[str, Any]) -> RecordStream:
    workdir: str | None = None
    try:
        if path.suffix.lower() == ".zip":
            workdir = tempfile.mkdtemp(prefix="civic-shp-")
            dataset = _extract_shapefile(path, Path(workdir), options)
        else:
            dataset = path
        frame, details = _read_frame(path, dataset, fmt, options)
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    position = {"record": 0}

    def rows() -> Iterator[list[str | None]]:
        for values in frame.itertuples(index=False, name=None):
            position["record"] += 1
            yield [to_text(v) for v in values]

    return RecordStream(columns=[str(c) for c in frame.columns], rows=rows(),
                        where=lambda: f"feature {position['record']}", details=details)


def _extract_shapefile(path: Path, workdir: Path, options: dict[str, Any]) -> Path:
    archive = open_checked_zip(path, max_uncompressed=max_source_bytes(options.get("max_bytes")),
                               what="zipped Shapefile")
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        shapefiles = [info for info in members if info.filename.lower().endswith(".shp")]
        wanted = options.get("layer")
        if wanted:
            shapefiles = [i for i in shapefiles if Path(i.filename).stem == wanted]
        if len(shapefiles) != 1:
            names = ", ".join(i.filename for i in shapefiles) or "none"
            raise IngestError(str(path), f"expected exactly one .shp in the zip, found {names}",
                              "set options.layer to the Shapefile's name" if shapefiles else None)
        stem = shapefiles[0].filename[: -len(".shp")]
        for info in members:
            if info.filename.startswith(stem + ".") or info.filename == stem + ".shp":
                # flat names only: the archive's folders are not recreated
                target = workdir / Path(info.filename).name
                extract_member_capped(archive, info, target, path=path)
        return workdir / (Path(stem).name + ".shp")


def _read_frame(path: Path, dataset: Path, fmt: str, options: dict[str, Any]):
    import pyogrio
    from pyogrio.errors import DataSourceError

    try:
        frame = pyogrio.read_dataframe(dataset)
    except (DataSourceError, RuntimeError, ValueError) as exc:
        raise IngestError(str(path), f"not a readable {fmt}: {exc}") from exc
    details: dict[str, Any] = {"format": fmt}
    source_crs = frame.crs.to_string() if frame.crs is not None else None
    details["source_crs"] = source_crs
    if frame.crs is None:
        frame = frame.set_crs(options.get("crs", TARGET_CRS))
        details["crs_assumed"] = options.get("crs", TARGET_CRS)
    if frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(TARGET_CRS)
        details["reprojected_to"] = TARGET_CRS
    geometry_name = frame.geometry.name
    wkt = frame.geometry.to_wkt()
    attributes = frame.drop(columns=[geometry_name])
    attributes = attributes.astype(object).where(attributes.notna(), None)
    attributes["geometry"] = wkt.astype(object).where(wkt.notna(), None)
    return attributes, details
