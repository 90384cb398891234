"""The planner service: an app factory; state is built once at startup, nothing runs at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.settings import Settings
from api.state import load_state


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app on the store named in ``settings`` (built from the registry if missing)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.planner = load_state(settings.data_dir, settings.store)
        yield

    app = FastAPI(title="Energy-infrastructure planner", version="0.1.0", lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, object]:
        """Liveness and what the store holds."""
        state = app.state.planner
        return {
            "status": "ok",
            "store": str(state.store),
            "projects": len(state.projects),
            "targets": len(state.targets),
            "districts": len(state.districts),
        }

    return app
