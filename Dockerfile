# The Drawdown API: python:3.12-slim with the package installed; the entrypoint migrates,
# seeds an empty database and serves, in one process per CPU (DRAWDOWN_WORKERS to choose).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/drawdown

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY seeds ./seeds
RUN pip install -e . \
    && useradd --system --create-home --home-dir /home/drawdown drawdown \
    && mkdir -p var && chown drawdown var

USER drawdown
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)" || exit 1
CMD ["sh", "-c", "drawdown migrate && drawdown ingest --if-empty -q seeds && exec drawdown serve --host 0.0.0.0 --port 8000"]
