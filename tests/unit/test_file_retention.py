"""One pupil's retention review date as the record view and the leaving form tell
it: the school's own periods, and the longer SEN period for a child who has or had
SEN support or an EHCP."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from sgdesk.models.errors import PermissionDenied
from sgdesk.models.pupils import SendStatus
from sgdesk.models.retention import RetentionKind
from sgdesk.models.users import Role
from sgdesk.services import pupils, retention
from sgdesk.services.retention import FileRetention
from tests.helpers import add_colleague, add_pupil, close, make_store, reopen

BORN = date(2014, 3, 9)


def test_the_date_follows_the_schools_periods_and_the_sen_history(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Ash", date_of_birth=BORN)
    ben = add_pupil(session, "Ben", "Birch", date_of_birth=BORN,
                    send_status=SendStatus.SEN_SUPPORT)
    assert retention.file_retention(session, amy.id) == FileRetention(
        date(2039, 3, 9), "Child protection file: date of birth + 25 years")
    assert retention.file_retention(session, ben.id) == FileRetention(
        date(2045, 3, 9), "SEN-related records: date of birth + 31 years")

    retention.set_retention_years(session, RetentionKind.CP_FILE, 30)
    retention.set_retention_years(session, RetentionKind.SEN, 35)
    assert retention.file_retention(session, amy.id).review_on == date(2044, 3, 9)
    assert retention.file_retention(session, ben.id).review_on == date(2049, 3, 9)

    # SEN support that has ended still keeps the SEN-related records (the history shows it).
    record = pupils.get_pupil(session, ben.id)
    pupils.amend_pupil(session, replace(record.pupil, send_status=SendStatus.NONE),
                       "SEN support ended", record.version)
    assert retention.file_retention(session, ben.id).review_on == date(2049, 3, 9)
    unborn = add_pupil(session, "Baby", "Ash", date_of_birth=None,
                       expected_date_of_birth=date(2027, 1, 5))
    assert retention.file_retention(session, unborn.id).review_on == date(2057, 1, 5)
    close(session)


def test_whoever_may_see_the_pupil_is_told_and_no_one_else(store_path: Path) -> None:
    session, _ = make_store(store_path)
    amy = add_pupil(session, "Amy", "Ash", date_of_birth=BORN)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)
    deputy = reopen(store_path, "deputy", "colleague password")
    assert retention.file_retention(deputy, amy.id).review_on == date(2039, 3, 9)
    close(deputy)
    sendco = reopen(store_path, "sendco", "colleague password")
    with pytest.raises(PermissionDenied):
        retention.file_retention(sendco, amy.id)
    close(sendco)
