from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, WindowDep
from app.errors import ERROR_RESPONSES
from app.schemas import BaseDetail, BasePublic, Page
from app.services import actors as service

router = APIRouter(prefix="/bases", tags=["bases"], responses={422: ERROR_RESPONSES[422]})


@router.get("", response_model=Page[BasePublic])
def list_bases(
    session: SessionDep,
    window: WindowDep,
    kind: Annotated[list[str], Query(description="Base kind; repeat for any of several.", examples=["air_base"])] = [],  # noqa: B006
) -> Page[BasePublic]:
    """List military bases by name."""
    return service.list_bases(session=session, kind=kind, window=window)


@router.get("/{base_id}", response_model=BaseDetail, responses={404: ERROR_RESPONSES[404]})
def get_base(base_id: int, session: SessionDep) -> BaseDetail:
    """One base with the events it figures in."""
    return service.get_base(session=session, base_id=base_id)
