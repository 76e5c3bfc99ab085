"""What one request may send: 1 MiB at most, JSON nested 32 levels deep at most.

Bodies over `MAX_BODY_BYTES` are refused with 413 before they are read (Flask's
`MAX_CONTENT_LENGTH`: a declared Content-Length is checked at once, a chunked body is cut off
at the limit, since gunicorn marks its input as terminated). Forms hold at most
`MAX_FORM_MEMORY_SIZE` per field (Flask's default, 500 kB) — also 413.

JSON is parsed by Python's `json`, which recurses once per level: a body of a thousand
nested brackets overflows the stack (RecursionError, a 500), and a few hundred levels still
cost every later recursive walk (schemas, fingerprints). No document we accept is deeper than
four levels, so deeper than `MAX_JSON_DEPTH` is refused with 400. The standard library and
Flask have no depth option and no maintained library adds one, hence these few lines.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32


class NestedTooDeep(BadRequest):
    description = (f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
                   "no request needs that many.")


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item \
            if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def loads_bounded(text: str | bytes, **kwargs: Any) -> Any:
    """`json.loads`, refusing (400) what nests deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise NestedTooDeep() from None
    if depth_exceeds(value, MAX_JSON_DEPTH):
        raise NestedTooDeep()
    return value


def install_request_limits(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
