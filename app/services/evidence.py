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


class LinkedEntities:
    """The actors or bases (``entity``, with the fields of ``schema``) that the rows of ``links`` (a link table,
    or a subquery of one) point at through their column ``key``, filtered by ``where``: each with the link's role
    (event links) or mention count (article links) and its evidence, as ``LinkedActor`` / ``LinkedBase`` show
    them.

    The statement is built once, with bound parameters in ``where`` (``bindparam("event_id")``), and called with
    their values: building it again for every request would cost more than running it."""

    def __init__(self, entity, schema: type[BaseModel], links: FromClause, key: str, where, *order_by) -> None:
        link = links.c
        self.fields = tuple(schema.model_fields)
        role = link.role if "role" in link else null()
        mentions = link.mentions if "mentions" in link else null()
        self.statement = (
            select(*(getattr(entity, name) for name in self.fields), role, mentions)
            .add_columns(*evidence_columns(link), link.article_id)
            .join(links, link[key] == entity.id)
            .where(where)
            .order_by(*order_by)
        )

    def __call__(self, session: Session, **parameters) -> list[dict[str, Any]]:
        width = len(self.fields)
        items = []
        for row in read(session, self.statement, parameters).all():
            item = dict(zip(self.fields, row[:width], strict=True))
            item["role"], item["mentions"] = row[width], row[width + 1]
            item["evidence"] = evidence(*row[width + 2 :])
            items.append(item)
        return items
