"""Everything the ingest stores, by names rather than ids, so that two databases can be compared."""

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
