"""`civic`: the commands people run. Each long step prints what it does and how long it took."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from catalog.database import PROJECT_ROOT
from catalog.migrate import AppliedMigration

DEMO_REVIEWER = "Demo Reviewer (automatic demo approval, not a real sign-off)"


@contextmanager
def step(message: str):
    print(f"→ {message} …", flush=True)
    start = time.perf_counter()
    yield
    print(f"  done in {time.perf_counter() - start:.1f}s", flush=True)


def _configure() -> str:
    from civic_assets.settings import configure_environment, dagster_home

    url = configure_environment()
    dagster_home()
    return url


def cmd_db_url(args: argparse.Namespace) -> int:
    from civic_assets.settings import database_url

    if args.keep_running:
        print(database_url(), flush=True)
        _wait_forever()
    print(database_url())
    return 0


def cmd_db_init(args: argparse.Namespace) -> int:
    from catalog.migrate import bootstrap
    from civic_assets.settings import database_url

    with step("creating the database and applying the schema migrations"):
        applied = bootstrap(database_url())
        url = _configure()
    _print_applied(applied)
    print(f"  ready: {url}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from catalog.migrate import upgrade
    from civic_assets.settings import database_url

    _print_applied(upgrade(database_url()))
    return 0


def _print_applied(applied: list[AppliedMigration]) -> None:
    for migration in applied:
        how = ("recorded as applied (baseline: the database was made before migrations)"
               if migration.baseline else "applied")
        print(f"  {migration.name}: {how}")
    if not applied:
        print("  the schema is up to date: nothing to apply")


def cmd_db_status(args: argparse.Namespace) -> int:
    from catalog.migrate import status
    from civic_assets.settings import database_url

    state = status(database_url())
    for done in state.applied:
        note = " (baseline)" if done.baseline else ""
        print(f"  {done.name}: applied {done.applied_at:%Y-%m-%d %H:%M:%S %Z}{note}")
    for migration in state.pending:
        note = (" (the schema is there: `civic db upgrade` records it as the baseline)"
                if state.unversioned and migration.version == 1 else "")
        print(f"  {migration.name}: pending{note}")
    if not state.pending:
        print("  nothing pending")
    problems = [changed.message() for changed in state.changed] + [
        f"schema version {unknown.name} is applied but this code has no such migration"
        for unknown in state.unknown]
    for problem in problems:
        print(f"civic db status: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _wait_forever() -> None:
    # SIGTERM too must unwind normally, so that an embedded server is stopped on exit
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        signal.pause()


def cmd_demo(args: argparse.Namespace) -> int:
    from civic_assets.settings import set_default

    set_default("CIVIC_LOG_LEVEL", "WARNING")
    from civic_assets.demo.generator import default_as_of, write_demo_files

    with step("starting the database and creating schemas"):
        url = _configure()
    print(f"  database: {url}")
    if args.if_empty and _has_publication("service_requests"):
        print("  service_requests is already published; nothing to do (run `civic demo` to "
              "load a fresh demo anyway)")
        return 0
    from civic_assets.runner import dataset_spec

    # the spec's drop folder, so a running file-drop sensor would see the same file
    source = dataset_spec("service_requests").source
    if source is None or source.path is None:
        raise SystemExit("civic demo: the service_requests spec has no drop folder")
    drop = Path(source.path)
    with step(f"generating {args.rows:,} synthetic 311 service requests (seed {args.seed})"):
        files = write_demo_files(drop, rows=args.rows, seed=args.seed, as_of=default_as_of())
    print(f"  wrote {files.requests_csv}")

    from civic_assets.runner import approve_all, materialize_until_candidate, publish

    with step("materializing raw → dbt → candidate for service_requests"):
        candidate_id = materialize_until_candidate(
            "service_requests", raw_config={"path": str(files.requests_csv)})
    print(f"  candidate {candidate_id} is waiting for approval")
    with step(f"approving candidate {candidate_id} as the demo reviewer "
              "(acknowledging any flagged change)"):
        approve_all("service_requests", candidate_id, reviewer=DEMO_REVIEWER)
    with step("publishing the approved candidate"):
        version = publish("service_requests", candidate_id)
    print(f"  published service_requests version {version}")
    if not args.synthetic_only:
        _load_city_data()
    return 0


def _load_city_data() -> None:
    """The real city datasets (files under ../shared/data, read in place)."""
    from civic_assets.demo.city import (
        CITY_DATASETS,
        approve_candidates,
        prepare_candidates,
        publish_candidates,
        render_report,
        shared_data_missing,
    )

    missing = shared_data_missing()
    if missing:
        print(f"  the real city datasets are skipped: {missing} is not there (the "
              "specs read ../shared/data beside the project)")
        return
    with step(f"materializing the real city data: {', '.join(CITY_DATASETS)} "
              "(source files → dbt → candidates)"):
        candidates = prepare_candidates()
    with step("approving them as the demo reviewer"):
        approve_candidates(candidates, reviewer=DEMO_REVIEWER)
    with step("publishing them"):
        versions = publish_candidates(candidates)
    print("  published " + ", ".join(f"{slug} v{v}" for slug, v in versions.items()))
    with step("rendering the transparency report (HTML and PDF)"):
        report_id = render_report()
    print(f"  report {report_id}: /reports/transparency_report/latest.pdf")


def _has_publication(slug: str) -> bool:
    from catalog.database import connect
    from catalog.versions import has_publication
    from civic_assets.settings import database_url

    with connect(database_url()) as conn:
        return has_publication(conn, slug=slug)


def _spawn(command: list[str], env: dict[str, str],
           cwd: Path = PROJECT_ROOT) -> subprocess.Popen:
    # dagster dev ignores SIGINT when started without job control (see STACK-NOTES):
    # give each child its own session, and SIGINT its default action in the child
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        return subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def fail_orphaned_runs(instance) -> int:
    """Runs left 'in progress' by a platform that was stopped mid-run can never finish:
    nothing of this Dagster home is running before `civic up` starts it. Fail them, so the
    UI shows what happened instead of checks that spin forever."""
    import dagster as dg

    stuck = instance.get_runs(filters=dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
        dg.DagsterRunStatus.CANCELING]))
    for run in stuck:
        instance.report_run_failed(
            run, "the platform was stopped while this run was in progress")
    return len(stuck)


def cmd_up(args: argparse.Namespace) -> int:
    from civic_assets.settings import dagster_home

    with step("starting the database and creating schemas"):
        url = _configure()
        import dagster as dg

        orphaned = fail_orphaned_runs(dg.DagsterInstance.get())
    if orphaned:
        print(f"  marked {orphaned} run(s) interrupted by the last shutdown as failed")
    from civic_assets.settings import child_environment

    env = child_environment()
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    children = [
        _spawn([str(bin_dir / "dagster"), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"),
                "-h", args.host, "-p", str(args.dagster_port)], env, cwd=dagster_home()),
        # several worker processes, sized from the cores (CIVIC_API_WORKERS to choose)
        _spawn([sys.executable, "-m", "api", "--host", args.host,
                "--port", str(args.api_port)], env),
    ]
    print(f"database:   {url}")
    print(f"Dagster UI: http://{args.host}:{args.dagster_port}")
    print(f"API:        http://{args.host}:{args.api_port}/datasets  "
          f"(docs: http://{args.host}:{args.api_port}/docs)")
    print("Ctrl-C stops everything.", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
    deadline = time.time() + 30
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    for child in children:
        # stragglers of a child's group (Dagster's code server, a run in flight)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    failed = [c.pid for c in children if c.returncode not in (0, -2, -15, 130)]
    return 1 if failed and not stopping else 0


def cmd_approve(args: argparse.Namespace) -> int:
    from civic_assets.runner import record_approval

    _configure()
    record_approval(args.slug, args.candidate, role=args.role, reviewer=args.reviewer,
                    decision="rejected" if args.reject else "approved", comment=args.comment)
    print(f"recorded: {args.reviewer} ({args.role}) "
          f"{'rejected' if args.reject else 'approved'} candidate {args.candidate}")
    return 0


def cmd_acknowledge(args: argparse.Namespace) -> int:
    from civic_assets.runner import acknowledge

    _configure()
    flags = acknowledge(args.slug, args.candidate, reviewer=args.reviewer)
    print(f"recorded: {args.reviewer} acknowledged the changes flagged on candidate "
          f"{args.candidate}:")
    for flag in flags:
        print(f"  - {flag}")
    return 0


def _format_options(args: argparse.Namespace) -> dict:
    options = {}
    for item in args.option or []:
        key, _, value = item.partition("=")
        options[key] = value
    return options


def cmd_preview(args: argparse.Namespace) -> int:
    from civic_assets.ingest import preview

    result = preview(args.path, format=args.format, options=_format_options(args),
                     rows=args.rows)
    print(result.to_markdown() if args.markdown else result.to_text())
    return 1 if result.problems else 0


def cmd_risk(args: argparse.Namespace) -> int:
    import json

    from anonymization import compute_risk, format_risk_text
    from civic_assets.ingest.frame import read_frame

    frame, mapping = read_frame(args.path, format=args.format, options=_format_options(args))

    def column(name: str) -> str:
        # accept the file's own header or the normalized name ingest gives it
        resolved = mapping.get(name, name)
        if resolved not in frame.columns:
            raise SystemExit(f"civic risk: no column {name!r} in {args.path}; columns are "
                             + ", ".join(frame.columns))
        return resolved

    quasi = [column(c.strip()) for c in args.quasi_identifiers.split(",") if c.strip()]
    sensitive = [column(c.strip()) for c in (args.sensitive or "").split(",") if c.strip()]
    metrics = compute_risk(frame, quasi, sensitive, k_threshold=args.k)
    if args.json:
        print(json.dumps(metrics.to_dict(), indent=2, default=str))
    else:
        print(format_risk_text(metrics))
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    import json

    from civic_assets.ingest.errors import IngestError
    from civic_assets.privacy_scan import scan_file

    path = Path(args.path)
    if not path.exists():
        print(f"civic scan: error: no such file: {path}", file=sys.stderr)
        return 2
    if path.is_dir():
        print(f"civic scan: error: {path} is a folder; give one file", file=sys.stderr)
        return 2
    try:
        result = scan_file(path, format=args.format, options=_format_options(args),
                           rows=args.rows, min_confidence=args.min_confidence)
    except IngestError as exc:
        print(f"civic scan: error: cannot read the file: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2, default=str) if args.json
          else result.to_text())
    return 1 if result.personal_information_found else 0


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of records")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civic", description="Civic Open Data Platform")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the database, Dagster (webserver + daemon) and the API")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--dagster-port", type=int, default=3000)
    up.add_argument("--api-port", type=int, default=8000)
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", help="generate demo data and materialize every asset")
    demo.add_argument("--rows", type=int, default=50_000)
    demo.add_argument("--synthetic-only", action="store_true",
                      help="only the synthetic 311 requests, not the real city datasets "
                           "(Los Angeles 311 and councils, Oakland's budget)")
    demo.add_argument("--seed", type=int, default=311)
    demo.add_argument("--if-empty", action="store_true",
                      help="do nothing when the demo dataset is already published")
    demo.set_defaults(func=cmd_demo)

    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    url = db_sub.add_parser("url", help="print the database URL in use")
    url.add_argument("--keep-running", action="store_true",
                     help="keep an embedded server running until interrupted")
    url.set_defaults(func=cmd_db_url)
    init = db_sub.add_parser("init", help="create the database and apply the schema "
                                          "migrations (idempotent; every command does it too)")
    init.set_defaults(func=cmd_db_init)
    db_sub.add_parser("upgrade", help="apply the pending schema migrations and print them"
                      ).set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser("status", help="list the applied and the pending schema migrations"
                      ).set_defaults(func=cmd_db_status)

    formats = ["csv", "xlsx", "json", "jsonl", "xml", "geojson", "shapefile"]
    prev = sub.add_parser("preview", help="show a file's first rows, detected types and "
                                          "problems, without loading it")
    prev.add_argument("path")
    prev.add_argument("--format", choices=formats)
    prev.add_argument("--option", action="append", metavar="KEY=VALUE",
                      help="a reader option, e.g. delimiter=';' or sheet=Budget")
    prev.add_argument("--rows", type=int, default=100)
    prev.add_argument("--markdown", action="store_true")
    prev.set_defaults(func=cmd_preview)

    risk = sub.add_parser("risk", help="re-identification risk of a file, before it enters "
                                       "the platform")
    risk.add_argument("path")
    risk.add_argument("--quasi-identifiers", required=True, help="comma-separated columns")
    risk.add_argument("--sensitive", help="comma-separated sensitive attributes (for l)")
    risk.add_argument("--k", type=int, default=5, help="the k a record's class must reach")
    risk.add_argument("--format", choices=formats)
    risk.add_argument("--option", action="append", metavar="KEY=VALUE")
    risk.add_argument("--json", action="store_true")
    risk.set_defaults(func=cmd_risk)

    scan = sub.add_parser(
        "scan", help="personal information in a file, before it enters the platform",
        description="Run the detection and the residual scan of the anonymization on every "
                    "column of a file read as ingest reads it; print what each column holds, "
                    "with kinds and confidence. Exit status: 0 nothing found, 1 personal "
                    "information found, 2 the file cannot be read or the arguments are wrong.")
    scan.add_argument("path")
    scan.add_argument("--format", choices=formats)
    scan.add_argument("--option", action="append", metavar="KEY=VALUE")
    scan.add_argument("--rows", type=_positive, help="scan only the first N records")
    scan.add_argument("--min-confidence", type=_share, default=0.5,
                      help="report a column's detection from this confidence on (0-1)")
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(func=cmd_scan)

    approve = sub.add_parser("approve", help="record a reviewer's decision on a candidate")
    approve.add_argument("slug")
    approve.add_argument("candidate", type=int)
    approve.add_argument("--role", required=True)
    approve.add_argument("--reviewer", required=True)
    approve.add_argument("--reject", action="store_true")
    approve.add_argument("--comment")
    approve.set_defaults(func=cmd_approve)

    acknowledge = sub.add_parser(
        "acknowledge", help="acknowledge the changes flagged on a candidate that needs "
                            "attention (required before approving it)")
    acknowledge.add_argument("slug")
    acknowledge.add_argument("candidate", type=int)
    acknowledge.add_argument("--reviewer", required=True)
    acknowledge.set_defaults(func=cmd_acknowledge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI's last word: a message, not a traceback
        from civic_assets.settings import get_settings

        if get_settings().debug:
            raise
        print(f"civic {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
