"""`make bench`: run every `bench/bench_*.py`, print each figure against its baseline,
and write `bench/results.json`. `python -m bench ingest` runs only matching modules."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

from bench.common import BenchResult, write_results


def main(argv: list[str]) -> int:
    wanted = argv[1:]
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if wanted:
        modules = [m for m in modules if any(w in m for w in wanted)]
    results: list[BenchResult] = []
    failed = []
    for name in modules:
        print(f"== {name}", flush=True)
        try:
            module_results = importlib.import_module(f"bench.{name}").run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
            continue
        for item in module_results:
            print("  " + item.line(), flush=True)
        results += module_results
    write_results(results)
    print(f"wrote {len(results)} figures to bench/results.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
