from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, WindowDep
from app.errors import ERROR_RESPONSES
from app.schemas import ActorDetail, ActorPublic, Page
from app.services import actors as service

router = APIRouter(prefix="/actors", tags=["actors"], responses={422: ERROR_RESPONSES[422]})

ActorKind = Literal["person", "organisation", "state", "armed_group"]


@router.get("", response_model=Page[ActorPublic])
def list_actors(
    session: SessionDep,
    window: WindowDep,
    kind: Annotated[
        list[ActorKind], Query(description="Actor kind; repeat for any of several.", examples=["person"])
    ] = [],  # noqa: B006
) -> Page[ActorPublic]:
    """List actors by name."""
    return service.list_actors(session=session, kind=list(kind), window=window)


@router.get("/{actor_id}", response_model=ActorDetail, responses={404: ERROR_RESPONSES[404]})
def get_actor(actor_id: int, session: SessionDep) -> ActorDetail:
    """One actor with the events it took part in."""
    return service.get_actor(session=session, actor_id=actor_id)
