"""Request limits as plain ASGI middleware: a body over the limit, a Host that is not this server's.

Bodies over the limit get 413 before any route reads them; a Host header that names no address of this
server gets 400 (links and ``Location`` are built from it).
"""

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_JSON, TITLES

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class TrustedHost:
    """Refuse a ``Host`` that is neither the address the request came in on, a loopback name, nor configured.

    Every link the service writes starts with the request's host: a forged ``Host`` would be echoed into
    every ``next`` link and ``Location``. ``allowed`` adds the names the service is reached by (a DNS name
    behind a proxy, say; ``*`` allows any).
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]):
        self.app = app
        self.allowed = {h.lower() for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on when its Host is one of this server's names."""
        if scope["type"] == "http" and "*" not in self.allowed:
            raw = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            host = _host_name(raw)
            server = (scope.get("server") or ("",))[0] or ""
            if host not in (*LOCAL_HOSTS, server.lower(), *self.allowed):
                await _refuse(scope, send, 400, f"Host: {raw[:60]!r} is not a name of this server "
                              "(set PLANNER_ALLOWED_HOSTS to the names it is reached by)")
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (by Content-Length, or by counting a chunked body) with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, with its body buffered, unless the body is too large."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await _refuse(scope, send, 400, "Content-Length is not a number")
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:  # buffer the body (at most max_bytes), then replay it to the route
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await _refuse(scope, send, 413, f"request bodies are limited to {self.max_bytes} bytes")


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail,
                            "instance": scope.get("path", "")}
    data = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(data)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})


def _host_name(raw: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8000`` → ``::1``, ``a.cn:80`` → ``a.cn``."""
    if raw.startswith("["):
        return raw[1:raw.find("]")].lower() if "]" in raw else raw.lower()
    return (raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw).lower()
