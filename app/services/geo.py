"""Lists as GeoJSON features (RFC 7946): a base at its coordinates, an event at the base that places it.

An event is placed at its venue (the base where the order was given) when that base has coordinates, else at a
base it names otherwise (the bases retained, ...), the best supported first. An event with no located base, and
a base without coordinates, are features with a null geometry: they stay in the list, as in every other format.
"""

from dataclasses import replace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from app.db import read
from app.models import EventBase, MilitaryBase
from app.services.listing import Item, Listing

# Roles in the order they place an event: where the order was given before the bases it keeps.
ROLE_ORDER = {"venue": 0}

# One row per event, located base and role, with its best confidence: the link table has a row per article, and a
# much reported event names the same bases in hundreds of articles.
_PLACES = (
    select(
        EventBase.event_id,
        EventBase.role,
        func.max(EventBase.confidence),
        MilitaryBase.id,
        MilitaryBase.name,
        MilitaryBase.longitude,
        MilitaryBase.latitude,
    )
    .join(MilitaryBase, MilitaryBase.id == EventBase.base_id)
    .where(
        EventBase.event_id.in_(bindparam("event_ids", expanding=True)),
        MilitaryBase.latitude.is_not(None),
        MilitaryBase.longitude.is_not(None),
    )
    .group_by(
        EventBase.event_id,
        EventBase.role,
        MilitaryBase.id,
        MilitaryBase.name,
        MilitaryBase.longitude,
        MilitaryBase.latitude,
    )
)


def point(longitude: float | None, latitude: float | None) -> dict[str, Any] | None:
    if longitude is None or latitude is None:
        return None
    return {"type": "Point", "coordinates": [longitude, latitude]}


def feature(item: Item, geometry: dict[str, Any] | None) -> Item:
    return {"type": "Feature", "id": item["id"], "geometry": geometry, "properties": item}


def base_features(listing: Listing) -> Listing:
    """``listing`` (of bases) building a feature per base, its properties the base's fields."""

    def build(session: Session, rows: list[tuple], total: int | None) -> list[Item]:
        return [
            feature(item, point(item["longitude"], item["latitude"])) for item in listing.build(session, rows, total)
        ]

    return replace(listing, build=build)


def event_features(listing: Listing) -> Listing:
    """``listing`` (of events) building a feature per event: its properties the event's fields and the base
    that places it (``base_id``, ``base``, ``base_role``; null when nothing places it)."""

    def build(session: Session, rows: list[tuple], total: int | None) -> list[Item]:
        items = listing.build(session, rows, total)
        places = event_places(session, [item["id"] for item in items])
        features = []
        for item in items:
            base_id, name, role, longitude, latitude = places.get(item["id"], (None, None, None, None, None))
            features.append(
                feature({**item, "base_id": base_id, "base": name, "base_role": role}, point(longitude, latitude))
            )
        return features

    return replace(listing, build=build)


def event_places(session: Session, event_ids: list[int]) -> dict[int, tuple]:
    """event id -> (base id, base name, role, longitude, latitude) of the base that places it, for those placed."""
    if not event_ids:
        return {}
    best: dict[int, tuple] = {}
    for event_id, role, confidence, base_id, name, longitude, latitude in read(
        session, _PLACES, {"event_ids": event_ids}
    ).all():
        rank = (ROLE_ORDER.get(role, len(ROLE_ORDER)), -confidence, base_id)
        if event_id not in best or rank < best[event_id][0]:
            best[event_id] = (rank, (base_id, name, role, longitude, latitude))
    return {event_id: place for event_id, (_rank, place) in best.items()}
