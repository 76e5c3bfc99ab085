"""A WSGI app served over real HTTP on loopback, in a thread, for the length of a test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server


class InFlight:
    """`app`, counting the requests it is handling, so the test can wait until none is.

    The server's request threads are daemons: without this, a request the browser sent as a
    test ended could still be reading the database while the test's app closed it (a
    segmentation fault in SQLite, seen once in CI)."""

    def __init__(self, app: Any) -> None:
        self.app, self.busy, self.changed = app, 0, threading.Condition()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        with self.changed:
            self.busy += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.busy == 0, timeout)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Yield the base URL (`http://127.0.0.1:<free port>`) of a threaded server for `app`;
    on leaving, new requests stop and those in hand end before the app may be closed."""
    tracked = InFlight(app)
    server = make_server("127.0.0.1", 0, tracked, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        tracked.wait_idle(timeout=10)
