from sqlalchemy import select
from sqlmodel import Session

from app.schemas import EvidenceOut


def linked_rows(session: Session, entity, link_key, where, *order_by) -> list:
    """(entity, link row) pairs for the links whose ``link_key`` column points at ``entity``, filtered by ``where``."""
    link = link_key.class_
    return session.execute(
        select(entity, link).join(link, link_key == entity.id).where(where).order_by(*order_by)
    ).all()


def evidence_of(link, article_id: int | None = None) -> EvidenceOut:
    """The evidence columns of a link row, as the API shows them."""
    return EvidenceOut(
        sentence=link.evidence_sentence,
        start=link.evidence_start,
        end=link.evidence_end,
        confidence=link.confidence,
        article_id=article_id if article_id is not None else getattr(link, "article_id", None),
    )
