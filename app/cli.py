"""The ``drawdown`` command: migrate, ingest, serve, reprocess."""

import argparse
import logging
import sys

from pydantic import ValidationError
from tqdm import tqdm

from app.config import get_settings
from app.db import get_engine


def cmd_migrate(_args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    upgrade(get_engine())
    print("database is at the latest migration", file=sys.stderr)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from app.ingest.sources import count_records, records
    from app.services.ingest import IngestSummary, article_count, ingest_records

    engine = get_engine()
    if args.if_empty and article_count(engine) > 0:
        print("database already holds articles; nothing ingested (--if-empty)", file=sys.stderr)
        return 0
    missing = [p for p in args.paths if not __import__("pathlib").Path(p).exists()]
    if missing:
        print(f"no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    total = count_records(args.paths)
    workers = args.workers or get_settings().ingest_workers
    committed = IngestSummary()
    with tqdm(total=total, unit="article", disable=args.quiet, file=sys.stderr, dynamic_ncols=True) as bar:

        def progress(record, outcome: str) -> None:
            if outcome == "failed":
                tqdm.write(f"failed: {record.label}: {record.error or 'see summary'}", file=sys.stderr)
            setattr(committed, outcome, getattr(committed, outcome) + 1)
            bar.update(1)

        try:
            summary = ingest_records(engine, records(args.paths), on_progress=progress, workers=workers)
        except KeyboardInterrupt:
            bar.close()
            print(
                f"interrupted: {committed.line()} before the stop (stored, whole);"
                " run the same command again to ingest the rest",
                file=sys.stderr,
            )
            return 130
    for label, reason in summary.failures:
        print(f"  failed: {label}: {reason}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed and not (summary.created or summary.duplicate) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if not settings.api_keys.strip():
        from app.api.auth import ensure_key_file

        key, created = ensure_key_file(settings.api_key_file)
        action = "Created an API key for writes" if created else "API key for writes"
        print(
            f"{action}: {key}\n  (stored in {settings.api_key_file}, owner-only; set DRAWDOWN_API_KEYS to use your own)"
        )
    # Each worker process builds its own app (an import string, not an object, so that it can): they share the
    # listening socket, and each answers from its own response cache, checked against the data version.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        log_level=settings.log_level,
    )
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.models import Article
    from app.services.ingest import reprocess

    engine = get_engine()
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(Article)).scalar_one()
    with tqdm(total=total, unit="article", disable=args.quiet, file=sys.stderr) as bar:
        done = reprocess(engine, only_stale=args.stale, on_progress=lambda _id: bar.update(1))
    print(f"reprocessed {done} articles")
    return 0


def _positive(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="drawdown", description="Drawdown: announced military withdrawals.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="upgrade the database to the latest migration").set_defaults(func=cmd_migrate)

    ingest = sub.add_parser("ingest", help="ingest .txt, .html and .jsonl files or folders")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--if-empty", action="store_true", help="only ingest when the database holds no article")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="extraction processes (default DRAWDOWN_INGEST_WORKERS or the CPU count; 1: in this process)",
    )
    ingest.set_defaults(func=cmd_ingest)

    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default=None, help="address to bind (default DRAWDOWN_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default DRAWDOWN_PORT or 8000)")
    serve.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="server processes (default DRAWDOWN_WORKERS or the CPU count)",
    )
    serve.set_defaults(func=cmd_serve)

    reprocess = sub.add_parser("reprocess", help="re-run extraction over stored articles, keeping ids")
    reprocess.add_argument("--stale", action="store_true", help="only articles from another extractor version")
    reprocess.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    reprocess.set_defaults(func=cmd_reprocess)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "DRAWDOWN_" + "_".join(map(str, error["loc"])).upper()
            print(f"invalid setting {name}={error.get('input')!s}: {error['msg']}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
