"""Ingest: read a source (file, file drop, SQL query, REST API) into `raw.<slug>`.

Pure Python (no Dagster): the raw assets and file-drop sensors call these functions.

    result = ingest(spec.source, slug=spec.slug, database_url=url)

Every attempt is logged in `catalog.ingest_log`; a failure raises `IngestError` naming the
file, the problem and where, and leaves `raw.<slug>` untouched.
"""

from civic_assets.ingest.credentials import load_credential, store_credential
from civic_assets.ingest.errors import IngestError
from civic_assets.ingest.extract import ingest, ingest_file
from civic_assets.ingest.preview import Preview, preview
from civic_assets.ingest.result import IngestResult
from civic_assets.ingest.sources import new_files

__all__ = [
    "IngestError",
    "IngestResult",
    "Preview",
    "ingest",
    "ingest_file",
    "load_credential",
    "new_files",
    "preview",
    "store_credential",
]
