"""Resolve what a client typed (an id, a canonical name or any alias) to actor and base ids."""

from sqlalchemy import bindparam, false, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from app.errors import NotFound
from app.ingest.text import lookup_key
from app.models import Actor, ActorAlias, Article, BaseAlias, Event, MilitaryBase

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
_MODELS = {"actor": Actor, "base": MilitaryBase, "event": Event, "article": Article}


def reference(value: str) -> tuple[str, int | str]:
    """How a filter names an actor or a base, and the value to bind: ("id", 3), ("key", "putin") (a lookup key
    of any alias), or ("none", 0) for a number past any id."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        return ("id", number) if number <= MAX_ID else ("none", 0)
    return "key", lookup_key(value)


def _ids(model, alias_column, name: str, form: str) -> Select:
    if form == "id":
        return select(model.id).where(model.id == bindparam(name))
    if form == "none":
        return select(model.id).where(false())
    return select(alias_column).where(alias_column.table.c.key == bindparam(name))


def actor_ids(name: str, form: str) -> Select:
    """A subquery of the actor ids that the value bound to ``name`` names (see ``reference``): 'putin',
    'Sergey Shoigu' and '3' all work."""
    return _ids(Actor, ActorAlias.actor_id, name, form)


def base_ids(name: str, form: str) -> Select:
    """A subquery of the base ids that the value bound to ``name`` names (see ``reference``): 'Hmeymim',
    'hmeimim' and '1' all work."""
    return _ids(MilitaryBase, BaseAlias.base_id, name, form)


def ensure_exists(session: Session, kind: str, entity_id: int) -> None:
    """404 for a sub-collection of a parent that does not exist (rather than an empty list)."""
    model = _MODELS[kind]
    if session.execute(select(model.id).where(model.id == entity_id)).first() is None:
        raise NotFound(f"{kind.capitalize()} {entity_id} not found.")
