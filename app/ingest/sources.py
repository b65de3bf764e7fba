"""Reading articles from disk: .txt and .html files (with a seeds manifest where present) and .jsonl files."""

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from app.ingest.types import RawArticle
from app.schemas import ArticleCreate

MANIFEST = "manifest.csv"
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass(frozen=True)
class SourceRecord:
    """One article read from disk, or the reason it could not be read."""

    label: str
    article: RawArticle | None = None
    error: str | None = None


def expand(paths: list[str | Path]) -> list[Path]:
    """Files to read, in a stable order; folders are walked recursively for known suffixes."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


def read_manifest(folder: Path) -> dict[str, dict]:
    """file name -> {'outlet', 'published_at'} from a folder's manifest.csv, as a crawler recorded them."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def count_records(paths: list[str | Path]) -> int:
    """How many records ``records(paths)`` will yield (a progress bar's total): one per line that is not blank
    in a JSON-lines file, one per other file."""
    total = 0
    for path in expand(paths):
        if path.suffix.lower() not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            total += sum(1 for _number, line in _lines(path) if line.strip())
        except OSError:
            total += 1  # records() reports it as one unreadable file
    return total


def records(paths: list[str | Path]) -> Iterator[SourceRecord]:
    manifests: dict[Path, dict[str, dict]] = {}
    for path in expand(paths):
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            yield SourceRecord(
                str(path), error=f"unsupported file type {suffix or '(none)'}: use .txt, .html or .jsonl"
            )
            continue
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl(path)
            continue
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            yield SourceRecord(str(path), error=f"cannot read file: {exc}")
            continue
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
        row = manifests[folder].get(path.name, {})
        try:
            published = date.fromisoformat(row["published_at"]) if row.get("published_at") else None
        except ValueError:
            yield SourceRecord(str(path), error=f"bad published_at in {MANIFEST}: {row['published_at']!r}")
            continue
        body = {"html": content} if suffix in HTML_SUFFIXES else {"text": content}
        yield SourceRecord(
            str(path),
            RawArticle(**body, outlet=row.get("outlet") or None, published_at=published, source=str(path)),
        )


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The numbered lines of a JSON-lines file, as bytes, read as they come (a large file is never held whole).
    Lines end at "\n" (or "\r\n") only: a JSON string may hold a raw U+2028 or form feed, where
    ``str.splitlines`` would cut the record in two."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            yield number, line.removesuffix(b"\n").removesuffix(b"\r")


def _jsonl(path: Path) -> Iterator[SourceRecord]:
    try:
        for number, line in _lines(path):
            if line.strip():
                yield _jsonl_record(f"{path}:{number}", line)
    except OSError as exc:
        yield SourceRecord(str(path), error=f"cannot read file: {exc}")


def _jsonl_record(label: str, line: bytes) -> SourceRecord:
    """The record of one line that is not blank: its article, or why it has none."""
    try:
        payload = ArticleCreate.model_validate(json.loads(line.decode("utf-8")))
    except UnicodeDecodeError as exc:
        return SourceRecord(label, error=f"not UTF-8: {exc.reason} at byte {exc.start}")
    except json.JSONDecodeError as exc:
        return SourceRecord(label, error=f"not JSON: {exc.msg}")
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        return SourceRecord(label, error=problems)
    return SourceRecord(label, to_raw(payload, source=label))


def to_raw(payload: ArticleCreate, source: str) -> RawArticle:
    return RawArticle(
        text=payload.text,
        html=payload.html,
        title=payload.title,
        url=payload.url,
        outlet=payload.outlet,
        published_at=payload.published_at,
        language=payload.language,
        source=source,
    )
