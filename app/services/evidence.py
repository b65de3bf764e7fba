"""Links with their evidence, read as plain rows and shaped as the API models show them (``EvidenceOut``,
``LinkedActor``, ``LinkedBase``), in those models' field order."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import FromClause, null, select
from sqlmodel import Session

from app.db import read
from app.schemas import EvidenceOut

EVIDENCE_FIELDS = tuple(EvidenceOut.model_fields)


def evidence_columns(link) -> list:
    """The columns of a link table (its model, or its columns ``.c``) behind ``evidence``, in its argument order."""
    return [link.evidence_sentence, link.evidence_start, link.evidence_end, link.confidence]


def evidence(sentence: str, start: int, end: int, confidence: float, article_id: int | None) -> dict[str, Any]:
    """The evidence of a link as ``EvidenceOut`` shows it."""
    return dict(zip(EVIDENCE_FIELDS, (sentence, start, end, confidence, article_id), strict=True))


def linked_entities(
    session: Session, entity, schema: type[BaseModel], links: FromClause, key: str, where, *order_by
) -> list[dict[str, Any]]:
    """The actors or bases (``entity``, with the fields of ``schema``) that the rows of ``links`` (a link table,
    or a subquery of one) point at through their column ``key``, filtered by ``where``: each with the link's role
    (event links) or mention count (article links) and its evidence, as ``LinkedActor`` / ``LinkedBase`` show
    them."""
    link = links.c
    fields = tuple(schema.model_fields)
    role = link.role if "role" in link else null()
    mentions = link.mentions if "mentions" in link else null()
    rows = read(
        session,
        select(*(getattr(entity, name) for name in fields), role, mentions, *evidence_columns(link), link.article_id)
        .join(links, link[key] == entity.id)
        .where(where)
        .order_by(*order_by),
    ).all()
    width = len(fields)
    items = []
    for row in rows:
        item = dict(zip(fields, row[:width], strict=True))
        item["role"], item["mentions"] = row[width], row[width + 1]
        item["evidence"] = evidence(*row[width + 2 :])
        items.append(item)
    return items
