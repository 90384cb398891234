"""What the CLI and the service read: the store's layers, built from the registry when missing."""

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from api.settings import Settings
from geo.errors import StoreError
from geo.store.build import build
from geo.store.file import check_store, read_table
from geo.store.frames import cast_ints


@dataclass(frozen=True)
class StoreState:
    """The store's layers, read once."""

    store: Path
    projects: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    targets: pd.DataFrame

    @property
    def parents(self) -> dict[str, str]:
        """Parent adcode by adcode."""
        return dict(zip(self.districts["adcode"], self.districts["parent_adcode"], strict=True))

    def layers(self) -> dict[str, pd.DataFrame]:
        """The exportable layers by name."""
        return {"projects": self.projects, "districts": self.districts, "targets": self.targets}


def load_state(data_dir: Path, store: Path, *, build_missing: bool = True) -> StoreState:
    """Read the store, building it from ``data_dir`` first if it does not exist yet (and ``build_missing``).

    Raises
    ------
    geo.errors.StoreError
        When the path is not a complete planner store or cannot be read, or is missing and not to be built.
    """
    if not os.path.lexists(store):
        if not build_missing:
            raise StoreError(f"store {store}: no such file; check --store (or PLANNER_STORE), or create it with "
                             "`energy-planner build`")
        build(data_dir, store)
    check_store(store)
    projects = cast_ints(read_table(store, "projects"))
    targets = cast_ints(read_table(store, "targets"))
    return StoreState(store, projects, read_table(store, "districts"), targets)


def command_state(settings: Settings) -> StoreState:
    """The store a command reads, built first when missing only at the default path.

    A mistyped ``--store`` is an error rather than a new, empty store.
    """
    default = Settings.model_fields["store"].default
    return load_state(settings.data_dir, settings.store, build_missing=settings.store == default)
