"""Dataclasses to JSON and back, driven by their type hints.

Records are stored as JSON inside the encrypted database, so one codec serves
every record kind (pupils, concerns, and those to come) and the export bundles.
Handles: str/int/float/bool, ``date``, ``datetime``, ``time``, enums, tuples, dicts of str,
``X | None`` and nested dataclasses. Unknown keys in stored JSON are ignored and
missing ones take the field's default, so adding a field never breaks old rows.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from datetime import date, datetime, time
from functools import cache
from typing import Any


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)


def loads[T](cls: type[T], text: str) -> T:
    value: T = from_jsonable(cls, json.loads(text))
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(hint: Any, data: Any) -> Any:
    """Rebuild a value of type ``hint`` from what :func:`to_jsonable` produced."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if data is None else from_jsonable(args[0], data)
    if origin is tuple:
        items = typing.get_args(hint)
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(from_jsonable(items[0], v) for v in data)
        return tuple(from_jsonable(item, v) for item, v in zip(items, data, strict=True))
    if origin is dict:
        _key, item = typing.get_args(hint)
        return {k: from_jsonable(item, v) for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        known = {f.name for f in dataclasses.fields(hint) if f.init}
        return hint(**{k: from_jsonable(hints[k], v) for k, v in data.items() if k in known})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if hint is datetime:
        return datetime.fromisoformat(data)
    if hint is date:
        return date.fromisoformat(data)
    if hint is time:
        return time.fromisoformat(data)
    if hint is Any:
        return data
    return data
