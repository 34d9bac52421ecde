"""HTTP with a real deadline: one overall time limit per request, checked before every read.

urllib's `timeout` bounds each socket operation, so a server that sends one byte a second (in the
headers or the body) keeps a request alive for ever. Here every read of the socket, from the
status line to the last body byte, waits at most for what is left of one deadline.

    opener = deadline_opener(redirects="any-host")      # article URLs
    opener = deadline_opener(redirects="same-host")     # geocoders: never hand a query to another host
    with deadline(20.0):
        with opener.open(request, timeout=20.0) as response:
            body = read_body(response, max_bytes=10_000_000)

Redirects go only to http(s); `read_body` raises `http.client.IncompleteRead` when a body is shorter
than its Content-Length, and `TimeoutError` when the deadline passes.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

__all__ = ["BodyTooLarge", "deadline", "deadline_opener", "read_body"]

_READ = 16 * 1024
_state = threading.local()


class BodyTooLarge(ValueError):
    """The response is larger than the caller accepts."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket read in this thread inside the block ends by `seconds` from now."""
    previous = getattr(_state, "deadline", None)
    _state.deadline = time.monotonic() + seconds
    try:
        yield _state.deadline
    finally:
        _state.deadline = previous


def _remaining() -> float | None:
    end = getattr(_state, "deadline", None)
    if end is None:
        return None
    left = end - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out (deadline passed)")
    return left


class _DeadlineReader(socket.SocketIO):
    """A socket's reads, each bounded by what is left of the thread's deadline. A SocketIO, so
    the socket stays open while the response reads it (urllib closes its own handle early)."""

    def __init__(self, sock: socket.socket, mode: str) -> None:
        super().__init__(sock, mode)  # type: ignore[arg-type]  # typeshed narrows mode to literals
        self._socket = sock

    def readinto(self, buffer: Any) -> int:
        left = _remaining()
        if left is not None:
            self._socket.settimeout(left)
        return super().readinto(buffer) or 0


class _DeadlineSocket:
    """Wraps a connected socket so that `http.client` reads it through `_DeadlineReader`."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock

    def makefile(self, mode: str = "r", *args: Any, **kwargs: Any):
        if "r" not in mode:
            return self._sock.makefile(mode, *args, **kwargs)
        reader = _DeadlineReader(self._sock, "rb")
        self._sock._io_refs += 1  # as socket.makefile does; the reader's close gives it back
        return io.BufferedReader(reader)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _deadline_connect(connection: http.client.HTTPConnection, connect) -> None:
    left = _remaining()
    if left is not None and (connection.timeout is None or connection.timeout > left):
        connection.timeout = left
    connect()
    connection.sock = _DeadlineSocket(connection.sock)


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        _deadline_connect(self, super().connect)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        _deadline_connect(self, super().connect)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, context=None) -> None:
        super().__init__(context=context)
        self._context = context

    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only; with `same_host`, only to the host first asked."""

    max_redirections = 5

    def __init__(self, same_host: bool) -> None:
        self.same_host = same_host

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        where = urllib.parse.urlsplit(req.full_url)
        if target.scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                req.full_url, code, f"refused a redirect to a {target.scheme or 'relative'}: URL", headers, fp
            )
        if self.same_host and (target.hostname, target.port) != (where.hostname, where.port):
            raise urllib.error.HTTPError(
                req.full_url, code, f"refused a redirect to another host ({target.hostname})", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def deadline_opener(
    *, redirects: str = "any-host", ssl_context=None, proxies: dict[str, str] | None = None
) -> urllib.request.OpenerDirector:
    """A urllib opener whose reads obey `deadline()` and whose redirects stay on http(s)
    (`redirects="same-host"`: and on the first host)."""
    handlers: list[Any] = [
        _HTTPHandler(),
        _HTTPSHandler(context=ssl_context),
        _RedirectHandler(same_host=redirects == "same-host"),
    ]
    if proxies is not None:
        handlers.append(urllib.request.ProxyHandler(proxies))
    return urllib.request.build_opener(*handlers)


def read_body(response: Any, *, max_bytes: int) -> bytes:
    """The whole body, in small reads (each within the deadline); an error if it is larger than
    `max_bytes` or shorter than its Content-Length."""
    declared = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding") or response.headers.get("Transfer-Encoding")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(_READ)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"larger than {max_bytes} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    if declared and not encoded and declared.strip().isdigit() and int(declared) != len(body):
        raise http.client.IncompleteRead(body, int(declared) - len(body))
    return body
