from app.schemas import EvidenceOut


def evidence_of(link, article_id: int | None = None) -> EvidenceOut:
    """The evidence columns of a link row, as the API shows them."""
    return EvidenceOut(
        sentence=link.evidence_sentence,
        start=link.evidence_start,
        end=link.evidence_end,
        confidence=link.confidence,
        article_id=article_id if article_id is not None else getattr(link, "article_id", None),
    )
