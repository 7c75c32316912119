"""Choose and open the store a command or notebook works on: embedded by default, or an endpoint."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

from .backend import Backend, StoreError

DEFAULT_STORE = "ofsted-kg.db"
DEFAULT_PROFILE = "oxigraph"


@dataclass(frozen=True)
class StoreSettings:
    store: str = DEFAULT_STORE
    endpoint: str | None = None
    endpoint_profile: str = DEFAULT_PROFILE
    query_url: str | None = None  # these three override the profile's paths
    update_url: str | None = None
    gsp_url: str | None = None
    timeout: float = 60.0  # seconds per request to an endpoint

    @classmethod
    def from_env(cls) -> StoreSettings:
        return cls(
            store=os.environ.get("OFSTED_KG_STORE", DEFAULT_STORE),
            endpoint=os.environ.get("OFSTED_KG_ENDPOINT") or None,
            endpoint_profile=os.environ.get("OFSTED_KG_ENDPOINT_PROFILE", DEFAULT_PROFILE),
        )


def settings_from(args_or_settings: object) -> StoreSettings:
    """Settings from an argparse namespace (global options), a StoreSettings, or the environment."""
    if isinstance(args_or_settings, StoreSettings):
        return args_or_settings
    if args_or_settings is None:
        return StoreSettings.from_env()
    return StoreSettings(
        store=getattr(args_or_settings, "store", None) or DEFAULT_STORE,
        endpoint=getattr(args_or_settings, "endpoint", None) or None,
        endpoint_profile=getattr(args_or_settings, "endpoint_profile", None) or DEFAULT_PROFILE,
        query_url=getattr(args_or_settings, "query_url", None),
        update_url=getattr(args_or_settings, "update_url", None),
        gsp_url=getattr(args_or_settings, "gsp_url", None),
        timeout=getattr(args_or_settings, "timeout", None) or 60.0,
    )


def open_backend(
    args_or_settings: object = None, *, must_exist: bool = False, read_only: bool = False
) -> Backend:
    """The Backend named by the settings; raises StoreError (exit 3) when it cannot be opened.

    `must_exist` is for commands that only read: a mistyped --store path is an error rather
    than a new, empty store. `read_only` (which implies it) opens the embedded store for reading
    only: readers share it, and it needs no write access to the folder.
    """
    settings = settings_from(args_or_settings)
    if settings.endpoint:
        try:
            remote = importlib.import_module("ofsted_kg.remote")
        except ImportError as exc:
            raise StoreError(f"remote endpoints are not available in this installation ({exc})") from exc
        from .profiles import GSP_URL_ENV, QUERY_URL_ENV, UPDATE_URL_ENV

        urls = {
            QUERY_URL_ENV: settings.query_url or "",
            UPDATE_URL_ENV: settings.update_url or "",
            GSP_URL_ENV: settings.gsp_url or "",
        }
        return remote.RemoteStore.from_settings(
            settings.endpoint, settings.endpoint_profile, timeout=settings.timeout, urls=urls
        )
    from .store import EmbeddedStore

    if (must_exist or read_only) and not os.path.isfile(os.path.join(settings.store, "CURRENT")):
        # RocksDB writes CURRENT when it creates a store: a folder without one holds no store.
        what = "no store here" if not os.path.exists(settings.store) else "not a store (no CURRENT file)"
        raise StoreError(f"{settings.store}: {what} (load documents with `ofsted-kg ingest` first)")
    return EmbeddedStore(settings.store, read_only=read_only)
