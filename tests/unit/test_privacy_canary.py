"""No plaintext of a canary name anywhere on disk: store, WAL, key file, log."""

from __future__ import annotations

import logging
from pathlib import Path

from sgdesk.models.users import Role
from sgdesk.services import drafts, users
from sgdesk.services.app_logging import configure_logging
from sgdesk.services.locations import AppLocations
from sgdesk.services.maintenance import backup_store
from sgdesk.storage.store_files import StoreFiles
from tests.conftest import CANARY_NAME
from tests.helpers import close, make_store, reopen
from tests.privacy_scan import leaks


def test_no_canary_in_store_wal_key_file_backup_or_log(store_path: Path, sgdesk_home: Path) -> None:
    log_file = configure_logging(AppLocations.default().log_dir)
    try:
        session, _ = make_store(store_path)
        users.add_user(session, CANARY_NAME, "canary", Role.SENDCO, "canary password ok")
        drafts.save_drafts(session, [("concern", "", {"facts": f"{CANARY_NAME} said hello"})])
        files = StoreFiles(store_path)
        assert files.wal.exists() and files.wal.stat().st_size > 0
        assert leaks(store_path.parent, CANARY_NAME) == []  # WAL and SHM while open
        backup_store(session, store_path.with_name("copy.sgdesk"))
        close(session)
        close(reopen(store_path, "canary", "canary password ok"))
        assert leaks(store_path.parent, CANARY_NAME) == []
        assert log_file.exists() and log_file.read_text()
        assert leaks(sgdesk_home, CANARY_NAME) == []
        assert leaks(sgdesk_home, "canary") == []  # not even the user name
    finally:
        for handler in logging.getLogger("sgdesk").handlers[:]:
            logging.getLogger("sgdesk").removeHandler(handler)
            handler.close()


def test_no_canary_in_bundles_their_temporary_files_or_the_log(
        store_path: Path, sgdesk_home: Path) -> None:
    """Handover, share and transfer of a canary pupil, and the import at the other
    end: every file written is ciphertext, and the log names nobody."""
    from datetime import date

    from sgdesk.models.sharing import EVERY_KIND, LegalBasis, ShareRequest
    from sgdesk.services.bundle_building import Encryption
    from sgdesk.services.bundle_import import apply_import, open_for_import, plan_import
    from sgdesk.services.bundle_sharing import export_share, export_transfer
    from sgdesk.services.handover_export import export_handover
    from sgdesk.services.school_identity import school_public_key
    from tests.helpers import add_pupil, log_about

    forename, surname = CANARY_NAME.split()
    log_file = configure_logging(AppLocations.default().log_dir)
    try:
        sender, _ = make_store(store_path)
        receiver, _ = make_store(store_path.with_name("receiver"))
        pupil = add_pupil(sender, forename, surname)
        log_about(sender, pupil, facts=f"{CANARY_NAME} said hello")
        to_receiver = Encryption((school_public_key(receiver),))
        folder = store_path.parent
        export_handover(sender, folder / "h.age", to_receiver)
        export_share(sender, ShareRequest((pupil.id,), EVERY_KIND, "Northshire MASH",
                                          "Strategy discussion", LegalBasis.SAFEGUARDING.label),
                     folder / "s.age", to_receiver)
        export_transfer(sender, pupil.id, date(2026, 11, 2), "Riverside Academy",
                        folder / "t.age", to_receiver)
        bundle = open_for_import(receiver, (folder / "t.age").read_bytes())
        apply_import(receiver, plan_import(receiver, bundle), {})
        close(sender)
        close(receiver)
        assert leaks(folder, surname) == []
        assert log_file.read_text()
        assert leaks(sgdesk_home, surname) == []
    finally:
        for handler in logging.getLogger("sgdesk").handlers[:]:
            logging.getLogger("sgdesk").removeHandler(handler)
            handler.close()
