"""Settings from the environment (prefix ``PLANNER_``): the only place that reads it."""

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_DATA = Path(__file__).resolve().parents[1] / "data"


class Settings(BaseSettings):
    """Where the data and the store are, and where the service listens."""

    model_config = SettingsConfigDict(env_prefix="PLANNER_")

    data_dir: Path = REPO_DATA
    store: Path = Path(__file__).resolve().parents[1] / "var" / "planner.gpkg"
    weather_cache: Path = Path(__file__).resolve().parents[1] / "var" / "weather"
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()  # Host names besides loopback and the listening address ("*": any)
    max_body_bytes: int = 65_536  # request bodies above this are refused with 413
    request_timeout_s: float = 10.0  # a client must send its whole request within this (slow clients get 408)
    edit_wait_s: float = 10.0  # an edit waits this long for a running build, then answers 503 with Retry-After
    refresh_s: float = 0.5  # how often the service looks whether a build or another server changed the store
    # PV yields run in a pool of worker processes (api.workers): at most this many at once (default: one per
    # core, at most 2), at most analysis_queue waiting (beyond: 503 with Retry-After), and fresh worker
    # processes every analysis_recycle_after tasks per worker (what a worker's allocator kept is given back)
    analysis_workers: int = Field(default_factory=lambda: min(2, os.cpu_count() or 1), ge=1, le=64)
    analysis_queue: int = Field(default=8, ge=0, le=1000)
    analysis_recycle_after: int = Field(default=200, ge=1)
    access_log: bool = True  # uvicorn's line per request; PLANNER_ACCESS_LOG=false saves ~12 % CPU per small page
