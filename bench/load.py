"""Load generators run as separate processes: wrk against HTTP, pgbench against the same
SQL, and psql's own timing, each parsed into latencies and throughput; and the API as a
real server for them to load."""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from civic_assets.settings import child_environment

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class LoadFigures:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int  # non-2xx answers, socket errors and timeouts


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    machine = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if machine:
        return str(machine[-1])
    try:
        import pgserver
    except ImportError:
        return None
    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    return str(bundled) if bundled.exists() else None


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_wrk(output: str) -> LoadFigures:
    def number(pattern: str, default: str = "0") -> str:
        found = re.search(pattern, output)
        return found.group(1) if found else default

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    failed = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    if errors:
        failed += sum(int(errors.group(i)) for i in range(1, 5))
    return LoadFigures(
        requests_per_second=float(number(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(number(r"\n\s+50%\s+(\S+)", "0ms")),
        p99_ms=_ms(number(r"\n\s+99%\s+(\S+)", "0ms")),
        requests=int(number(r"(\d+) requests in")),
        failed=failed)


def wrk(url: str, *, connections: int, seconds: int, threads: int = 2) -> LoadFigures:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "10s", url]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          timeout=seconds + 60)
    return parse_wrk(done.stdout)


def pgbench(url: str, statement: str, *, clients: int, seconds: int,
            threads: int = 2) -> LoadFigures:
    """The statement run by `clients` pgbench clients; latencies from its per-transaction
    log (microseconds, third field)."""
    executable = _tool("pgbench")
    if executable is None:
        raise RuntimeError("pgbench not found (it ships with PostgreSQL)")
    with tempfile.TemporaryDirectory(prefix="civic-pgbench-") as folder:
        script = Path(folder) / "statement.sql"
        script.write_text(statement.rstrip().rstrip(";") + ";\n", encoding="utf-8")
        prefix = Path(folder) / "log"
        done = subprocess.run(
            [executable, "-n", "-M", "prepared", "-c", str(clients), "-j", str(threads),
             "-T", str(seconds), "-f", str(script), "-l", f"--log-prefix={prefix}", url],
            capture_output=True, text=True, check=True, timeout=seconds + 120)
        latencies = sorted(int(line.split()[2]) / 1000.0
                           for log in Path(folder).glob("log.*")
                           for line in log.read_text().splitlines() if line.strip())
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    return LoadFigures(
        requests_per_second=float(tps.group(1)) if tps else 0.0,
        p50_ms=_percentile(latencies, 0.50), p99_ms=_percentile(latencies, 0.99),
        requests=len(latencies), failed=int(failed.group(1)) if failed else 0)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]


def psql_median_ms(url: str, statement: str, *, repeats: int) -> float:
    """Median of psql's own `\\timing` of the statement run `repeats` times in one session
    (no process start-up in the figure)."""
    executable = _tool("psql")
    if executable is None:
        raise RuntimeError("psql not found")
    commands = ["-c", "\\timing on"]
    for _ in range(repeats):
        commands += ["-c", statement]
    done = subprocess.run([executable, url, "-X", "-q", "-o", "/dev/null", *commands],
                          capture_output=True, text=True, check=True, timeout=600)
    timings = [float(t) for t in re.findall(r"Time: ([\d.]+) ms", done.stdout + done.stderr)]
    if len(timings) != repeats:
        raise RuntimeError(f"psql reported {len(timings)} timings: {done.stdout[-500:]}")
    return statistics.median(timings)


@contextmanager
def serve_api(env: dict[str, str], *, workers: int | None = None) -> Iterator[str]:
    """The API as `python -m api` (its default worker count unless given) on a free
    port, in a process of its own; yields its base URL."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]
    if workers:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, cwd=Path(__file__).parent.parent,
                               env=child_environment({**env, "CIVIC_PUBLIC_BASE_URL": base}))
    try:
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the API did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
