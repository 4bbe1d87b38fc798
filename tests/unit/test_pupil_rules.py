"""Pupil register rules: identifiers and the list's filters (retention dates are
tests/unit/test_retention.py's)."""

from __future__ import annotations

import pytest

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import (
    PupilListEntry,
    SendStatus,
    filter_pupils,
    validate_nhs_number,
)


def test_nhs_number_check_digit() -> None:
    assert validate_nhs_number("943 476 5919") == "9434765919"
    with pytest.raises(InvalidInput, match="check digit"):
        validate_nhs_number("9434765918")
    with pytest.raises(InvalidInput, match="10 digits"):
        validate_nhs_number("12345")


def test_pupil_list_filters() -> None:
    rows = [
        PupilListEntry("1", "Smith, Amy", "7", SendStatus.EHCP, False, 2, None),
        PupilListEntry("2", "Jones, Ben", "8", SendStatus.SEN_SUPPORT, False, 0, None),
        PupilListEntry("3", "Smith, Cal", "7", SendStatus.NONE, True, 0, None),
    ]
    assert [r.id for r in filter_pupils(rows, "smi")] == ["1", "3"]
    assert [r.id for r in filter_pupils(rows, year_group="7", include_leavers=False)] == ["1"]
    assert [r.id for r in filter_pupils(rows, send_status=SendStatus.SEN_SUPPORT)] == ["2"]
    assert [r.id for r in filter_pupils(rows, open_concerns_only=True)] == ["1"]
