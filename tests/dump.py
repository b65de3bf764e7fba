"""Everything the ingest stores, by names rather than ids, so that two databases can be compared."""

from datetime import date

from sqlalchemy import text


def dump(engine) -> dict:
    """Everything the ingest stores, by names rather than ids."""
    queries = {
        "articles": "SELECT url, title, outlet, published_at, language, content_hash, clean_text FROM article",
        "events": "SELECT key, type, cameo_code, title, date, date_precision, effective_date, place, country, forces_of, summary, article_count, source_count FROM event",
        "actors": "SELECT name, kind, title, country, origin FROM actor",
        "bases": "SELECT name, kind, province, country FROM base",
        "article_event": "SELECT a.content_hash, e.key, l.relation, l.evidence_start, l.evidence_end FROM article_event l JOIN article a ON a.id = l.article_id JOIN event e ON e.id = l.event_id",
        "article_actor": "SELECT a.content_hash, x.name, l.mentions, l.evidence_start FROM article_actor l JOIN article a ON a.id = l.article_id JOIN actor x ON x.id = l.actor_id",
        "article_base": "SELECT a.content_hash, x.name, l.mentions, l.evidence_start FROM article_base l JOIN article a ON a.id = l.article_id JOIN base x ON x.id = l.base_id",
        "event_actor": "SELECT e.key, x.name, l.role, a.content_hash FROM event_actor l JOIN event e ON e.id = l.event_id JOIN actor x ON x.id = l.actor_id JOIN article a ON a.id = l.article_id",
        "event_base": "SELECT e.key, x.name, l.role, a.content_hash FROM event_base l JOIN event e ON e.id = l.event_id JOIN base x ON x.id = l.base_id JOIN article a ON a.id = l.article_id",
    }
    with engine.connect() as conn:
        return {
            name: sorted(tuple(str(v) for v in row) for row in conn.execute(text(q))) for name, q in queries.items()
        }


# What the first report of an event sets (its date within the matching window, and the key, title and summary that
# follow from it): which report comes first depends on the order articles arrive, even in one process.
FIRST_REPORT = ("key", "date", "title", "summary", "effective_date", "place")


def events_by_articles(engine) -> dict:
    """The events and their actor and base links, each event named by the (article, relation) links it gathers
    rather than by its key, and without the columns its first report sets (FIRST_REPORT): what stays the same
    whatever the order in which the articles were stored. Also each event's date, by the same name."""
    with engine.connect() as conn:
        members: dict[int, set] = {}
        for event_id, content_hash, relation in conn.execute(
            text(
                "SELECT l.event_id, a.content_hash, l.relation FROM article_event l JOIN article a ON a.id = l.article_id"
            )
        ):
            members.setdefault(event_id, set()).add((content_hash, relation))
        name = {event_id: tuple(sorted(links)) for event_id, links in members.items()}
        events = conn.execute(
            text(
                "SELECT id, type, cameo_code, date_precision, country, forces_of, article_count, source_count, date"
                " FROM event"
            )
        ).all()
        roles = {
            table: sorted(
                (name[event_id], entity, role, content_hash)
                for event_id, entity, role, content_hash in conn.execute(
                    text(
                        f"SELECT l.event_id, x.name, l.role, a.content_hash FROM {table} l JOIN {entity} x"
                        f" ON x.id = l.{entity}_id JOIN article a ON a.id = l.article_id"
                    )
                )
            )
            for table, entity in (("event_actor", "actor"), ("event_base", "base"))
        }
    return {
        "events": sorted((name.get(e.id, ()), *(str(v) for v in e[1:8])) for e in events),
        "dates": {name.get(e.id, ()): None if e.date is None else date.fromisoformat(str(e.date)) for e in events},
        **roles,
    }
