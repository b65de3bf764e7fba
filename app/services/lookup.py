"""Resolve what a client typed (an id, a canonical name or any alias) to actor and base ids."""

from sqlalchemy import select
from sqlalchemy.sql import Select

from app.ingest.text import lookup_key
from app.models import Actor, ActorAlias, BaseAlias, MilitaryBase


def _ids(model, alias_column, value: str) -> Select:
    value = value.strip()
    if value.isdigit():
        return select(model.id).where(model.id == int(value))
    return select(alias_column).where(alias_column.table.c.key == lookup_key(value))


def actor_ids(value: str) -> Select:
    """A subquery of the actor ids that ``value`` names: 'putin', 'Sergey Shoigu' and '3' all work."""
    return _ids(Actor, ActorAlias.actor_id, value)


def base_ids(value: str) -> Select:
    """A subquery of the base ids that ``value`` names: 'Hmeymim', 'hmeimim' and '1' all work."""
    return _ids(MilitaryBase, BaseAlias.base_id, value)
