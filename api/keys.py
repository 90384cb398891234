"""API keys for edits: random secrets shown once, stored as salted SHA-256 hashes in the store's ``api_keys``.

A key reads ``ep_<key_id>_<secret>``; ``key_id`` finds the row, the secret is checked against its hash in
constant time. A key's scope is ``*`` or a list of adcodes (a city's code covers its counties).
"""

import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import StoreError
from geo.store.file import check_store, connect, read_rows, store_lock

_KEY = re.compile(r"^ep_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$")
_ADCODE = re.compile(r"^[0-9]{6}$")


class KeySpecError(ValueError):
    """A bad key request (name, scope) at the command line."""


@dataclass(frozen=True)
class ApiKey:
    """A checked key: who it is and which units it may edit (``None``: all)."""

    key_id: str
    name: str
    scope: tuple[str, ...] | None


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256((salt + secret).encode()).hexdigest()


def _scope(text: str) -> tuple[str, ...] | None:
    if text == "*":
        return None
    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    if not codes or not all(_ADCODE.match(c) for c in codes):
        raise KeySpecError(f"scope: {text!r} is neither '*' nor a comma-separated list of six-digit adcodes")
    return codes


def add_key(store: Path, name: str, scope: str = "*") -> str:
    """Create a key for ``name`` and return it; only its hash is stored, so it cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise KeySpecError("name: give 1 to 100 printable characters (who edits with this key; it goes in the "
                           "audit trail)")
    _scope(scope)
    key_id, secret, salt = secrets.token_hex(4), secrets.token_urlsafe(32), secrets.token_hex(16)
    _write(store, "INSERT INTO api_keys (key_id, name, scope, salt, key_hash, created) VALUES (?, ?, ?, ?, ?, ?)",
           (key_id, name, scope, salt, _hash(salt, secret), datetime.now(UTC).isoformat(timespec="seconds")))
    return f"ep_{key_id}_{secret}"


def _write(store: Path, sql: str, params: tuple[str, ...]) -> int:
    """Run one write on the store's ``api_keys`` under the store's lock (never beside a build); rows changed."""
    check_store(store)
    with store_lock(store):
        con = connect(store)
        try:
            con.execute("BEGIN IMMEDIATE")
            count = con.execute(sql, params).rowcount
            con.execute("COMMIT")
            return count
        except sqlite3.Error as exc:
            raise StoreError(f"store {store}: the key was not written: {exc}") from None
        finally:
            con.close()


def list_keys(store: Path) -> list[dict[str, str | None]]:
    """The keys (never their hashes)."""
    rows: list[dict[str, str | None]] = read_rows(
        store, "SELECT key_id, name, scope, created, revoked FROM api_keys ORDER BY created")
    return rows


def revoke_key(store: Path, key_id: str) -> bool:
    """Revoke a key; ``False`` when no active key has that id."""
    return _write(store, "UPDATE api_keys SET revoked = ? WHERE key_id = ? AND revoked IS NULL",
                  (datetime.now(UTC).isoformat(timespec="seconds"), key_id)) == 1


def check_key(store: Path, presented: str) -> ApiKey | None:
    """The key ``presented`` stands for, or ``None`` when it is malformed, unknown, wrong or revoked."""
    match = _KEY.match(presented)
    if not match:
        return None
    key_id, secret = match.groups()
    rows = read_rows(store, "SELECT name, scope, salt, key_hash, revoked FROM api_keys WHERE key_id = ?", (key_id,),
                     as_dicts=False)
    row = rows[0] if rows else None
    if row is None:
        _hash("0" * 32, secret)  # the same work as a known id
        return None
    name, scope, salt, key_hash, revoked = row
    if not hmac.compare_digest(_hash(salt, secret), key_hash) or revoked is not None:
        return None
    return ApiKey(key_id, name, _scope(scope))
