"""The pupil list and a pupil's record in the main window, on real encrypted stores:
filters, the profile, the concerns on file (with the label-leak rule as it shows on
screen), keyboard navigation, and a lock that leaves no child's data behind."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from sgdesk.models.casework import CaseContent, CaseKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.pupils import KeyAdult, SendStatus
from sgdesk.models.users import Role
from sgdesk.services import body_maps, casework, concerns, pupils
from sgdesk.ui.body_maps_tab import BodyMapsTab
from sgdesk.ui.casework_tab import CaseworkTab
from sgdesk.ui.chronology_tab import ChronologyTab
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.pupil_record_view import (
    BODY_MAPS_TAB,
    CASEWORK_TAB,
    CHRONOLOGY_TAB,
    CONCERNS_TAB,
    PROFILE_TAB,
    REFERRALS_TAB,
)
from sgdesk.ui.referrals_tab import ReferralsTab
from tests.body_map_helpers import map_of
from tests.helpers import (
    SCHOOL,
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
    reopen,
)
from tests.ui.conftest import WindowFactory, shot, unlocked_on, wait_idle, widget_texts


def make_register(path: Path) -> None:
    """Amy (Year 3, SEN support) and Ben (Year 5, EHCP), linked as a family; Cal
    (Year 3) who left. One concern involves all three with different roles; Amy has
    another, amended."""
    session, _ = make_store(path)
    amy = add_pupil(session, "Amy", "Example", year_group="Year 3", form="3R",
                    send_status=SendStatus.SEN_SUPPORT, key_adults_known=False,
                    date_of_birth=date(2018, 4, 2))
    ben = add_pupil(session, "Ben", "Example", year_group="Year 5",
                    send_status=SendStatus.EHCP, ehcp_section_d="Respite care weekly",
                    key_adults=(KeyAdult("Grandad Example", "Grandfather"),))
    cal = add_pupil(session, "Cal", "Other", year_group="Year 3")
    pupils.record_leaving(session, cal.id, date(2026, 7, 20), "Hilltop High", 1)
    pupils.link_family(session, [amy.id, ben.id], "Example family")
    concerns.log_concern(session, concern_content(
        InvolvedChild(amy.id, ChildRole.VICTIM),
        InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR, name_shown_to_others=True),
        InvolvedChild(cal.id, ChildRole.WITNESS),
        facts="Pushed against the wall at break"))
    alone = log_about(session, amy, facts="Came in hungry")
    first = concerns.get_concern(session, alone).current
    concerns.amend_concern(session, alone, replace(first, facts="Came in hungry, twice"),
                           "Added the second morning", 1)
    close(session)


def listed_names(window: MainWindow) -> list[str]:
    model = window.workspace.pupil_list.model
    return [str(model.index(r, 0).data()) for r in range(model.rowCount())]


def open_by_typing(qtbot: QtBot, window: MainWindow, name: str) -> None:
    """Type in the name filter and press Enter, as a person would."""
    field = window.workspace.pupil_list.name_filter
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, name)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    record = window.workspace.record_view
    qtbot.waitUntil(lambda: record.isVisible() and record.name.text() != "")
    wait_idle(qtbot, window)


def concern_cells(window: MainWindow) -> list[list[str]]:
    model = window.workspace.record_view.concern_model
    return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_filters_narrow_the_pupil_list(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    view = window.workspace.pupil_list
    assert listed_names(window) == ["Example, Amy", "Example, Ben"]  # leavers hidden
    assert view.count.text() == "2 of 3 pupils"
    shot(window, "pupil_list")

    qtbot.keyClicks(view.name_filter, "be")
    assert listed_names(window) == ["Example, Ben"]
    view.name_filter.clear()

    view.year_filter.setCurrentIndex(view.year_filter.findText("Year 3"))
    assert listed_names(window) == ["Example, Amy"]
    view.include_leavers.click()
    assert listed_names(window) == ["Example, Amy", "Other, Cal"]
    assert window.workspace.pupil_list.model.index(1, 4).data() == "Left"
    view.year_filter.setCurrentIndex(0)

    view.send_filter.setCurrentIndex(view.send_filter.findText("EHCP"))
    assert listed_names(window) == ["Example, Ben"]
    view.send_filter.setCurrentIndex(0)
    view.open_only.click()
    assert listed_names(window) == ["Example, Amy", "Example, Ben", "Other, Cal"]
    assert [window.workspace.pupil_list.model.index(r, 3).data() for r in range(3)] == [
        "2", "1", "1"]


def test_a_pupils_record_shows_profile_and_concerns_without_leaking_labels(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    record = window.workspace.record_view
    open_by_typing(qtbot, window, "Amy")

    assert record.name.text() == "Amy Example"
    assert record.summary.text() == "Born 02/04/2018 · Year 3, form 3R · SEN support (K)"
    assert record.retention.text() == (  # SEN support: the SEN period, the longer
        "Kept until its retention review on 02/04/2049 "
        "(SEN-related records: date of birth + 31 years).")
    assert not record.left.isVisible()
    assert window.windowTitle() == f"sgdesk — {SCHOOL}"
    profile = widget_texts(record.profile_scroll)
    assert "The school knows nothing about key adults." in profile
    assert "Ben Example (Year 5)" in profile  # the linked sibling
    assert "Added to the register" in " ".join(profile)
    shot(window, "pupil_record_profile")

    record.tabs.setCurrentIndex(CONCERNS_TAB)
    assert record.tabs.tabText(CONCERNS_TAB) == "Concerns (2)"
    rows = {cells[2]: cells for cells in concern_cells(window)}
    assert rows["Victim"][5] == "Ben Example and 1 other child"
    assert rows["Subject"][4] == "Amended"
    on_screen = " ".join(widget_texts(record))  # the home view lists every name: not here
    assert "perpetrator" not in on_screen.lower()
    assert "Witness" not in on_screen
    assert "Cal Other" not in on_screen and "Other, Cal" not in on_screen
    shot(window, "pupil_record_concerns")

    open_by_typing(qtbot, window, "Ben")
    assert record.name.text() == "Ben Example"
    [ben_row] = concern_cells(window)
    assert ben_row[2] == "Alleged perpetrator"
    assert ben_row[5] == "2 other children"  # neither Amy's nor Cal's name was shown
    assert "Victim" not in " ".join(widget_texts(record))
    record.tabs.setCurrentIndex(PROFILE_TAB)
    profile = widget_texts(record.profile_scroll)
    assert "Respite care weekly" in profile
    assert "Grandad Example" in profile
    shot(window, "pupil_record_profile_ehcp")


def test_a_leaver_shows_where_they_went_and_a_sibling_opens_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    record = window.workspace.record_view
    window.workspace.pupil_list.include_leavers.click()
    open_by_typing(qtbot, window, "Cal")
    assert record.left.isVisible()
    assert record.left.text() == "Left on 20/07/2026 to Hilltop High."
    assert "Not yet recorded." in widget_texts(record.profile_scroll)
    assert not record.leaving_button.isEnabled()
    assert record.concern_model.index(0, 5).data() == "Ben Example and 1 other child"

    open_by_typing(qtbot, window, "Amy")
    [sibling] = [b for b in record.profile_scroll.findChildren(QPushButton)
                 if b.text() == "Ben Example (Year 5)"]
    sibling.setFocus()
    qtbot.keyClick(sibling, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: record.name.text() == "Ben Example")


def test_home_key_goes_back_and_ctrl_n_belongs_to_the_open_pupil(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    workspace = window.workspace
    assert not workspace.log_concern_action.isEnabled()
    open_by_typing(qtbot, window, "Amy")
    assert workspace.log_concern_action.isEnabled()
    assert workspace.log_concern_action.shortcut().toString() == "Ctrl+N"
    assert window.new_store_action.shortcut().toString() != "Ctrl+N"
    qtbot.keyClick(workspace.pupil_list.table, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.home_view.isVisible())
    assert not workspace.log_concern_action.isEnabled()


def test_a_read_only_colleague_gets_no_buttons_that_change_records(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    session = reopen(store_path)
    add_colleague(session, "auditor", Role.AUDITOR)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "auditor", "colleague password")
    assert not window.workspace.pupil_list.add_button.isVisible()
    assert not window.workspace.add_pupil_action.isEnabled()
    open_by_typing(qtbot, window, "Amy")
    record = window.workspace.record_view
    for button in (record.amend_button, record.leaving_button, record.family_button,
                   record.log_button):
        assert button.isHidden()
    assert not window.workspace.log_concern_action.isEnabled()


def test_locking_clears_every_record_widget(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    open_by_typing(qtbot, window, "Amy")
    window.workspace.record_view.tabs.setCurrentIndex(CONCERNS_TAB)
    assert "Amy Example" in widget_texts(window)

    window.lock()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view)
    wait_idle(qtbot, window)
    left = " ".join(widget_texts(window))
    for child_data in ("Example", "Amy", "Ben", "Hilltop", "Pushed", "Victim", "Neglect"):
        assert child_data not in left
    assert window.workspace.record_view.pupil_id is None
    assert window.workspace.pupil_list.model.rowCount() == 0


def test_the_body_maps_tab_shows_only_the_open_pupils_maps_and_clears_on_lock(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    session = reopen(store_path)
    by_name = {e.sort_name: e.id for e in pupils.list_pupils(session)}
    amy_id = next(i for name, i in by_name.items() if "Amy" in name)
    body_maps.add_body_map(session, map_of(amy_id, notes="Seen at morning registration"))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    record = window.workspace.record_view
    open_by_typing(qtbot, window, "Amy")
    record.tabs.setCurrentIndex(BODY_MAPS_TAB)
    qtbot.waitUntil(lambda: any(t.list.rowCount() == 1
                                for t in record.findChildren(BodyMapsTab)))
    shot(window, "record_body_maps_tab")
    open_by_typing(qtbot, window, "Ben")
    qtbot.waitUntil(lambda: [t.list.rowCount()
                             for t in record.findChildren(BodyMapsTab)] == [0])
    window.lock()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view)
    qtbot.waitUntil(lambda: not record.findChildren(BodyMapsTab))


def test_chronology_and_referrals_tabs_belong_to_the_open_pupil(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    window = unlocked_on(qtbot, make_window, store_path)
    record = window.workspace.record_view
    open_by_typing(qtbot, window, "Amy")
    record.tabs.setCurrentIndex(CHRONOLOGY_TAB)
    qtbot.waitUntil(lambda: len(record.findChildren(ChronologyTab)) == 1)
    wait_idle(qtbot, window)
    chronology = record.findChild(ChronologyTab)
    assert "Came in hungry, twice" in " ".join(widget_texts(chronology))
    record.tabs.setCurrentIndex(REFERRALS_TAB)
    qtbot.waitUntil(lambda: len(record.findChildren(ReferralsTab)) == 1)
    open_by_typing(qtbot, window, "Ben")  # Amy's tabs go; Ben's referrals tab is built
    qtbot.waitUntil(lambda: not record.findChildren(ChronologyTab))
    qtbot.waitUntil(lambda: [t.parent().pupil_id for t in record.findChildren(ReferralsTab)]
                    == [record.pupil_id])


def test_a_casework_line_in_the_chronology_opens_the_case_on_the_casework_tab(
    qtbot: QtBot, make_window: WindowFactory, store_path: Path
) -> None:
    make_register(store_path)
    session = reopen(store_path)
    amy_id = next(e.id for e in pupils.list_pupils(session) if "Amy" in e.sort_name)
    case_id = casework.open_case(session, CaseContent(
        CaseKind.EARLY_HELP, amy_id, None, "Jo Bloggs", "", date(2026, 9, 1)))
    close(session)
    window = unlocked_on(qtbot, make_window, store_path)
    record = window.workspace.record_view
    open_by_typing(qtbot, window, "Amy")
    record.tabs.setCurrentIndex(CHRONOLOGY_TAB)
    qtbot.waitUntil(lambda: len(record.findChildren(ChronologyTab)) == 1)
    chronology = record.findChild(ChronologyTab)
    qtbot.waitUntil(lambda: any(chronology.model.entry(r).source_kind == "case"
                                for r in range(chronology.model.rowCount())))
    row = next(r for r in range(chronology.model.rowCount())
               if chronology.model.entry(r).source_kind == "case")
    chronology.open_entry(row)
    qtbot.waitUntil(lambda: record.tabs.currentIndex() == CASEWORK_TAB)
    qtbot.waitUntil(lambda: any((t.selected() or None) and t.selected().id == case_id
                                for t in record.findChildren(CaseworkTab)))
