"""A fingerprint of everything extraction produces, to prove that a speed-up changed no output.

    python bench/extraction_digest.py --save /tmp/before.json      # before the change
    python bench/extraction_digest.py --compare /tmp/before.json   # after it: lists every article that differs
    python bench/extraction_digest.py --diff /tmp/knowledge-before # what an edit of app/knowledge changed, field
                                                                   # by field (the folder: a copy made before it)

It runs app.ingest.pipeline.extract over the seeds, the test corpus, the held-out set and N generated variants
(each twice: with the given metadata, and with the text alone so the metadata cues are exercised too), and
hashes the full Extraction of each article. The hash seed is fixed, so two runs of the same code agree.
With --diff, each article is extracted with the knowledge files of the folder given and with the current ones,
and every value that differs is printed, then how many articles each field changed in.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

if os.environ.get("PYTHONHASHSEED") != "0":  # set order must not make two runs of the same code disagree
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.ingest.pipeline import extract  # noqa: E402
from app.ingest.sources import records, to_raw  # noqa: E402
from app.knowledge import Knowledge, knowledge_from, load_knowledge  # noqa: E402
from app.schemas import ArticleCreate  # noqa: E402
from bench.corpus import variants  # noqa: E402

FOLDERS = [ROOT / "seeds", ROOT / "tests" / "corpus" / "articles", ROOT / "tests" / "heldout" / "articles"]


def raw_articles(n: int):
    for record in records([str(f) for f in FOLDERS]):
        if record.article is not None:
            name = record.label.removeprefix(f"{ROOT}/")  # the same name in any checkout of the repository
            yield name, record.article
            yield (
                f"{name} (text only)",
                dataclasses.replace(record.article, title=None, outlet=None, published_at=None, url=None),
            )
    for i, payload in enumerate(variants(n)):
        yield f"variant {i}", to_raw(ArticleCreate(**payload), source=f"variant:{i}")
        yield f"variant {i} (text only)", to_raw(ArticleCreate(text=payload["text"]), source=f"variant:{i}")


def fingerprint(extraction) -> str:
    fields = dataclasses.asdict(extraction)
    fields.pop("raw")
    fields.pop("extractor_version")  # it holds the knowledge files' digest: any edit of them changes it
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def values(extraction) -> dict[str, object]:
    """Every value of an extraction, but its raw article and version, by its path ('events[0].title')."""
    fields = dataclasses.asdict(extraction)
    fields.pop("raw")
    fields.pop("extractor_version")
    return dict(_flattened(fields, ""))


def _flattened(value, path: str):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flattened(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _flattened(item, f"{path}[{index}]")
    else:
        yield path, value


def _shown(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def print_differences(n: int, before: Knowledge, after: Knowledge) -> int:
    """Print each article whose extraction differs between the two knowledges, with the values that differ."""
    fields: Counter = Counter()  # a field, without list indexes -> the articles it differs in
    articles = differing = 0
    for name, raw in raw_articles(n):
        articles += 1
        old, new = values(extract(raw, before)), values(extract(raw, after))
        changed = [path for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]
        if changed:
            differing += 1
            print(name)
            for path in changed:
                print(f"    {path}: {_shown(old.get(path))} -> {_shown(new.get(path))}")
            fields.update({re.sub(r"\[\d+\]", "[]", path) for path in changed})
    for field, count in fields.most_common():
        print(f"{count:6} articles: {field}")
    print(f"{articles} articles, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1500, help="generated variants (default 1500)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the fingerprints to this JSON file")
    group.add_argument("--compare", type=Path, help="compare with fingerprints saved earlier")
    group.add_argument(
        "--diff",
        type=Path,
        metavar="KNOWLEDGE_DIR",
        help="a copy of app/knowledge made before an edit: print what the edit changed",
    )
    args = parser.parse_args()
    knowledge = load_knowledge()
    if args.diff:
        return print_differences(args.n, knowledge_from(args.diff), knowledge)
    prints = {name: fingerprint(extract(raw, knowledge)) for name, raw in raw_articles(args.n)}
    if args.save:
        args.save.write_text(json.dumps(prints, indent=0))
        print(f"{len(prints)} fingerprints saved to {args.save}")
        return 0
    saved = json.loads(args.compare.read_text())
    differing = sorted(name for name in saved.keys() | prints.keys() if saved.get(name) != prints.get(name))
    for name in differing:
        print(f"differs: {name}")
    print(f"{len(prints)} articles, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
