"""`python -m api`: the API under uvicorn with its worker processes sized from the CPU
cores (CIVIC_API_WORKERS to choose), as `civic up` and the compose file start it."""

from __future__ import annotations

import argparse

import uvicorn

from api.core.config import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: CIVIC_API_WORKERS, else per core)")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--access-log", action="store_true",
                        help="log every request (off by default: it costs throughput)")
    args = parser.parse_args(argv)
    workers = args.workers or get_settings().worker_count()
    uvicorn.run("api.main:app", host=args.host, port=args.port, workers=workers,
                log_level=args.log_level, access_log=args.access_log)


if __name__ == "__main__":
    main()
