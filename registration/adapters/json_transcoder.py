"""The stored events' JSON, written and read by orjson: the same bytes as the library's
`JSONTranscoder` (compact, UTF-8, each registered type as `{"_type_": …, "_data_": …}`).

orjson writes a `UUID`, a dataclass and a datetime itself, where the standard `json` module
hands them to the transcodings: dataclasses and datetimes are passed through to them by
option, and UUIDs (which no option passes through) are given their transcoding beforehand,
in what is encoded and in what a transcoding returns. Reading, the transcodings are applied
to the parsed tree bottom up, as `json`'s object hook does.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

OPTIONS = (orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
           | orjson.OPT_NON_STR_KEYS)


class OrjsonTranscoder(JSONTranscoder):
    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._with_uuids(obj) if type(obj) in WALKED else obj,
                                default=self._encode_obj, option=OPTIONS)
        except orjson.JSONEncodeError:  # beyond orjson (an integer over 64 bits, NaN): as before
            return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:  # what only `json` reads (NaN, Infinity)
            return super().decode(data)
        return self._revived(parsed)

    def _encode_obj(self, o: Any) -> dict[str, Any]:
        try:  # (loops and lookups below rather than calls: this runs for every value)
            transcoding = self.types[type(o)]
        except KeyError:
            raise TranscodingNotRegisteredError(
                f"Object of type {type(o)} is not serializable. Please define and register "
                "a custom transcoding for this type.") from None
        data = transcoding.encode(o)
        return {"_type_": transcoding.name,
                "_data_": self._with_uuids(data) if type(data) in WALKED else data}

    def _with_uuids(self, value: Any) -> Any:
        """The value with each UUID in it (in dicts, lists and tuples) as its transcoding;
        a container without one is returned as it is, not copied."""
        if type(value) is UUID:
            return self._encode_obj(value)
        if type(value) is dict:
            copy: Any = None
            for key in value:
                item = value[key]
                if type(item) in WALKED and (new := self._with_uuids(item)) is not item:
                    copy = copy or dict(value)
                    copy[key] = new
            return value if copy is None else copy
        copy = None
        for i, item in enumerate(value):  # a list or a tuple
            if type(item) in WALKED and (new := self._with_uuids(item)) is not item:
                copy = copy or list(value)
                copy[i] = new
        return value if copy is None else copy

    def _revived(self, value: Any) -> Any:
        """The parsed value with every `{"_type_", "_data_"}` dict decoded, innermost first."""
        if type(value) is list:
            for i, item in enumerate(value):
                if type(item) is dict or type(item) is list:
                    value[i] = self._revived(item)
            return value
        if type(value) is not dict:
            return value
        for key in value:
            item = value[key]
            if type(item) is dict or type(item) is list:
                value[key] = self._revived(item)
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            name = value["_type_"]
            try:
                transcoding = self.names[name]
            except KeyError:
                raise TranscodingNotRegisteredError(
                    f"Data serialized with name '{name}' is not deserializable. Please "
                    "register a custom transcoding for this type.") from None
            return transcoding.decode(value["_data_"])
        return value


WALKED = frozenset({dict, list, tuple, UUID})
