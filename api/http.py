"""uvicorn's HTTP protocol (httptools) with the limits it lacks: request-head size, header count, a deadline.

uvicorn bounds neither the request line and headers (1 MB of headers and 20,000 headers were accepted)
nor the time a client takes to send a request (a slow client held a connection for ever). Here a request
line over ``max_url_bytes`` gets 414, a head over ``max_head_bytes`` or ``max_headers`` headers gets 431,
and a connection that has not sent a complete request ``request_timeout_s`` seconds after it opened or
after its request began gets 408 and is closed. Bodies are bounded by :class:`api.limits.BodyLimit`.
"""

import asyncio

import httptools
import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.errors import PROBLEM_JSON, TITLES


class _Refused(Exception):
    """Raised inside a parser callback to stop parsing a request the limits refuse."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` that refuses oversized request heads and times out slow requests."""

    max_url_bytes = 8_192
    max_head_bytes = 16_384
    max_headers = 100
    request_timeout_s = 10.0
    _head_bytes = 0
    _refusal: tuple[int, str] | None = None
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: the first request must arrive within the deadline."""
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Feed the parser; answer a refused request with its problem document (uvicorn's logic otherwise)."""
        if self._refusal is not None:
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        except httptools.HttpParserError:
            if self._refusal is not None:
                self._send_refusal(*self._refusal)
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")

    def on_message_begin(self) -> None:
        """A new request: count its head from zero and give it the deadline."""
        super().on_message_begin()
        self._head_bytes = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        """Refuse a request line over the limit (414)."""
        self._head_bytes += len(url)
        if self._head_bytes > self.max_url_bytes:
            self._refuse(414, f"the request line is limited to {self.max_url_bytes} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Refuse a head over the size or count limit (431)."""
        self._head_bytes += len(name) + len(value) + 4
        if self._head_bytes > self.max_head_bytes or len(self.headers) >= self.max_headers:
            self._refuse(431, f"request heads are limited to {self.max_head_bytes} bytes and "
                              f"{self.max_headers} headers")
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        """The request is in: the deadline no longer applies (the app takes the time it needs)."""
        self._disarm()
        super().on_message_complete()

    def _refuse(self, status: int, detail: str) -> None:
        self._refusal = (status, detail)
        raise _Refused(detail)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout_s, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # no request running: nothing was sent yet
            self._send_refusal(408, f"a request must arrive within {self.request_timeout_s:g} s")
        else:  # a route is reading the body: the disconnect ends its wait
            self.transport.close()

    def _send_refusal(self, status: int, detail: str) -> None:
        body = orjson.dumps({"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail})
        head = (f"HTTP/1.1 {status} {TITLES[status]}\r\ncontent-type: {PROBLEM_JSON}\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("ascii")
        self.transport.write(head + body)
        self.transport.close()


def guarded_protocol(request_timeout_s: float) -> type[GuardedHttpToolsProtocol]:
    """The protocol class with this service's deadline (uvicorn instantiates the class it is given)."""
    return type("PlannerHttpProtocol", (GuardedHttpToolsProtocol,), {"request_timeout_s": request_timeout_s})
