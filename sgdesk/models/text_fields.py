"""The text fields of a stored record body, each named by its path.

A record is stored as the JSON of its dataclass (``ConcernContent``, ``CaseContent``…).
Disclosing it to the person it is about means looking at every piece of text in it,
one by one: to show the DSL each field, to withhold the one they mark, and to say in
the redaction log exactly where something was taken out. A field is named by its
path through the JSON: ``facts``, ``review.reasons``, ``visits.2.purpose`` (list
items count from 0).

Only fields typed ``str`` are text: an enum value, a date or an id is never
touched, so a record cannot be corrupted by redaction, and ids (``id``, ``…_id``,
``…_ids``) are never text whatever their type.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

#: JSON keys whose values are record ids, never text.
_ID_KEY = re.compile(r"(^id$|_id$|_ids$)")
#: Joins the parts of a field's label: "Visits 3 › Purpose".
LABEL_JOIN = " \u203a "
#: Words a field name spells in lower case that a label spells in capitals.
_ACRONYMS = frozenset({"dsl", "lado", "csc", "ehcp", "gp", "nhs", "upn"})

ChangeText = Callable[[str, str], str]


def _join(path: str, part: str | int) -> str:
    return f"{path}.{part}" if path else str(part)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def map_texts(value: Any, hint: Any, change: ChangeText, path: str = "") -> Any:
    """``value`` (parsed JSON of a ``hint`` dataclass) with every text field
    replaced by ``change(path, text)``; everything else as it was."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(hint) if a is not type(None))
        return map_texts(value, inner, change, path)
    if isinstance(value, list):
        args = typing.get_args(hint)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return [map_texts(v, a, change, _join(path, n))
                    for n, (v, a) in enumerate(zip(value, args, strict=True))]
        item = args[0] if origin is tuple and args else Any
        return [map_texts(v, item, change, _join(path, n)) for n, v in enumerate(value)]
    if isinstance(value, dict):
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            hints: Mapping[str, Any] = _hints(hint)
            order = {name: n for n, name in enumerate(hints)}  # the record's own order
            return {k: v if _ID_KEY.search(k) else
                    map_texts(v, hints.get(k, Any), change, _join(path, k))
                    for k, v in sorted(value.items(), key=lambda kv: order.get(kv[0], -1))}
        item = typing.get_args(hint)[1] if origin is dict else Any
        return {k: v if _ID_KEY.search(k) else map_texts(v, item, change, _join(path, k))
                for k, v in value.items()}
    if isinstance(value, str) and hint in (str, Any):
        return change(path, value)
    return value


def texts(value: Any, hint: Any) -> dict[str, str]:
    """Every text field of ``value`` by path, in the order the record's type lists them."""
    found: dict[str, str] = {}

    def keep(path: str, text: str) -> str:
        found[path] = text
        return text

    map_texts(value, hint, keep)
    return found


def is_list_item(path: str) -> bool:
    """A path to one string of a list of strings (a category, a tag): a label
    chosen from a list, not something a person wrote."""
    return path.rpartition(".")[2].isdigit()


def field_label(path: str, known: Mapping[str, str] | None = None) -> str:
    """A field's name for a person: ``known`` labels where given (a concern's
    field headings, also for the first part of a longer path: "DSL review ›
    reasons"), otherwise the path in words ("Visits 3 › Purpose")."""
    known = known or {}
    if path in known:
        return known[path]
    words: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] += f" {int(part) + 1}"
        elif not words and part in known:
            words.append(known[part])
        else:
            words.append(" ".join(w.upper() if w in _ACRONYMS else w
                                  for w in part.split("_")))
    text = LABEL_JOIN.join(words)
    return text[:1].upper() + text[1:]
