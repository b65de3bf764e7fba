"""The persistence step: the only stage that touches the database.

A single article is written in one transaction. The bulk ingest writes many articles per transaction: it
passes a ``LinkBatch`` (link rows and event counts written once per transaction) and an ``EventIndex`` (the
stored events it has seen, kept in memory for the transaction) and commits or rolls back all three together.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Engine,
    Pool,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.ingest.dates import YEARLESS, month_day
from app.ingest.text import lookup_key
from app.ingest.types import EntityLink, EntityRef, EventParticipant, ExtractedEvent, Extraction
from app.knowledge import Knowledge
from app.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleBase,
    ArticleEvent,
    BaseAlias,
    Event,
    EventActor,
    EventBase,
    MilitaryBase,
    utcnow,
)
from app.search_schema import CLEAR_PENDING_EVENTS, DEFER_INDEXING, INDEX_ARTICLES, INDEX_EVENTS, RESUME_INDEXING

MATCH_WINDOW = timedelta(days=2)  # two reports that state the day of one order disagree by a day or two at most
# How long after an order a report of it may appear: a report that states no date is dated by its publication,
# which may be this much later than the order.
REPORT_LAG = timedelta(days=10)
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "none": 3}


@dataclass(frozen=True)
class Persisted:
    article_id: int
    created: bool


class EntityCache:
    """Ids of canonical actors and bases already in the database, so that a bulk ingest asks only once.

    Ids created inside a transaction stay pending until ``commit()``; ``discard()`` forgets them after a
    rollback, so the cache never hands out an id the database does not hold. ``known`` may be shared by the
    caches of many transactions on one database (see ``shared_ids``): committed ids never change, since actors
    and bases are never deleted.
    """

    def __init__(self, known: dict[tuple[str, str], int] | None = None) -> None:
        self._known: dict[tuple[str, str], int] = {} if known is None else known
        self._pending: dict[tuple[str, str], int] = {}

    def get(self, key: tuple[str, str]) -> int | None:
        return self._known.get(key) or self._pending.get(key)

    def add(self, key: tuple[str, str], value: int) -> None:
        self._pending[key] = value

    def commit(self) -> None:
        self._known.update(self._pending)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()


_SHARED_IDS: "WeakKeyDictionary[Pool, dict[tuple[str, str], int]]" = WeakKeyDictionary()


def shared_ids(engine: Engine) -> dict[tuple[str, str], int]:
    """The committed actor and base ids of one database, kept as long as its engine's connection pool (which
    the engine's variants with other options share), so that writes of one article at a time (the API's)
    look each entity up once, not once per article."""
    return _SHARED_IDS.setdefault(engine.pool, {})


# Statements built once: building SQLAlchemy constructs per article costs more than running them.
_DUPLICATE = (
    select(Article.id)
    .where(or_(Article.content_hash == bindparam("content_hash"), Article.url == bindparam("url")))
    .limit(1)
)
_INSERT_ARTICLE = insert(Article).returning(Article.id)
# Where the dialect has it, "INSERT ... ON CONFLICT DO NOTHING RETURNING" checks for duplicates (same url or
# content hash: the unique columns) and inserts in one statement; no row back means a duplicate.
_INSERT_NEW_ARTICLES = {
    name: dialect.insert(Article.__table__)
    .on_conflict_do_nothing()
    .returning(Article.id, Article.content_hash, Article.url)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_EVENT_COLUMNS = (
    Event.id,
    Event.type,
    Event.country,
    Event.forces_of,
    Event.date,
    Event.date_precision,
    Event.effective_date,
    Event.place,
    Event.figures,
    Event.ordering_actor_id,
    Event.month_day,
    Event.date_stated,
    Event.weekday,
)


@lru_cache(maxsize=8)
def similar_events(country_given: bool, forces_given: bool, dated: bool = False):
    """The stored events of one (country, forces_of), in id order; within a date range (low, high) or undated if
    ``dated``.
    The caller keeps those of its type (see _of_type).

    A missing country or force is matched with IS NULL and a given one with "=" (one statement for each
    combination, built once): PostgreSQL cannot answer IS NOT DISTINCT FROM from an index. So both databases read
    the group from ix_event_forces_country, instead of every event of one force. The type is left out of the WHERE clause: with it, SQLite (which has no statistics) preferred
    ix_event_type, which holds every event."""
    where = [
        Event.country == bindparam("country") if country_given else Event.country.is_(None),
        Event.forces_of == bindparam("forces_of") if forces_given else Event.forces_of.is_(None),
    ]
    if dated:  # and the undated events, which any dated report may turn out to date
        where.append(or_(Event.date.between(bindparam("low"), bindparam("high")), Event.date.is_(None)))
    return select(*_EVENT_COLUMNS).where(*where).order_by(Event.id)


def _of_type(rows, type_: str) -> list["StoredEvent"]:
    return [StoredEvent(*row) for row in rows if row.type == type_]


_EVENT_BY_KEY = select(*_EVENT_COLUMNS).where(Event.key == bindparam("key"))
_INSERT_EVENT = {
    name: dialect.insert(Event.__table__).on_conflict_do_nothing(index_elements=["key"]).returning(Event.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_REFRESH_COUNTS = (
    update(Event.__table__)
    .where(Event.id.in_(bindparam("ids", expanding=True)))
    .values(
        article_count=select(func.count(ArticleEvent.article_id))
        .where(ArticleEvent.event_id == Event.id)
        .scalar_subquery(),
        source_count=select(func.count(func.distinct(Article.outlet)))
        .join(ArticleEvent, ArticleEvent.article_id == Article.id)
        .where(ArticleEvent.event_id == Event.id)
        .scalar_subquery(),
        updated_at=bindparam("now"),
    )
)
_LOCK_EVENTS = (
    select(Event.id)
    .where(Event.id.in_(bindparam("ids", expanding=True)))
    .order_by(Event.id)
    .with_for_update(key_share=True)
)
_LINK_TABLES: tuple[Table, ...] = tuple(
    m.__table__ for m in (ArticleActor, ArticleBase, ArticleEvent, EventActor, EventBase)
)
_ALIAS_TABLES: dict[str, Table] = {"actor": ActorAlias.__table__, "base": BaseAlias.__table__}  # by EntityRef.kind
_INSERT_ROWS = {table: insert(table) for table in (*_ALIAS_TABLES.values(), *_LINK_TABLES)}


@dataclass
class StoredEvent:
    """What event matching needs of a stored event (a plain row, not an ORM object)."""

    id: int
    type: str
    country: str | None
    forces_of: str | None
    date: date | None
    date_precision: str
    effective_date: date | None
    place: str | None
    figures: dict
    ordering_actor_id: int | None
    month_day: str | None = None
    date_stated: bool = True
    weekday: int | None = None


class EventIndex:
    """Stored events by (type, country, forces_of), each group read once and then kept current in memory.

    Owned by one bulk ingest: events it creates or refines are recorded here as they are written, so the index
    agrees with the database inside its transaction. ``clear()`` after a rollback, and when another writer
    committed since the owner's last transaction (the groups are read again); the unique ``Event.key`` still
    guards against duplicates written by anyone else.
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str | None, str | None], list[StoredEvent]] = {}

    def similar(self, session: Session, type_: str, country: str | None, forces_of: str | None) -> list[StoredEvent]:
        group = self._groups.get((type_, country, forces_of))
        if group is None:
            params = {"country": country, "forces_of": forces_of}
            rows = session.connection().execute(similar_events(country is not None, forces_of is not None), params)
            group = self._groups[(type_, country, forces_of)] = _of_type(rows, type_)
        return group

    def add(self, event: StoredEvent) -> None:
        group = self._groups.get((event.type, event.country, event.forces_of))
        if group is not None and all(e.id != event.id for e in group):
            group.append(event)
            group.sort(key=lambda e: e.id)

    def clear(self) -> None:
        self._groups.clear()


class LinkBatch:
    """Link rows, alias rows of new actors and bases, and touched events of the articles written so far in a
    transaction, inserted in one go.

    ``flush()`` writes them (one executemany per table) and refreshes the counts of the touched events; it must
    run before the commit. ``discard()`` forgets them after a rollback.
    """

    def __init__(self) -> None:
        self.rows: dict[Table, list[dict]] = {table: [] for table in _INSERT_ROWS}
        self.touched: set[int] = set()
        self.unindexed: list[int] | None = None  # SQLite: new articles whose full-text indexing waits for flush()

    def defer_indexing(self, session: Session) -> None:
        """SQLite: index the transaction's new articles and events in one statement each at ``flush()`` (see
        search_schema)."""
        if self.unindexed is None and _dialect(session) == "sqlite":
            session.connection().exec_driver_sql(DEFER_INDEXING)
            self.unindexed = []

    def flush(self, session: Session) -> None:
        connection = session.connection()
        for table, rows in self.rows.items():
            if rows:
                connection.execute(_INSERT_ROWS[table], rows)
                rows.clear()
        refresh_counts(session, self.touched)
        self.touched.clear()
        if self.unindexed is not None:
            if self.unindexed:
                ids = ", ".join(str(int(i)) for i in self.unindexed)
                connection.exec_driver_sql(INDEX_ARTICLES.format(ids=ids))
            connection.exec_driver_sql(INDEX_EVENTS)
            connection.exec_driver_sql(CLEAR_PENDING_EVENTS)
            connection.exec_driver_sql(RESUME_INDEXING)
            self.unindexed = None

    def discard(self) -> None:
        for rows in self.rows.values():
            rows.clear()
        self.touched.clear()
        self.unindexed = None


def _dialect(session: Session) -> str:
    return session.connection().dialect.name


def find_duplicate(session: Session, url: str | None, content_hash: str) -> int | None:
    """The id of a stored article with the same url or the same normalised content, if any."""
    return session.connection().execute(_DUPLICATE, {"content_hash": content_hash, "url": url}).scalar()


def persist(
    session: Session,
    extraction: Extraction,
    knowledge: Knowledge,
    cache: EntityCache | None = None,
    *,
    batch: LinkBatch | None = None,
    index: EventIndex | None = None,
) -> Persisted:
    """Store an extracted article with all its links, or return the stored duplicate. Caller commits.

    With a ``batch``, the links are left in it for the caller to flush before committing.
    """
    return persist_many(session, [extraction], knowledge, cache, batch=batch, index=index)[0]


def persist_many(
    session: Session,
    extractions: list[Extraction],
    knowledge: Knowledge,
    cache: EntityCache | None = None,
    *,
    batch: LinkBatch | None = None,
    index: EventIndex | None = None,
) -> list[Persisted]:
    """``persist`` for each extraction, in order, with the new articles inserted in one statement."""
    if batch is not None:
        batch.defer_indexing(session)
    results = []
    for extraction, article_id in zip(extractions, insert_articles(session, extractions), strict=True):
        if article_id is None:
            duplicate = find_duplicate(session, extraction.metadata.url, extraction.content_hash)
            results.append(Persisted(duplicate, created=False))
            continue
        if batch is not None and batch.unindexed is not None:
            batch.unindexed.append(article_id)
        write_links(session, article_id, extraction, knowledge, cache, batch=batch, index=index)
        results.append(Persisted(article_id, created=True))
    return results


def insert_articles(session: Session, extractions: list[Extraction]) -> list[int | None]:
    """Insert the articles of ``extractions`` that are new; the id of each, in order, or None for one with the
    url or content of an article stored before or earlier in the list.

    Where the dialect has it, one "INSERT ... ON CONFLICT DO NOTHING RETURNING" takes them all (SQLAlchemy sends
    it as multi-row VALUES): a row that collides with a unique column is skipped and sends nothing back. The
    rows come back in no promised order, so each is told by its (content_hash, url), which no two inserted rows
    share; of two articles with the same pair, only the first can have been inserted.
    """
    now = utcnow()
    rows = [_article_row(extraction, now) for extraction in extractions]
    connection = session.connection()
    insert_new = _INSERT_NEW_ARTICLES.get(connection.dialect.name)
    if insert_new is None:
        ids: list[int | None] = []
        for row in rows:
            if find_duplicate(session, row["url"], row["content_hash"]) is not None:
                ids.append(None)
            else:
                ids.append(connection.execute(_INSERT_ARTICLE, row).scalar_one())
        return ids
    if not rows:
        return []
    inserted = {(content_hash, url): id_ for id_, content_hash, url in connection.execute(insert_new, rows)}
    return [inserted.pop((row["content_hash"], row["url"]), None) for row in rows]


def _article_row(extraction: Extraction, now) -> dict:
    meta = extraction.metadata
    raw = extraction.raw
    return {
        "url": meta.url,
        "title": meta.title,
        "outlet": meta.outlet,
        "published_at": meta.published_at,
        "language": meta.language,
        "source": raw.source,
        "raw_format": raw.raw_format,
        "raw_text": raw.raw,
        "clean_text": extraction.clean.text,
        "content_hash": extraction.content_hash,
        "extractor_version": extraction.extractor_version,
        "given": given_metadata(raw),
        "created_at": now,
        "updated_at": now,
    }


def given_metadata(raw) -> dict:
    """What the source said about the article, kept so that reprocessing starts from the same facts."""
    values = {
        "title": raw.title,
        "url": raw.url,
        "outlet": raw.outlet,
        "published_at": raw.published_at.isoformat() if raw.published_at else None,
        "language": raw.language,
    }
    return {k: v for k, v in values.items() if v is not None}


def write_links(
    session: Session,
    article_id: int,
    extraction: Extraction,
    knowledge: Knowledge,
    cache: EntityCache | None = None,
    *,
    batch: LinkBatch | None = None,
    index: EventIndex | None = None,
) -> set[int]:
    """Link an article to its actors, bases and events; returns the ids of the events it touched.

    Without a ``batch`` the links are written (and event counts refreshed) before returning.
    """
    cache = cache if cache is not None else EntityCache()
    own_batch = batch is None
    batch = LinkBatch() if batch is None else batch
    version = extraction.extractor_version

    def ident(ref: EntityRef) -> int:
        return entity_id(session, ref, knowledge, cache, batch)

    def evidence(found: EntityLink | ExtractedEvent | EventParticipant) -> dict:
        """The evidence columns of a link row."""
        return {
            "evidence_sentence": found.evidence.sentence,
            "evidence_start": found.evidence.start,
            "evidence_end": found.evidence.end,
            "confidence": round(found.evidence.confidence, 3),
            "extractor_version": version,
        }

    article_actors = _one_row_each(
        [
            {"article_id": article_id, "actor_id": ident(link.entity), "mentions": link.mentions, **evidence(link)}
            for link in extraction.actors
        ],
        "actor_id",
    )
    article_bases = _one_row_each(
        [
            {"article_id": article_id, "base_id": ident(link.entity), "mentions": link.mentions, **evidence(link)}
            for link in extraction.bases
        ],
        "base_id",
    )
    article_events, event_actors, event_bases = [], [], []
    linked: set[int] = set()
    for extracted in sorted(extraction.events, key=lambda e: e.relation != "reports"):
        event_id = match_or_create_event(session, extracted, knowledge, cache, index, batch)
        if event_id in linked:
            continue
        linked.add(event_id)
        article_events.append(
            {"article_id": article_id, "event_id": event_id, "relation": extracted.relation, **evidence(extracted)}
        )
        for rows, participants, column in (
            (event_actors, extracted.actors, "actor_id"),
            (event_bases, extracted.bases, "base_id"),
        ):
            seen: set[tuple[int, str]] = set()
            for participant in participants:
                entity, role = ident(participant.entity), participant.role
                if (entity, role) not in seen:
                    seen.add((entity, role))
                    rows.append(
                        {
                            "event_id": event_id,
                            column: entity,
                            "role": role,
                            "article_id": article_id,
                            **evidence(participant),
                        }
                    )
    links = (article_actors, article_bases, article_events, event_actors, event_bases)
    for table, rows in zip(_LINK_TABLES, links, strict=True):
        batch.rows[table] += rows
    batch.touched |= linked
    if own_batch:
        batch.flush(session)
    return linked


def _one_row_each(rows: list[dict], column: str) -> list[dict]:
    """One link row per entity: two names the article gives may be one stored entity ('Junichiro Koizumi',
    'Koizumi Junichiro'); the first keeps its evidence and counts the mentions of both."""
    by_id: dict[int, dict] = {}
    for row in rows:
        if (kept := by_id.get(row[column])) is None:
            by_id[row[column]] = row
        else:
            kept["mentions"] += row["mentions"]
    return list(by_id.values())


def entity_id(
    session: Session,
    ref: EntityRef,
    knowledge: Knowledge,
    cache: EntityCache | None,
    batch: LinkBatch,
) -> int:
    """The id of the canonical actor or base for ``ref``, created on first sight (safe under concurrency).

    "INSERT ... ON CONFLICT (name) DO NOTHING RETURNING id" creates it, or returns no row when it is already
    stored (by an earlier run, or by another writer a moment ago), in one statement and without a savepoint.
    The aliases of an entity it creates go into ``batch``, to be written by its flush.
    """
    key = (ref.kind, ref.name)
    if cache is not None and (cached := cache.get(key)) is not None:
        return cached
    model, aliases_of = (MilitaryBase, _ALIAS_TABLES["base"]) if ref.kind == "base" else (Actor, _ALIAS_TABLES["actor"])
    connection = session.connection()
    if ref.kind != "base" and ref.type == "person" and ref.origin != "gazetteer":
        # A person discovered before under another order of the same names ('Koizumi Junichiro'): the same actor,
        # stored or still among the batch's aliases.
        keys = {key for key in alias_keys(ref, knowledge) if " " in key}  # full names: a surname is no person's own
        pending = (row["actor_id"] for row in batch.rows[aliases_of] if row["key"] in keys)
        found = next(pending, None) or connection.execute(_PERSON_BY_KEYS, {"keys": sorted(keys)}).scalar()
        if found is not None:
            if cache is not None:
                cache.add(key, found)
            return found
    found = connection.execute(_INSERT_ENTITY[(connection.dialect.name, model)], _entity_row(ref)).scalar()
    if found is None:
        found = connection.execute(_ENTITY_BY_NAME[model], {"name": ref.name}).scalar_one()
    else:
        column = "base_id" if ref.kind == "base" else "actor_id"
        batch.rows[aliases_of] += [{column: found, "key": key} for key in sorted(alias_keys(ref, knowledge))]
    if cache is not None:
        cache.add(key, found)
    return found


_INSERT_ENTITY = {
    (name, model): dialect.insert(model.__table__).on_conflict_do_nothing(index_elements=["name"]).returning(model.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
    for model in (Actor, MilitaryBase)
}


_PERSON_BY_KEYS = (
    select(ActorAlias.actor_id)
    .join(Actor, Actor.id == ActorAlias.actor_id)
    .where(ActorAlias.key.in_(bindparam("keys", expanding=True)), Actor.kind == "person")
    .order_by(ActorAlias.actor_id)
    .limit(1)
)
_ENTITY_BY_NAME = {model: select(model.id).where(model.name == bindparam("name")) for model in (Actor, MilitaryBase)}


def _entity_row(ref: EntityRef) -> dict:
    now = utcnow()
    if ref.kind == "base":
        fields = {
            "province": ref.province,
            "latitude": ref.latitude,
            "longitude": ref.longitude,
        }
    else:
        fields = {"title": ref.title, "origin": ref.origin}
    return {
        "name": ref.name,
        "kind": ref.type,
        "country": ref.country,
        "aliases": list(ref.aliases),
        **fields,
        "created_at": now,
        "updated_at": now,
    }


def alias_keys(ref: EntityRef, knowledge: Knowledge) -> set[str]:
    """The lookup keys of an entity's names; a discovered person's two names also in the other order, as Japanese
    and Hungarian names are written either way ('Junichiro Koizumi', 'Koizumi Junichiro')."""
    surfaces = (ref.name, *ref.aliases)
    if ref.origin == "gazetteer":
        return {key for surface in surfaces for key in knowledge.variants(surface)}
    keys = {lookup_key(surface) for surface in surfaces} - {""}
    if ref.type == "person" and len(words := ref.name.split()) == 2:
        keys.add(lookup_key(f"{words[1]} {words[0]}"))
    return keys


# The date part of an event's key, by precision (only the one needed is computed: strftime is slow).
_STAMPS = {
    "day": date.isoformat,
    "month": lambda day: f"{day.year}-{day.month:02d}",  # what strftime("%Y-%m") gives here, also before 1000
    "year": lambda day: str(day.year),
}


def event_key(extracted: ExtractedEvent) -> str:
    """The natural key of the event a report creates: type, forces, country and date. An undated event has no
    date to tell it from another order of the same forces: the day and month (else the weekday) it gives, if any,
    and its orderer stand in."""
    if extracted.date is None:
        orderer = extracted.orderer.name if extracted.orderer else "-"
        weekday = f"w{extracted.weekday}" if extracted.weekday is not None else ""
        stamp = f"undated{extracted.month_day or weekday}:{orderer}"
    else:
        stamp = _STAMPS[extracted.date_precision](extracted.date)
    parts = (extracted.type, extracted.forces_of or "-", extracted.country or "-", stamp)
    return ":".join(lookup_key(p).replace(" ", "-") if p != "-" else p for p in parts)


def _days_fit(event: StoredEvent, extracted: ExtractedEvent) -> bool:
    """Whether two days can be the day of one order. A day a report states agrees with another stated day
    within MATCH_WINDOW; a report's own date (no date stated) may come up to REPORT_LAG after the order."""
    a, b = event.date, extracted.date
    if event.date_stated and extracted.date_stated:
        return abs(a - b) <= MATCH_WINDOW
    if event.date_stated:  # the event's day is the order's; the report came out on b
        return a - MATCH_WINDOW <= b <= a + REPORT_LAG
    if extracted.date_stated:
        return b - MATCH_WINDOW <= a <= b + REPORT_LAG
    return abs(a - b) <= REPORT_LAG


def _compatible(event: StoredEvent, extracted: ExtractedEvent, orderer_id: int | None) -> bool:
    """Whether the report may be of this stored event: compatible dates, and no other orderer where an undated
    report has only its orderer, its day and month, and its weekday to go by."""
    if event.date is not None and extracted.date is not None:
        a, b = event.date, extracted.date
        coarsest = max(event.date_precision, extracted.date_precision, key=_PRECISION_RANK.get)
        if coarsest == "year":
            return a.year == b.year
        if coarsest == "month":
            return (a.year, a.month) == (b.year, b.month)
        return _days_fit(event, extracted)
    if orderer_id is not None and event.ordering_actor_id not in (None, orderer_id):
        return False
    if _same_weekday(event, extracted) is False:
        return False
    days = [_month_day(event), _month_day(extracted)]
    return None in days or _close_days(*days)


def _same_weekday(event: StoredEvent, extracted: ExtractedEvent) -> bool | None:
    """Whether the weekday an undated report or event gives ('said Tuesday') is the other's (the weekday of the
    day it states, or the one it gives too), within a day; None where either has none to compare."""
    days = [_weekday(event), _weekday(extracted)]
    # A day apart counts as the same: a report of a late-evening order may give the next day.
    return None if None in days else (days[0] - days[1]) % 7 in (0, 1, 6)


def _weekday(event: StoredEvent | ExtractedEvent) -> int | None:
    if event.date is None:
        return event.weekday
    return event.date.weekday() if event.date_precision == "day" and event.date_stated else None


def _month_day(event: StoredEvent | ExtractedEvent) -> str | None:
    if event.date is not None:
        return month_day(event.date) if event.date_precision == "day" else None
    return event.month_day


def _close_days(a: str, b: str) -> bool:
    """Two '--MM-DD' within MATCH_WINDOW of each other (in a leap year, across the turn of the year too)."""
    day = [date(YEARLESS, int(x[2:4]), int(x[5:7])) for x in (a, b)]
    gap = abs(day[0] - day[1])
    return min(gap, timedelta(days=366) - gap) <= MATCH_WINDOW


def _support(event: StoredEvent, extracted: ExtractedEvent, orderer_id: int | None) -> int:
    """How much more than forces and country an undated report shares with a stored event: the day and month
    or the weekday (compatible ones: see _compatible), the place, the orderer."""
    same_day = (_month_day(event) is not None and _month_day(extracted) is not None) or bool(
        _same_weekday(event, extracted)
    )
    same_place = extracted.place is not None and event.place == extracted.place
    same_orderer = orderer_id is not None and event.ordering_actor_id == orderer_id
    return 2 * same_day + 2 * same_place + same_orderer


def _choose(candidates: list[StoredEvent], extracted: ExtractedEvent, orderer_id: int | None) -> StoredEvent | None:
    """The stored event a report is of, among compatible ones (in id order: ties go to the oldest).

    A dated report takes the most precise, closest dated event, else an undated one it may date. An undated
    report takes the event it shares most with (the day and month, the orderer), else the only candidate; with
    several and nothing to choose by, it makes an event of its own rather than guess.
    """
    if extracted.date is not None:
        dated = [e for e in candidates if e.date is not None]
        if dated:
            return min(dated, key=lambda e: (_PRECISION_RANK[e.date_precision], abs(e.date - extracted.date)))
        return max(candidates, key=lambda e: _support(e, extracted, orderer_id), default=None)
    if not candidates:
        return None
    best = max(candidates, key=lambda e: _support(e, extracted, orderer_id))
    if _support(best, extracted, orderer_id) > 0 or len(candidates) == 1:
        return best
    return None


def match_or_create_event(
    session: Session,
    extracted: ExtractedEvent,
    knowledge: Knowledge,
    cache: EntityCache | None,
    index: EventIndex | None,
    batch: LinkBatch,
) -> int:
    """The stored event this statement refers to (same type, forces and country, compatible date), or a new one.
    ``batch`` takes the aliases of an orderer it creates (see entity_id)."""
    if index is not None:
        pool = index.similar(session, extracted.type, extracted.country, extracted.forces_of)
    else:
        statement = similar_events(
            extracted.country is not None, extracted.forces_of is not None, dated=extracted.date is not None
        )
        params = {"country": extracted.country, "forces_of": extracted.forces_of}
        if extracted.date is not None:
            params.update(low=extracted.date - timedelta(days=366), high=extracted.date + timedelta(days=366))
        pool = _of_type(session.connection().execute(statement, params), extracted.type)
    orderer_id = entity_id(session, extracted.orderer, knowledge, cache, batch) if extracted.orderer else None
    event = _choose([e for e in pool if _compatible(e, extracted, orderer_id)], extracted, orderer_id)
    if event is not None:
        _enrich(session, event, extracted, orderer_id)
        _link_to_order(session, event.id, extracted)
        return event.id
    key = event_key(extracted)
    now = utcnow()
    row = {
        "key": key,
        "type": extracted.type,
        "cameo_code": extracted.cameo_code,
        "title": extracted.title,
        "date": extracted.date,
        "date_precision": extracted.date_precision,
        "month_day": extracted.month_day if extracted.date is None else None,
        "weekday": extracted.weekday if extracted.date is None else None,
        "date_stated": extracted.date_stated,
        "effective_date": extracted.effective_date,
        "place": extracted.place,
        "country": extracted.country,
        "forces_of": extracted.forces_of,
        "summary": extracted.summary,
        "ordering_actor_id": orderer_id,
        "figures": dict(extracted.figures),
        "article_count": 0,
        "source_count": 0,
        "created_at": now,
        "updated_at": now,
    }
    insert_event = _INSERT_EVENT.get(_dialect(session))
    if insert_event is None:
        try:
            with session.begin_nested():
                event_id = session.connection().execute(insert(Event).returning(Event.id), row).scalar_one()
        except IntegrityError:
            event_id = None
    else:
        event_id = session.connection().execute(insert_event, row).scalar()
    if event_id is None:  # another writer stored an event with this key first: use theirs
        stored = StoredEvent(*session.connection().execute(_EVENT_BY_KEY, {"key": key}).one())
    else:
        stored = StoredEvent(
            event_id,
            extracted.type,
            extracted.country,
            extracted.forces_of,
            extracted.date,
            extracted.date_precision,
            extracted.effective_date,
            extracted.place,
            row["figures"],
            orderer_id,
            row["month_day"],
            extracted.date_stated,
            row["weekday"],
        )
    if index is not None:
        index.add(stored)
    _link_to_order(session, stored.id, extracted)
    return stored.id


def _link_to_order(session: Session, event_id: int, extracted: ExtractedEvent) -> None:
    """A pull-out carries out the latest order of the same forces from the same country given before it (any
    such order, for an undated pull-out), if it is not linked to one yet."""
    if extracted.carries_out is None:
        return
    order = Event.__table__.alias("order_event")
    latest = (
        select(order.c.id)
        .where(
            order.c.type == extracted.carries_out,
            order.c.forces_of == extracted.forces_of if extracted.forces_of else order.c.forces_of.is_(None),
            order.c.country == extracted.country if extracted.country else order.c.country.is_(None),
            order.c.date <= extracted.date if extracted.date else true(),
        )
        .order_by(order.c.date.desc().nulls_last(), order.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    table = Event.__table__
    session.connection().execute(
        update(table)
        .where(table.c.id == event_id, table.c.carries_out_id.is_(None))
        .values(carries_out_id=func.coalesce(latest, table.c.carries_out_id))
    )


def _dates_better(event: StoredEvent, extracted: ExtractedEvent) -> bool:
    """Whether a report dates the event better: more precisely, or by a day it states where the event has only
    a report's own date."""
    if extracted.relation != "reports" or extracted.date is None:
        return False
    rank, stored_rank = _PRECISION_RANK[extracted.date_precision], _PRECISION_RANK[event.date_precision]
    if rank != stored_rank:
        return rank < stored_rank
    if extracted.date_stated != event.date_stated:
        return extracted.date_stated
    # Two reports without a stated day: the earlier publication is the closer to the order.
    return not event.date_stated and extracted.date < event.date


def _enrich(session: Session, event: StoredEvent, extracted: ExtractedEvent, orderer_id: int | None) -> None:
    """A better-dated report refines the event's date (a month recalled in passing, then the day reported; an
    undated event, then a dated report); missing facts are filled in."""
    changes: dict = {}
    if _dates_better(event, extracted):
        event.date, event.date_precision = extracted.date, extracted.date_precision
        event.date_stated, event.month_day, event.weekday = extracted.date_stated, None, None
        changes.update(date=event.date, date_precision=event.date_precision, date_stated=event.date_stated)
        changes.update(month_day=None, weekday=None, summary=extracted.summary)
        key = event_key(extracted)
        if session.connection().execute(_EVENT_BY_KEY, {"key": key}).first() is None:
            changes["key"] = key  # else another event holds that key: this one keeps its own
    elif event.date is None:
        if event.month_day is None and extracted.month_day is not None:
            event.month_day = changes["month_day"] = extracted.month_day
        if event.weekday is None and extracted.weekday is not None:
            event.weekday = changes["weekday"] = extracted.weekday
    for field in ("effective_date", "place"):
        if getattr(event, field) is None and getattr(extracted, field) is not None and extracted.relation == "reports":
            setattr(event, field, getattr(extracted, field))
            changes[field] = getattr(extracted, field)
    if extracted.figures and not event.figures:
        event.figures = changes["figures"] = dict(extracted.figures)
    if event.ordering_actor_id is None and orderer_id is not None:
        event.ordering_actor_id = changes["ordering_actor_id"] = orderer_id
        changes["title"] = extracted.title
    if changes:
        changes["updated_at"] = utcnow()
        params = {"event_id": event.id, **{f"new_{column}": value for column, value in changes.items()}}
        session.connection().execute(_update_event(tuple(changes)), params)


@lru_cache(maxsize=64)
def _update_event(columns: tuple[str, ...]):
    """UPDATE of just these columns of one event (built once per combination of columns)."""
    table = Event.__table__
    values = {column: bindparam(f"new_{column}", type_=table.c[column].type) for column in columns}
    return update(table).where(table.c.id == bindparam("event_id")).values(values)


def refresh_counts(session: Session, event_ids) -> None:
    """Recompute article and distinct-outlet counts of the given events from their links.

    On PostgreSQL the events are locked first, in a statement of their own: the counting statement then starts
    (and takes its snapshot) only after any other writer that is counting them has committed, so it sees that
    writer's links. Counted in one statement, a writer that waited for the other's row lock would count from
    the snapshot it took before waiting and miss the other's links. The lock is FOR NO KEY UPDATE, the lock the
    counting UPDATE takes anyway: FOR UPDATE would also wait for the KEY SHARE locks that inserting link rows
    takes on their events, and two writers linking the same two events would deadlock. (SQLite has one writer
    at a time.)
    """
    ids = sorted(set(event_ids))
    if ids:
        if _dialect(session) != "sqlite":
            session.connection().execute(_LOCK_EVENTS, {"ids": ids}).all()
        session.connection().execute(_REFRESH_COUNTS, {"ids": ids, "now": utcnow()})


def unlink_article(session: Session, article_id: int) -> set[int]:
    """Remove every link of an article (for reprocessing or deletion); returns the events it touched."""
    touched = set(session.exec(select(ArticleEvent.event_id).where(ArticleEvent.article_id == article_id)))
    for model in (EventActor, EventBase, ArticleEvent, ArticleActor, ArticleBase):
        session.execute(delete(model).where(model.article_id == article_id))
    return touched


def drop_orphan_events(session: Session, event_ids) -> None:
    """Events no article supports any more are removed."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    supported = select(ArticleEvent.event_id).where(ArticleEvent.event_id.in_(ids))
    session.execute(delete(Event).where(Event.id.in_(ids), Event.id.not_in(supported)))
