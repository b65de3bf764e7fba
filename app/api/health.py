from fastapi import APIRouter, Response
from sqlalchemy import func, select

from app import __version__
from app.api.deps import SessionDep
from app.models import Article, Event
from app.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(session: SessionDep, response: Response) -> Health:
    """Liveness and database check, with row counts."""
    response.headers["Cache-Control"] = "no-store"
    articles = session.execute(select(func.count()).select_from(Article)).scalar_one()
    events = session.execute(select(func.count()).select_from(Event)).scalar_one()
    return Health(database=session.get_bind().dialect.name, articles=articles, events=events, version=__version__)
