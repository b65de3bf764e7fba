"""Varied read requests: each draws its own filter values and search words from the database's own data.

    python bench/draws.py --db bench/out/bench.db --kind search -n 5 # print a few draws (ours, then Datasette)

A client of the API does not send one URL sixteen times: each request carries its own outlet, date window,
actor or words. The draws come, with a fixed seed, from what the database holds:

* ``articles``: an outlet (drawn in proportion to its articles, so large outlets come up most, as they do in
  use), a publication window of one month to five years inside the corpus's dates, sorted ``-published``;
* ``events``: an event date window of one month to five years; every other draw also names an actor (drawn
  in proportion to the events it is linked to), by its canonical name;
* ``search``: two words of one article (drawn from its title and body, four letters or more, not among the
  commonest English words), so that every query matches something; in a topical corpus most words match
  thousands of articles, which is the case a search must hold up in;
* ``detail``: an event id, uniformly.

Each draw is also written for Datasette's table view over the same file, in its own syntax (``__gte`` /
``__lte``, ``_search`` with ``_fts_table``, ``_sort_desc``), showing the columns our list shows (``_col``),
50 rows a page, without facets or counts (``_nofacet``, ``_nocount``): counting is work our API does and
Datasette is spared, so its figures are an upper bound. Events and details have no Datasette form (None).
"""

import argparse
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import Engine, bindparam, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402

KINDS = ("articles", "events", "search", "detail")
PAGE = 50
WINDOWS = (30, 1826)  # days: one month to five years
VOCABULARY_ARTICLES = 2000  # articles whose words the search draws use
LISTED_COLUMNS = ("id", "title", "outlet", "url", "published_at", "language")  # what our article list shows
_WORD = re.compile(r"[a-z]{4,}")
# Words too common to be what someone searches for (English function words of four letters or more).
_STOPWORDS = """that this with from have were been their there which would about after also they them than then these
those what when where while will into more most other some such only over said says under upon very just being does
could should because before between both each during further here itself once same through until again against
below above down having whom your yours ours"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass(frozen=True)
class Draw:
    ours: str  # the path and query of our API
    datasette: str | None  # the same request to Datasette's table view, None when it has no equivalent


def draws(engine: Engine, kind: str, n: int, seed: int, database: str = "bench") -> list[Draw]:
    """``n`` requests of ``kind`` (see the module docstring), the same for the same database and seed.

    ``database`` is the name Datasette serves the file under (the file's stem)."""
    rng = random.Random(f"{kind}-{seed}")
    with engine.connect() as conn:
        if kind == "articles":
            outlets = conn.execute(
                text("SELECT outlet, count(*) FROM article WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY outlet")
            ).all()
            low, high = _span(conn, "SELECT min(published_at), max(published_at) FROM article")
            names, weights = [o for o, _c in outlets], [c for _o, c in outlets]
            return [_article_draw(rng.choices(names, weights)[0], *_window(rng, low, high), database) for _ in range(n)]
        if kind == "events":
            actors = conn.execute(
                text(
                    "SELECT actor.name, count(*) FROM event_actor JOIN actor ON actor.id = event_actor.actor_id "
                    "GROUP BY actor.name ORDER BY actor.name"
                )
            ).all()
            low, high = _span(conn, "SELECT min(date), max(date) FROM event")
            names, weights = [a for a, _c in actors], [c for _a, c in actors]
            result = []
            for i in range(n):
                start, end = _window(rng, low, high)
                fields = {"date_from": start.isoformat(), "date_to": end.isoformat()}
                if i % 2 and names:
                    fields["actor"] = rng.choices(names, weights)[0]
                result.append(Draw("/events?" + urlencode(fields), None))
            return result
        if kind == "search":
            vocabulary = _vocabulary(conn, rng)
            result = []
            for _ in range(n):
                words = rng.choice(vocabulary)
                first = rng.choice(words)
                second = rng.choice([w for w in words if w != first])
                result.append(_search_draw(f"{first} {second}", database))
            return result
        if kind == "detail":
            ids = conn.execute(text("SELECT id FROM event ORDER BY id")).scalars().all()
            return [Draw(f"/events/{rng.choice(ids)}", None) for _ in range(n)]
    raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")


def _span(conn, sql: str) -> tuple[dt.date, dt.date]:
    low, high = conn.execute(text(sql)).one()
    return _date(low), _date(high)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _window(rng: random.Random, low: dt.date, high: dt.date) -> tuple[dt.date, dt.date]:
    length = rng.randint(*WINDOWS)
    latest_start = max((high - low).days - length, 0)
    start = low + dt.timedelta(days=rng.randint(0, latest_start))
    return start, start + dt.timedelta(days=length)


def _article_draw(outlet: str, start: dt.date, end: dt.date, database: str) -> Draw:
    ours = {"outlet": outlet, "published_from": start.isoformat(), "published_to": end.isoformat()}
    theirs = {
        "outlet": outlet,
        "published_at__gte": start.isoformat(),
        "published_at__lte": end.isoformat(),
        "_sort_desc": "published_at",
    }
    return Draw("/articles?" + urlencode({**ours, "sort": "-published"}), _datasette(database, theirs))


def _search_draw(words: str, database: str) -> Draw:
    theirs = {"_search": words, "_fts_table": "article_fts", "_fts_pk": "id"}
    return Draw("/articles?" + urlencode({"q": words}), _datasette(database, theirs))


def _datasette(database: str, fields: dict[str, str]) -> str:
    columns = [("_col", c) for c in LISTED_COLUMNS if c != "id"]  # Datasette always shows the primary key
    common = [("_size", PAGE), ("_nofacet", 1), ("_nocount", 1)]
    return f"/{database}/article.json?" + urlencode([*fields.items(), *columns, *common])


def _vocabulary(conn, rng: random.Random) -> list[list[str]]:
    """The searchable words of ``VOCABULARY_ARTICLES`` articles drawn at random (one list each, a word as often
    as the article uses it: a search draws the words an article is about more often than those it names once)."""
    low, high = conn.execute(text("SELECT min(id), max(id) FROM article")).one()
    ids = sorted({rng.randint(low, high) for _ in range(VOCABULARY_ARTICLES)})
    statement = text("SELECT title, clean_text FROM article WHERE id IN :ids ORDER BY id").bindparams(
        bindparam("ids", expanding=True)
    )
    vocabulary = []
    for title, body in conn.execute(statement, {"ids": ids}).all():
        words = [w for w in _WORD.findall(f"{title} {body}".lower()) if w not in STOPWORDS]
        if len(set(words)) > 1:
            vocabulary.append(words)
    return vocabulary


def write_paths(paths: list[str], out: Path) -> None:
    """One path a line, for ``bench/wrk_report.lua``."""
    out.write_text("".join(p + "\n" for p in paths))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "bench.db")
    parser.add_argument("--kind", choices=KINDS, default="search")
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.db.resolve()}")
    for draw in draws(engine, args.kind, args.n, args.seed, args.db.stem):
        print(draw.ours)
        if draw.datasette:
            print("  ", draw.datasette)
    return 0


if __name__ == "__main__":
    sys.exit(main())
