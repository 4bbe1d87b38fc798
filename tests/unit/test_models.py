"""Plain rules: recovery key format, logins, passwords."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgdesk.models.errors import InvalidInput
from sgdesk.models.recovery_key import format_recovery_key, last_group, parse_recovery_key
from sgdesk.models.users import Role, validate_login, validate_new_password


@given(st.binary(min_size=32, max_size=32))
def test_recovery_key_round_trips_however_it_is_typed(raw: bytes) -> None:
    shown = format_recovery_key(raw)
    assert len(shown.split("-")) == 13 and all(len(g) == 4 for g in shown.split("-"))
    assert parse_recovery_key(shown) == raw
    assert parse_recovery_key(shown.lower().replace("-", " ")) == raw
    assert last_group(shown) == shown[-4:]


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH", "0" * 52, "ABCD" * 14])
def test_malformed_recovery_keys_are_refused_plainly(typed: str) -> None:
    with pytest.raises(InvalidInput, match="recovery"):
        parse_recovery_key(typed)


def test_logins_and_passwords() -> None:
    assert validate_login(" J.Bloggs ") == "j.bloggs"
    for bad in ("", "x", "has space", "-leading"):
        with pytest.raises(InvalidInput):
            validate_login(bad)
    with pytest.raises(InvalidInput, match="at least 10"):
        validate_new_password("short")
    with pytest.raises(InvalidInput, match="user name"):
        validate_new_password("jbloggs123", "JBloggs123")
    validate_new_password("three random words")


def test_roles() -> None:
    assert not Role.AUDITOR.can_write and Role.SENDCO.can_write
    assert Role.DSL.can_manage_users and not Role.DEPUTY_DSL.can_manage_users
    assert Role.SENDCO.label == "SENDCO"


def test_every_concern_field_has_a_label_in_form_order() -> None:
    from dataclasses import fields

    from sgdesk.models.concerns import FIELD_LABELS, KEPT_APART_SECTIONS, ConcernContent
    assert list(FIELD_LABELS) == [f.name for f in fields(ConcernContent)]
    assert set(KEPT_APART_SECTIONS) <= set(FIELD_LABELS)
