"""Resolve what a client typed (an id, a canonical name or any alias) to actor and base ids."""

from sqlalchemy import select
from sqlalchemy.sql import Select
from sqlmodel import Session

from app.errors import NotFound
from app.ingest.text import lookup_key
from app.models import Actor, ActorAlias, Article, BaseAlias, Event, MilitaryBase

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
_MODELS = {"actor": Actor, "base": MilitaryBase, "event": Event, "article": Article}


def _ids(model, alias_column, value: str) -> Select:
    value = value.strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        return select(model.id).where(model.id == number) if number <= MAX_ID else select(model.id).where(False)
    return select(alias_column).where(alias_column.table.c.key == lookup_key(value))


def actor_ids(value: str) -> Select:
    """A subquery of the actor ids that ``value`` names: 'putin', 'Sergey Shoigu' and '3' all work."""
    return _ids(Actor, ActorAlias.actor_id, value)


def base_ids(value: str) -> Select:
    """A subquery of the base ids that ``value`` names: 'Hmeymim', 'hmeimim' and '1' all work."""
    return _ids(MilitaryBase, BaseAlias.base_id, value)


def ensure_exists(session: Session, kind: str, entity_id: int) -> None:
    """404 for a sub-collection of a parent that does not exist (rather than an empty list)."""
    model = _MODELS[kind]
    if session.execute(select(model.id).where(model.id == entity_id)).first() is None:
        raise NotFound(f"{kind.capitalize()} {entity_id} not found.")
