"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector, chosen by the session's dialect.

The query language is the same on both: words (all must match, stemmed), "quoted phrases", ``OR`` between
two terms, ``-word`` to exclude, and ``word*`` for a prefix. Anything else in ``q`` is ignored, so no input
can break the database's own query syntax.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Double, bindparam, cast, column, func, literal_column, or_, select, table
from sqlalchemy.sql import Select
from sqlmodel import Session

from app.errors import InvalidParameter
from app.search_schema import TS_CONFIG
from app.services.pagination import SortKey

MAX_TERMS = 20
# Relevance ranks the most recently added matches, this many at most (see ``restrict``); a search counts its
# matches up to the same number, and says past it that its total is a lower bound.
CANDIDATES = 1000
TOTAL_LIMIT = CANDIDATES
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Narrowed:
    """A query narrowed to the rows matching ``q``: its sort keys when ranked by relevance, and the query whose
    rows ``total`` counts, up to ``TOTAL_LIMIT`` + 1 (past ``TOTAL_LIMIT``, the total is a lower bound)."""

    query: Select
    keys: list[SortKey] | None
    counted: Select
    # ``query`` selects, after the listed columns, the count of ``counted``'s rows (see ``Paged``)
    counted_in_rows: bool = False
    widen: Callable[[Select], Select] | None = None  # see ``Paged``


@dataclass(frozen=True)
class SearchQuery:
    """Parsed ``q``: every group must match (a group matches if any of its terms does); no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    def fts5(self) -> str:
        def term(t: Term) -> str:
            return f'"{" ".join(t.words)}"' + ("*" if t.prefix else "")

        def group(g: tuple[Term, ...]) -> str:
            return term(g[0]) if len(g) == 1 else "(" + " OR ".join(term(t) for t in g) + ")"

        expression = " AND ".join(group(g) for g in self.groups)
        for t in self.excluded:
            expression += f" NOT {term(t)}"
        return expression

    def tsquery(self) -> str:
        def term(t: Term) -> str:
            joined = " <-> ".join(t.words)
            return (joined + ":*") if t.prefix else (f"({joined})" if len(t.words) > 1 else joined)

        parts = ["(" + " | ".join(term(t) for t in g) + ")" for g in self.groups]
        parts += [f"!{term(t)}" for t in self.excluded]
        return " & ".join(parts)


def parse(q: str) -> SearchQuery:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(q):
        negative, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            join_next = bool(groups)
            continue
        prefix = False
        if bare is not None:
            negative = "-" if bare.startswith("-") and len(bare) > 1 else ""
            prefix = bare.endswith("*")
            phrase = bare
        words = tuple(w.lower() for w in _WORD.findall(phrase or ""))
        if not words:
            continue
        found = Term(words, prefix=prefix and len(words) == 1)
        if negative:
            excluded.append(found)
        elif join_next:
            groups[-1].append(found)
        else:
            groups.append([found])
        join_next = False
    if not groups:
        raise InvalidParameter("q has no word to search for: give at least one word that is not excluded.")
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        raise InvalidParameter(f"q has too many terms: at most {MAX_TERMS}.")
    return SearchQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def bound_query(dialect: str, q: str) -> str:
    """``q`` in the database's own query syntax, to bind for ``match``."""
    parsed = parse(q)
    return parsed.tsquery() if dialect == "postgresql" else parsed.fts5()


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def restrict(
    dialect: str, query: Select, table_name: str, id_column, name: str, relevance: bool, alone: bool
) -> Narrowed:
    """``query`` narrowed to the rows matching the query bound to ``name``.

    With ``relevance``, the rows are ranked, but only the ``CANDIDATES`` most recently added of those matching
    (the highest ids): both databases hand out matches in id order without scoring them, so a common word no
    longer costs a score for each of its tens of thousands of matches on every page. ``alone``: ``q`` is the
    only filter, so on SQLite the full-text table alone answers which rows match."""
    if dialect == "postgresql":
        ts_query = func.to_tsquery(TS_CONFIG, bindparam(name))
        vector = literal_column(f"{table_name}.search")
        matching = query.where(vector.op("@@")(ts_query))
        score = cast(func.ts_rank_cd(vector, ts_query), Double)
        ids = matching.with_only_columns(id_column.label("id"))
        scored = matching.with_only_columns(id_column.label("id"), score.label("score")).order_by(id_column.desc())
        best_first = True
    else:
        fts_name = f"{table_name}_fts"
        fts = table(fts_name, column("rowid"))
        matches = literal_column(fts_name).op("MATCH")(bindparam(name))
        matching = query.join(fts, fts.c.rowid == id_column).where(matches)
        # bm25: lower is better; the title weighs ten times the body.
        score = func.bm25(literal_column(fts_name), 10.0, 1.0)
        ids = (
            select(fts.c.rowid.label("id")).where(matches)
            if alone
            else matching.with_only_columns(id_column.label("id"))
        )
        scored = ids.add_columns(score.label("score")).order_by(fts.c.rowid.desc())
        best_first = False
    counted = ids.limit(TOTAL_LIMIT + 1)
    if not relevance:
        return Narrowed(matching, None, counted)
    # One more than the candidates is read, so that counting them counts the matches up to TOTAL_LIMIT + 1 in the
    # same read (the separate count read as many rows again); that one, the oldest, is not ranked.
    latest = scored.limit(CANDIDATES + 1).subquery("latest")
    candidates = select(
        latest.c.id, latest.c.score, func.count().over().label("matched"), func.min(latest.c.id).over().label("oldest")
    ).subquery("candidate")
    ranked = select(candidates.c.id, candidates.c.matched).where(
        or_(candidates.c.matched <= CANDIDATES, candidates.c.id > candidates.c.oldest)
    )
    keys = [SortKey(candidates.c.score, descending=best_first), SortKey(candidates.c.id, descending=True)]

    def widen(page: Select) -> Select:
        """The rows of a page of ``ranked`` (ordered and limited), read only once ranked: sorting the candidates
        with all the listed columns read every candidate's row in full (and past its long texts)."""
        ranks = page.subquery("page")
        order = [SortKey(ranks.c[f"_k{i}"], descending=key.descending).order() for i, key in enumerate(keys)]
        columns = [*query.selected_columns, ranks.c.matched, *(ranks.c[f"_k{i}"] for i in range(len(keys)))]
        return select(*columns).join(ranks, ranks.c.id == id_column).order_by(*order)

    return Narrowed(ranked, keys, counted, counted_in_rows=True, widen=widen)
