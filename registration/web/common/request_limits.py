"""What one request may send: 1 MiB at most, JSON nested 32 levels deep at most.

Bodies over `MAX_BODY_BYTES` are refused with 413 before they are read: Flask's
`MAX_CONTENT_LENGTH` checks a declared Content-Length at once. A chunked body has none, and
werkzeug then quietly stops reading at the limit (the view would see the first MiB as if it
were all), so `BoundedBody` reads a chunked body itself, up to one byte past the limit, and
hands it on with its length: past the limit, Flask refuses it like any other (413, in the
API's JSON or on the error page). Forms hold at most `MAX_FORM_MEMORY_SIZE` per field
(Flask's default, 500 kB) — also 413.

JSON is parsed by Python's `json`, which recurses once per level: a body of a thousand
nested brackets overflows the stack (RecursionError, a 500), and a few hundred levels still
cost every later recursive walk (schemas, fingerprints). No document we accept is deeper than
four levels, so deeper than `MAX_JSON_DEPTH` is refused with 400. The standard library and
Flask have no depth option and no maintained library adds one, hence these few lines.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32


class NestedTooDeep(BadRequest):
    description = (f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
                   "no request needs that many.")


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels (walked without recursion;
    only containers are stacked, and JSON's scalars are told by their exact type, without a
    call: this runs on every JSON body)."""
    stack = [(value, 1)] if _is_container(value) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if type(child) not in _SCALARS and _is_container(child):
                stack.append((child, depth + 1))
    return False


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list)


def loads_bounded(text: str | bytes, **kwargs: Any) -> Any:
    """`json.loads`, refusing (400) what nests deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise NestedTooDeep() from None
    if depth_exceeds(value, MAX_JSON_DEPTH):
        raise NestedTooDeep()
    return value


class BoundedBody:
    """WSGI middleware: a chunked body is read here, at most MAX_BODY_BYTES + 1 bytes, and
    passed on as a body of that length."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = read_at_most(environ["wsgi.input"], MAX_BODY_BYTES + 1)
            environ["wsgi.input"] = io.BytesIO(body)  # no longer chunked: now of known length
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.app(environ, start_response)


def read_at_most(stream: Any, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = stream.read(min(64 * 1024, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def install_request_limits(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.wsgi_app = BoundedBody(app.wsgi_app)  # type: ignore[method-assign]
