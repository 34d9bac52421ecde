"""A hostile HTTP server on 127.0.0.1 for deadline, redirect and truncation tests.

The first path segment picks the behaviour (the rest, and the query, are ignored unless said):

    /trickle-body      headers at once, then the body one byte every `trickle_seconds`
    /trickle-headers   one header line every `trickle_seconds`, for ever
    /truncated         ``Content-Length: 1000`` and 100 bytes, then the connection closes
    /huge              a body of `huge_bytes` bytes (valid JSON)
    /redirect-host     302 to the same path on ``localhost`` (another host name, same server)
    /redirect-ftp      302 to ``ftp://127.0.0.1/x``
    /redirect-ok       302 to /article on this host
    /article           a short plain-text article
    /search?q=MODE     MODE, for a geocoder that always asks /search
    /search?q=wrap     a Nominatim answer with ``"lon": "999"`` (geopy would wrap it to -81)

`hits` counts requests per first segment.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from collections import Counter

MODES = {"trickle-body", "trickle-headers", "truncated", "huge", "redirect-host", "redirect-ftp"}
ARTICLE = b"The minister flew from Paris to Berlin on Monday.\n"


class HostileServer:
    def __init__(self, *, trickle_seconds: float = 0.5, huge_bytes: int = 3_000_000) -> None:
        self.trickle_seconds = trickle_seconds
        self.huge_bytes = huge_bytes
        self.hits: Counter[str] = Counter()
        self._stop = threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):  # noqa: N802 - http.server's name
                try:
                    fake._handle(self)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: expected here
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.domain}{path}"

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        mode = url.path.strip("/").split("/")[0]
        self.hits[mode] += 1
        query = urllib.parse.parse_qs(url.query).get("q", [""])[0]
        if mode == "search" and query in MODES:  # a geocoder asks /search: the query picks the fault
            mode = query
        if mode == "trickle-body":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/plain")
            handler.send_header("Content-Length", "120")
            handler.end_headers()
            for _ in range(120):
                if self._stop.wait(self.trickle_seconds):
                    return
                handler.wfile.write(b"x")
                handler.wfile.flush()
        elif mode == "trickle-headers":
            handler.send_response(200)
            handler.flush_headers()
            for number in range(240):
                if self._stop.wait(self.trickle_seconds):
                    return
                handler.wfile.write(f"X-Slow-{number}: 1\r\n".encode())
                handler.wfile.flush()
        elif mode == "truncated":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/plain")
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            handler.wfile.write(ARTICLE * 2)  # about 100 bytes of the 1000 promised
        elif mode == "huge":
            body = b"[" + b" " * (self.huge_bytes - 2) + b"]"
            self._send(handler, 200, body, "application/json")
        elif mode == "redirect-host":
            self._redirect(handler, f"http://localhost:{self.port}/search?q=elsewhere&format=json")
        elif mode == "redirect-ftp":
            self._redirect(handler, "ftp://127.0.0.1/x")
        elif mode == "redirect-ok":
            self._redirect(handler, "/article")
        elif mode == "article":
            self._send(handler, 200, ARTICLE, "text/plain; charset=utf-8")
        elif mode == "search":
            lon = "999" if query == "wrap" else "30.5"
            answer = [
                {
                    "place_id": 1,
                    "lat": "50.45",
                    "lon": lon,
                    "display_name": f"{query}, Testland",
                    "class": "place",
                    "type": "city",
                    "importance": 0.5,
                }
            ]
            self._send(handler, 200, json.dumps(answer).encode(), "application/json")
        else:
            self._send(handler, 404, b"no such mode", "text/plain")

    @staticmethod
    def _send(handler, status: int, body: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def _redirect(handler, location: str) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


def timed_requests(cache_path: str, queries: list[str], delay: float) -> list[float]:
    """Worker for the shared rate-limit test: for each request it sent, the wall-clock time its
    turn was claimed at in the shared cache (the `wall_clock` reading that won the claim), so the
    spacing checked is the limit's own, not how late a busy machine ran the request after it."""
    from fake_geocoder import FakeGeocoder

    from geostory.online import CachedGeocoder

    sent: list[float] = []
    last_reading = [0.0]

    def wall_clock() -> float:
        last_reading[0] = time.time()
        return last_reading[0]

    class Timed(FakeGeocoder):
        def geocode(self, query, *, exactly_one=True):
            sent.append(last_reading[0])
            return super().geocode(query, exactly_one=exactly_one)

    geocoder = CachedGeocoder(
        Timed(), service="fake", cache_path=cache_path, min_delay_seconds=delay, wall_clock=wall_clock
    )
    for query in queries:
        geocoder.geocode(query)
    if geocoder.cache is None:
        raise RuntimeError("the shared cache became unusable, so the limit fell back to this process")
    geocoder.close()
    return sent
