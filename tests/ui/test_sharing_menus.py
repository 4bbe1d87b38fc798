"""Who is offered the bundle and key menu entries, and that each opens its screen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from sgdesk.models.users import Role
from sgdesk.ui.dialogs.address_book_dialog import AddressBookDialog
from sgdesk.ui.dialogs.handover_export_dialog import HandoverExportDialog
from sgdesk.ui.dialogs.import_bundle_dialog import ImportBundleDialog
from sgdesk.ui.dialogs.school_key_dialog import SchoolKeyDialog
from sgdesk.ui.dialogs.share_wizard import ShareWizard
from sgdesk.ui.dialogs.transfer_dialog import TransferDialog
from tests.helpers import add_colleague, close, make_store
from tests.ui.conftest import WindowFactory, unlocked_on

#: Menu action → the screen it opens: the DSL's and deputies' work.
SHARING = {
    "school_key_action": SchoolKeyDialog,
    "address_book_action": AddressBookDialog,
    "import_bundle_action": ImportBundleDialog,
    "share_action": ShareWizard,
    "transfer_action": TransferDialog,
}


def test_sharing_is_offered_to_the_dsl_and_deputies_and_handover_to_the_dsl_only(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "deputy", Role.DEPUTY_DSL)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)
    for login, offered in (("deputy", True), ("sendco", False)):
        window = unlocked_on(qtbot, make_window, store_path, login, "colleague password")
        assert not window.handover_action.isEnabled()
        for name, screen in SHARING.items():
            action = getattr(window, name)
            assert action.isEnabled() is offered, (login, name)
            if offered:
                action.trigger()
                qtbot.waitUntil(lambda w=window, s=screen: any(
                    d.isVisible() for d in w.findChildren(s)))
                next(d for d in window.findChildren(screen) if d.isVisible()).reject()
        window.close()


def test_the_dsl_is_offered_the_handover(qtbot: QtBot, make_window: WindowFactory,
                                         closed_store: Path) -> None:
    window = unlocked_on(qtbot, make_window, closed_store)
    assert window.handover_action.isEnabled()
    window.handover_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(HandoverExportDialog)))
