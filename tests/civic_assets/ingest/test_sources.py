"""SQL query and REST API sources, credentials encrypted at rest, secrets never logged."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet

from catalog.credentials import CredentialError
from catalog.database import ConnectionParts
from civic_assets.ingest import IngestError, ingest, load_credential, store_credential
from metadata.specs import Source
from tests.civic_assets.ingest.ingest_helpers import JsonApiHandler, log_rows, raw_rows

RECORDS = [{"id": i, "name": f"item {i}", "score": i * 1.5} for i in range(1, 26)]
TOKEN = "tok-" + "s3cret" * 3


@pytest.fixture
def secret_key(monkeypatch):
    monkeypatch.setenv("CIVIC_SECRET_KEY", Fernet.generate_key().decode())


def test_credentials_are_encrypted_at_rest(conn, secret_key):
    store_credential(conn, "warehouse", "postgresql://u:pw-123456@h/db")
    stored = conn.execute("SELECT ciphertext FROM catalog.credentials WHERE name = 'warehouse'"
                          ).fetchone()[0]
    assert b"pw-123456" not in bytes(stored)
    assert load_credential(conn, "warehouse") == "postgresql://u:pw-123456@h/db"
    store_credential(conn, "warehouse", "rotated")
    assert load_credential(conn, "warehouse") == "rotated"
    with pytest.raises(CredentialError, match="no stored credential named 'nope'"):
        load_credential(conn, "nope")


def test_missing_or_wrong_key_is_a_clear_error(conn, secret_key, monkeypatch):
    store_credential(conn, "k", "value")
    monkeypatch.setenv("CIVIC_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(CredentialError, match="cannot be decrypted"):
        load_credential(conn, "k")
    monkeypatch.delenv("CIVIC_SECRET_KEY")
    with pytest.raises(CredentialError, match="CIVIC_SECRET_KEY is not set"):
        load_credential(conn, "k")


def test_sql_source_streams_a_query(database_url, conn, secret_key):
    conn.execute("DROP TABLE IF EXISTS public.permits")
    conn.execute("CREATE TABLE public.permits (id int, issued date, fee numeric, ok boolean)")
    conn.execute("INSERT INTO public.permits SELECT g, date '2024-01-01' + g, g * 2.5, g % 2 = 0 "
                 "FROM generate_series(1, 2500) g")
    url = ConnectionParts.from_url(database_url).url(driver="postgresql+psycopg")
    store_credential(conn, "permits_db", url)
    source = Source(type="sql", query="SELECT * FROM public.permits ORDER BY id",
                    credential="permits_db", options={"chunk_rows": 1000})
    result = ingest(source, slug="permits", database_url=database_url)
    assert result.record_count == 2500 and result.status == "loaded"
    assert result.column_types() == {"id": "integer", "issued": "date", "fee": "number",
                                     "ok": "boolean"}
    assert raw_rows(database_url, "permits", "id")[0] == ("1", "2024-01-02", "2.5", "false")
    again = ingest(source, slug="permits", database_url=database_url)
    assert again.status == "unchanged" and again.sha256 == result.sha256


def test_sql_source_failure_masks_the_password(database_url, conn, secret_key):
    store_credential(conn, "broken_db",
                     "postgresql+psycopg://civic:hunter2-pw@127.0.0.1:5432/no_such_db")
    source = Source(type="sql", query="SELECT 1", credential="broken_db")
    with pytest.raises(IngestError) as info:
        ingest(source, slug="broken", database_url=database_url)
    assert "hunter2-pw" not in str(info.value) and "civic:***@" in str(info.value)
    entry = log_rows(database_url, "broken")[-1]
    assert entry["status"] == "failed" and "hunter2-pw" not in json.dumps(entry, default=str)


class _Api(JsonApiHandler):
    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send({"error": "unauthorized"}, status=401)
        if parts.path == "/body-next":
            page = int(query.get("page", 1))
            chunk = RECORDS[(page - 1) * 10: page * 10]
            nxt = f"/body-next?page={page + 1}" if page * 10 < len(RECORDS) else None
            return self._send({"data": {"items": chunk}, "links": {"next": nxt}})
        if parts.path == "/link-header":
            page = int(query.get("page", 1))
            chunk = RECORDS[(page - 1) * 10: page * 10]
            headers = ({"Link": f'<{self._base()}/link-header?page={page + 1}>; rel="next"'}
                       if page * 10 < len(RECORDS) else {})
            return self._send(chunk, headers)
        if parts.path == "/offset":
            limit, offset = int(query["limit"]), int(query["offset"])
            return self._send({"results": RECORDS[offset: offset + limit]})
        return self._send({"error": "not found"}, status=404)

    def _base(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_token(conn, secret_key):
    store_credential(conn, "api_token", TOKEN)


@pytest.mark.parametrize(("path", "pagination", "options", "pages"), [
    ("/body-next", {"style": "next", "next_field": "links.next"},
     {"records_path": "data.items"}, 3),
    ("/link-header", {"style": "next"}, {}, 3),
    ("/offset", {"style": "offset", "page_size": 10}, {"records_path": "results"}, 3),
])
def test_rest_pagination(database_url, api_url, api_token, path, pagination, options, pages):
    source = Source(type="rest", url=api_url + path, credential="api_token",
                    pagination=pagination, options=options)
    slug = "api_" + path.strip("/").replace("-", "_")
    result = ingest(source, slug=slug, database_url=database_url)
    assert result.record_count == 25 and result.details["pages"] == pages
    assert result.column_types() == {"id": "integer", "name": "text", "score": "number"}
    assert raw_rows(database_url, slug)[24] == ("25", "item 25", "37.5")
    entry = log_rows(database_url, slug)[-1]
    assert TOKEN not in json.dumps(entry, default=str)


def test_rest_http_error_names_the_page(database_url, api_url, conn, secret_key):
    store_credential(conn, "wrong_token", "not-the-token")
    source = Source(type="rest", url=api_url + "/body-next", credential="wrong_token")
    with pytest.raises(IngestError, match=r"HTTP 401 from the API \(page 1\)") as info:
        ingest(source, slug="api_denied", database_url=database_url)
    assert "not-the-token" not in str(info.value)


def test_file_drop_source_takes_the_newest_file(database_url, tmp_path):
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "a.csv").write_text("id\n1\n")
    source = Source(type="file_drop", path="drop", options={"pattern": "*.csv"})
    assert ingest(source, slug="dropped", database_url=database_url,
                  base_dir=tmp_path).record_count == 1




def test_unknown_credential_is_an_ingest_error(database_url, secret_key):
    source = Source(type="rest", url="http://127.0.0.1:9/x", credential="never_stored")
    with pytest.raises(IngestError, match="no stored credential named 'never_stored'"):
        ingest(source, slug="no_cred", database_url=database_url)
    assert log_rows(database_url, "no_cred")[-1]["status"] == "failed"
