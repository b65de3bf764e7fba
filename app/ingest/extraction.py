"""Extraction for the writers: of one article (``extract_article``, for POST /articles), or of a stream of
records for the bulk ingest (``extracted_records``), in this process or in worker processes.

Either way the records come back in input order, each with its extraction or the reason it has none, so that
the one writer (app.services.ingest) stores them, and assigns their ids, in that order. With more than one
worker, chunks of records go to a pool of processes while at most ``read_ahead`` chunks are in flight: memory
stays bounded whatever the size of the input and however long the writer takes over a batch.

Workers ignore SIGINT: on Ctrl-C the terminal signals the whole process group, and only this process should
stop (it cancels the chunks not started, and the workers finish theirs and exit). A worker also exits when this
process dies without shutting the pool down (SIGKILL), instead of waiting for work forever.
"""

import logging
import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from multiprocessing import forkserver
from multiprocessing.connection import wait

from app.ingest.pipeline import extract
from app.ingest.sources import SourceRecord
from app.ingest.types import Extraction, RawArticle
from app.knowledge import Knowledge, load_knowledge

log = logging.getLogger("drawdown.ingest")

# Records per task sent to a worker: enough that the cost of a task (pickling, a round trip through the pool's
# queues) is small beside the extraction of its articles, few enough that the workers share the input evenly.
CHUNK_RECORDS = 16


class EmptyArticle(ValueError):
    """Nothing is left of the article once page furniture is removed."""


def extract_article(raw: RawArticle, knowledge: Knowledge) -> Extraction:
    """``extract``, refusing an article of which cleaning leaves nothing."""
    extraction = extract(raw, knowledge)
    if not extraction.clean.text.strip():
        raise EmptyArticle("no article text left after removing page furniture")
    return extraction


def failure_reason(exc: BaseException) -> str:
    """One line saying why a record failed, for the ingest's report."""
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"


@dataclass(frozen=True)
class Extracted:
    """A record with its extraction, or with the reason it has none."""

    record: SourceRecord
    extraction: Extraction | None
    failure: str | None = None


# What extracting one article gives, in a form that crosses process boundaries: (extraction, None, None), or
# (None, reason, traceback), with a traceback only for an error that is not the article's fault (a bug).
_Attempt = tuple[Extraction | None, str | None, str | None]


def _attempt(raw: RawArticle | None, knowledge: Knowledge) -> _Attempt:
    if raw is None:
        return None, None, None
    try:
        return extract_article(raw, knowledge), None, None
    except Exception as exc:
        return None, failure_reason(exc), None if isinstance(exc, ValueError) else traceback.format_exc()


def _extracted(record: SourceRecord, attempt: _Attempt) -> Extracted:
    extraction, reason, trace = attempt
    if trace is not None:
        log.error("failed to ingest %s\n%s", record.label, trace.rstrip())
    return Extracted(record, extraction, record.error if record.article is None else reason)


@contextmanager
def extracted_records(
    records: Iterable[SourceRecord],
    knowledge: Knowledge,
    *,
    workers: int = 1,
    chunk_records: int = CHUNK_RECORDS,
    read_ahead: int | None = None,
) -> Iterator[Iterator[Extracted]]:
    """The records with their extractions, in input order: extracted here with one worker (no pool), else by a
    pool of ``workers`` processes (which load the knowledge themselves) with at most ``read_ahead`` chunks of
    ``chunk_records`` in flight (default: two per worker). Leaving the context stops the pool."""
    if workers <= 1:
        yield (_extracted(record, _attempt(record.article, knowledge)) for record in records)
        return
    pool = ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_start_worker)
    try:
        yield _in_order(pool, records, chunk_records, read_ahead or 2 * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(
    pool: ProcessPoolExecutor, records: Iterable[SourceRecord], chunk_records: int, read_ahead: int
) -> Iterator[Extracted]:
    in_flight: deque[tuple[list[SourceRecord], Future[list[_Attempt]]]] = deque()
    stream = iter(records)
    while chunk := list(islice(stream, chunk_records)):
        in_flight.append((chunk, pool.submit(_extract_chunk, [record.article for record in chunk])))
        if len(in_flight) >= read_ahead:
            yield from _results(*in_flight.popleft())
    while in_flight:
        yield from _results(*in_flight.popleft())


def _results(chunk: list[SourceRecord], done: Future[list[_Attempt]]) -> Iterator[Extracted]:
    for record, attempt in zip(chunk, done.result(), strict=True):
        yield _extracted(record, attempt)


def _start_method() -> multiprocessing.context.BaseContext:
    """A fork server where there is one: workers then start from a process that holds no thread, lock or
    database connection of this one, and with the extraction code already imported."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    # A worker ignores SIGINT from its first instruction only if the fork server does: Python keeps an ignored
    # SIGINT that it inherits, and the server hands its own disposition to every worker it forks. Otherwise a
    # Ctrl-C in the moment between a worker's start and its initializer would print a KeyboardInterrupt.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
    return context


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(parent_sentinel: int) -> None:
    """Wait for the parent to end, then end this worker too."""
    wait([parent_sentinel])
    os._exit(1)


def _extract_chunk(raws: list[RawArticle | None]) -> list[_Attempt]:
    knowledge = load_knowledge()
    return [_attempt(raw, knowledge) for raw in raws]
