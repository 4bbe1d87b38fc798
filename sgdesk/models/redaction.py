"""Taking other children's names, and optionally staff names, out of what leaves.

A partner share or a CP file transfer carries some children's records, but those
records were written about real days in school: another child is named in the
facts, listed in a concern, or is a sibling in the household. Unless the DSL
chooses to include that child, every trace of them goes: they are dropped from
structured lists (a concern's children), and every occurrence of their names in
every text becomes ``[another child]``. Which children those are is for the
caller to find (linked to the records, siblings, or named in full anywhere:
:class:`MentionIndex`); a child never linked and only ever called by a forename
cannot be told from an ordinary word, so the preview lists who was found.

Names are matched whole-word and case-insensitively: each name as written
(legal forename, surname, preferred name, each alias), the full names, and each
word of three letters or more of a longer name. A word that is also a name of a
child whose records are shared (or whom the DSL included) stays, so a sibling's
shared surname is not struck out of the shared child's own record. That is the
one way another child's name part can remain, and :meth:`ChildNames.kept_parts`
says which parts those are so the preview can show it. Only text is redacted:
codes (a role, a status), dates and ids are left as they are.

Staff anonymisation replaces each staff name (a user's display name, or a name
in a field that holds staff, such as who reported a concern) with "Staff member
n", the same n for the same person everywhere, with any title in front of it
("Mrs Jones" becomes "Staff member 2", not "Mrs Staff member 2").
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ANOTHER_CHILD = "[another child]"
#: Name words shorter than this are only redacted as part of a whole name field
#: ("Jo" as a forename is; "de" in "de Souza" on its own is not).
MIN_NAME_WORD = 3
#: Titles that are never a name on their own and are swallowed in front of a
#: staff name.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})
#: JSON keys whose values are record ids, never text to redact.
_ID_KEY = re.compile(r"(^id$|_id$|_ids$)")
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_SPLIT = re.compile(r"[\s\-]+")
_POSSESSIVE = re.compile(r"['\u2019]s$")


def left_out_children_text(count: int) -> str:
    """How a printed copy lists the children it left out of a record: ``1 other
    child (not named in this copy)``; "" for none. Counted, not marked like the
    text, because the marker differs (a share's ``[another child]``, a subject
    access disclosure's third-party marker) and a count is true of both."""
    if count <= 0:
        return ""
    children = "child" if count == 1 else "children"
    return f"{count} other {children} (not named in this copy)"


def normalised(text: str) -> str:
    """Case-folded words joined by single spaces: how names are compared."""
    return " ".join(w.casefold() for w in _WORD.findall(text))


def _words(name: str) -> list[str]:
    return [w for w in _SPLIT.split(name.strip()) if w]


def name_forms(forename: str, surname: str, preferred: str = "",
               aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """Every form of one person's name that is redacted: each field as written,
    the full names, and each longer word of each (titles never)."""
    wholes = [forename, surname, preferred, *aliases, f"{forename} {surname}"]
    if preferred:
        wholes.append(f"{preferred} {surname}")
    forms: list[str] = []
    for whole in wholes:
        clean = " ".join(whole.split())
        if not normalised(clean):
            continue
        forms.append(clean)
        forms += [w for w in _words(clean) if len(w) >= MIN_NAME_WORD
                  and normalised(w) not in TITLES]
    return tuple(dict.fromkeys(forms))


def staff_name_forms(display_name: str) -> tuple[str, ...]:
    """A user's display name and the words of it that look like a name ("Bloggs"
    in "Jo Bloggs (DSL)"; not "DSL", which is a role, nor a title)."""
    whole = " ".join(display_name.split())
    words = [w for w in _words(whole) if len(w) >= MIN_NAME_WORD and w[0].isupper()
             and any(c.islower() for c in w[1:]) and normalised(w) not in TITLES]
    return tuple(dict.fromkeys(f for f in (whole, *words) if normalised(f)))


def _pattern(forms: Iterable[str], *, titled: bool = False,
             ignore_case: bool = True) -> re.Pattern[str] | None:
    """One regular expression matching any of ``forms`` as whole words, longest
    first (so "Ben Smith" is one match, not two); ``titled`` allows a title in
    front (in any case), outside the ``name`` group."""
    unique = sorted({f for f in forms if normalised(f)}, key=lambda f: (-len(f), f))
    if not unique:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in unique)
    title = (r"(?:(?i:" + "|".join(sorted(TITLES)) + r")\.?\s+)?") if titled else ""
    return re.compile(rf"(?<!\w){title}(?P<name>{alternatives})(?!\w)",
                      re.IGNORECASE if ignore_case else 0)


@dataclass(frozen=True)
class Person:
    """A child as redaction sees them: an id and the parts of their name."""

    pupil_id: str
    forename: str
    surname: str
    preferred: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return name_forms(self.forename, self.surname, self.preferred, self.aliases)

    @property
    def display_name(self) -> str:
        return f"{self.preferred or self.forename} {self.surname}".strip()

    @property
    def full_names(self) -> tuple[str, ...]:
        """The names a register search for a mention looks for (two words or more)."""
        names = [f"{self.forename} {self.surname}"]
        if self.preferred:
            names.append(f"{self.preferred} {self.surname}")
        names += [a for a in self.aliases if len(normalised(a).split()) > 1]
        return tuple(n for n in names if len(normalised(n).split()) > 1)


@dataclass(frozen=True)
class ChildNames:
    """Who is redacted (``removed``) and whose names protect a word (``kept``)."""

    removed: tuple[Person, ...]
    kept: tuple[Person, ...]

    def protected(self) -> frozenset[str]:
        """Every name and name word of a child who stays, normalised."""
        found: set[str] = set()
        for person in self.kept:
            for form in (*person.forms, *(w for f in person.forms for w in _words(f))):
                found.add(normalised(form))
        return frozenset(found)

    def forms(self) -> tuple[str, ...]:
        protected = self.protected()
        return tuple(f for p in self.removed for f in p.forms
                     if normalised(f) not in protected)

    def kept_parts(self, person: Person) -> tuple[str, ...]:
        """Parts of ``person``'s name that stay because a child who stays has them
        too: a whole field where the whole is shared, else its shared words."""
        protected = self.protected()
        kept: list[str] = []
        for value in (person.forename, person.surname, person.preferred, *person.aliases):
            if normalised(value) in protected:
                kept.append(" ".join(value.split()))
            else:
                kept += [w for w in _words(value) if normalised(w) in protected]
        return tuple(dict.fromkeys(k for k in kept if k))


@dataclass
class StaffAliases:
    """"Staff member n" for each staff name, numbered in the order first met."""

    names: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def alias_of(self, name: str) -> str:
        key = normalised(name)
        if key not in self.names:
            self.names[key] = f"Staff member {len(self.names) + 1}"
            self.shown[key] = " ".join(name.split())
        return self.names[key]

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(name as first written, alias), in alias order."""
        return tuple((self.shown[k], a) for k, a in self.names.items())


@dataclass
class TextRedactor:
    """Redacts strings and JSON values, counting what it changed.

    ``children`` are the forms to replace with :data:`ANOTHER_CHILD`; ``staff``
    maps each staff name form (whole names, and words of users' names) to the
    whole name whose alias replaces it, matched in any case; ``staff_words``
    does the same for words of names typed into a record ("Reportwell" of "Mrs
    Quentina Reportwell"), matched only as written, capital and all, since such a
    word may also be an ordinary one ("Ms Teacher" must not touch "Class
    teacher"). Staff go first, so "Jo Bloggs" becomes one alias even when "Jo"
    is also another child's name."""

    children: tuple[str, ...]
    staff: Mapping[str, str] = field(default_factory=dict)
    staff_words: Mapping[str, str] = field(default_factory=dict)
    aliases: StaffAliases = field(default_factory=StaffAliases)
    redactions: int = 0

    def __post_init__(self) -> None:
        self._children = _pattern(self.children)
        self._staff = [p for p in (_pattern(self.staff, titled=True),
                                   _pattern(self.staff_words, titled=True, ignore_case=False))
                       if p is not None]
        self._staff_of = {normalised(form): whole for form, whole in
                          (*self.staff_words.items(), *self.staff.items())}

    def text(self, value: str) -> str:
        for pattern in self._staff:
            value = pattern.sub(self._staff_alias, value)
        if self._children is not None:
            value, count = self._children.subn(ANOTHER_CHILD, value)
            self.redactions += count
        return value

    def _staff_alias(self, match: re.Match[str]) -> str:
        return self.aliases.alias_of(self._staff_of[normalised(match.group("name"))])

    def json(self, value: Any, drop_pupils: Collection[str] = frozenset(),
             shape: Any = Any) -> Any:
        """``value`` (parsed JSON) with its text redacted and every object in a list
        whose ``pupil_id`` is in ``drop_pupils`` removed (a concern's other
        children, a referral's mention of them).

        ``shape`` is the dataclass the JSON was made from: then only fields typed
        ``str`` are text (an enum value or a date is never touched, so a child
        named like an enum value cannot corrupt the record); ids are never text.
        Without it (``Any``), every string but an id is."""
        return _Walk(self.text, drop_pupils, self._count_removal).value(value, shape)

    def _count_removal(self) -> None:
        self.redactions += 1


@dataclass(frozen=True)
class _Walk:
    text: Callable[[str], str]
    drop: Collection[str]
    removed: Callable[[], None]

    def value(self, value: Any, hint: Any) -> Any:
        if value is None:
            return None
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            return self.value(value, next(a for a in typing.get_args(hint)
                                          if a is not type(None)))
        if isinstance(value, list):
            args = typing.get_args(hint)
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                return [self.value(v, a) for v, a in zip(value, args, strict=True)]
            return self.items(value, args[0] if origin is tuple else Any)
        if isinstance(value, dict):
            return self.mapping(value, hint)
        if isinstance(value, str) and hint in (str, Any):
            return self.text(value)
        return value

    def items(self, values: list[Any], hint: Any) -> list[Any]:
        kept = []
        for item in values:
            if isinstance(item, dict) and item.get("pupil_id") in self.drop:
                self.removed()
                continue
            kept.append(self.value(item, hint))
        return kept

    def mapping(self, value: dict[str, Any], hint: Any) -> dict[str, Any]:
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            hints = _hints(hint)
            return {k: v if _ID_KEY.search(k) else self.value(v, hints.get(k, Any))
                    for k, v in value.items()}
        item = typing.get_args(hint)[1] if typing.get_origin(hint) is dict else Any
        return {k: v if _ID_KEY.search(k) else self.value(v, item) for k, v in value.items()}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@dataclass(frozen=True)
class MentionIndex:
    """Finds register pupils named in full ("Ben Smith") in a text, so a child who
    is mentioned but not linked to a record is redacted too. Whole names only: a
    forename alone matches too many ordinary words to search a register for."""

    by_name: Mapping[str, frozenset[str]]
    longest: int

    @classmethod
    def of(cls, people: Iterable[Person]) -> MentionIndex:
        found: dict[str, set[str]] = {}
        for person in people:
            for name in person.full_names:
                found.setdefault(normalised(name), set()).add(person.pupil_id)
        longest = max((len(n.split()) for n in found), default=0)
        return cls({n: frozenset(ids) for n, ids in found.items()}, longest)

    def named_in(self, text: str) -> set[str]:
        words = [_POSSESSIVE.sub("", w.casefold()) for w in _WORD.findall(text)]
        found: set[str] = set()
        for size in range(2, self.longest + 1):
            for start in range(len(words) - size + 1):
                ids = self.by_name.get(" ".join(words[start:start + size]))
                if ids:
                    found |= ids
        return found
