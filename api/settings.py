"""Settings from the environment (prefix ``PLANNER_``): the only place that reads it."""

from pathlib import Path

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
    edit_wait_s: float = 10.0  # an edit waits this long for a running build, then answers 503 with Retry-After
    refresh_s: float = 0.5  # how often the service looks whether a build or another server changed the store
    access_log: bool = True  # uvicorn's line per request; PLANNER_ACCESS_LOG=false saves ~12 % CPU per small page
