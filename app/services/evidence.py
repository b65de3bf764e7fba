"""Links with their evidence, read as plain rows and shaped as the API models show them (``EvidenceOut``,
``LinkedActor``, ``LinkedBase``), in those models' field order."""

from typing import Any

from pydantic import BaseModel
from sqlalchemy import null, select
from sqlmodel import Session

from app.schemas import EvidenceOut

EVIDENCE_FIELDS = tuple(EvidenceOut.model_fields)


def evidence_columns(link) -> list:
    """The columns of link table ``link`` behind ``evidence``, in its argument order."""
    return [link.evidence_sentence, link.evidence_start, link.evidence_end, link.confidence]


def evidence(sentence: str, start: int, end: int, confidence: float, article_id: int | None) -> dict[str, Any]:
    """The evidence of a link as ``EvidenceOut`` shows it."""
    return dict(zip(EVIDENCE_FIELDS, (sentence, start, end, confidence, article_id), strict=True))


def linked_entities(
    session: Session, entity, schema: type[BaseModel], link_key, where, *order_by
) -> list[dict[str, Any]]:
    """The entities (actors or bases) that ``link_key``'s table links to ``entity`` rows, filtered by ``where``:
    the fields of ``schema``, then the link's role (event links) or mention count (article links) and its
    evidence, as ``LinkedActor`` / ``LinkedBase`` show them."""
    link = link_key.class_
    fields = tuple(schema.model_fields)
    role = link.role if hasattr(link, "role") else null()
    mentions = link.mentions if hasattr(link, "mentions") else null()
    rows = session.execute(
        select(*(getattr(entity, name) for name in fields), role, mentions, *evidence_columns(link), link.article_id)
        .join(link, link_key == entity.id)
        .where(where)
        .order_by(*order_by)
    ).all()
    width = len(fields)
    items = []
    for row in rows:
        item = dict(zip(fields, row[:width], strict=True))
        item["role"], item["mentions"] = row[width], row[width + 1]
        item["evidence"] = evidence(*row[width + 2 :])
        items.append(item)
    return items
