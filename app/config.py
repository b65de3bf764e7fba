import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, PositiveInt
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def cpu_count() -> int:
    """The CPUs this process may run on (fewer than the machine's under taskset or a container's CPU set)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Settings(BaseSettings):
    """Runtime settings, read from environment variables prefixed ``DRAWDOWN_``."""

    model_config = SettingsConfigDict(env_prefix="DRAWDOWN_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'drawdown.db'}"
    api_keys: str = ""  # comma-separated; empty: `drawdown serve` creates one in api_key_file
    api_key_file: Path = ROOT / "var" / "api-key"
    max_body_bytes: int = 1_000_000
    cors_origins: str = ""  # comma-separated origins allowed to call the API from a browser; empty: CORS off
    host: str = "127.0.0.1"
    port: int = 8000
    workers: PositiveInt = Field(default_factory=cpu_count)  # `drawdown serve` processes (each with its own cache)
    page_size: int = 50
    max_page_size: int = 500
    sqlite_busy_timeout_ms: int = 5000
    ingest_cache_mb: int = (
        64  # SQLite page cache of `drawdown ingest` (the default of 2 MB thrashes on a large database)
    )
    ingest_batch_articles: PositiveInt = 1000  # `drawdown ingest` commits every this many articles (or 10 s)
    ingest_workers: PositiveInt = Field(default_factory=cpu_count)  # `drawdown ingest` extraction processes
    ingest_checkpoint_mb: float = 64  # `drawdown ingest` checkpoints SQLite's write-ahead log at this size (default 4)
    knowledge_dir: Path = ROOT / "app" / "knowledge"  # the knowledge files the extractor reads (app/knowledge/*.json)
    response_cache_mb: float = 64  # read answers kept in memory, per process, keyed on the data version; 0: off
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
