"""Setting up a new DSL's store from a handover bundle.

The new DSL chooses their own user name and password (and gets a new recovery
key): nobody's old way in travels. Everything else is the old store's content,
row for row, with the audit chain continuing from where it stopped; the school's
own templates are copied into this computer's templates folder where no file
of that name is there already.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused, InvalidInput
from sgdesk.models.users import User
from sgdesk.services.bundle_reading import OpenedBundle
from sgdesk.services.locations import AppLocations
from sgdesk.services.referral_templates import school_templates_dir
from sgdesk.services.school_identity import ensure_school_identity
from sgdesk.services.session import UnlockResult
from sgdesk.services.store_creation import NewStoreDetails, create_store
from sgdesk.storage import migrations
from sgdesk.storage.bundle_restore import restore_handover
from sgdesk.storage.clock import Clock, utc_now
from sgdesk.storage.database import Database
from sgdesk.storage.store_files import StoreFiles, normalise_store_path

log = logging.getLogger(__name__)


def create_store_from_handover(
    path: Path,
    bundle: OpenedBundle,
    details: NewStoreDetails,
    recovery_key: bytes,
    *,
    locations: AppLocations | None = None,
    clock: Clock = utc_now,
) -> UnlockResult:
    """Make a store at ``path`` holding the handed-over records, signed in as
    the new DSL. Slow (key derivation, every row written): off the GUI thread."""
    manifest = bundle.manifest
    if manifest.kind is not BundleKind.HANDOVER:
        raise BundleRefused(
            f"This bundle is a {manifest.kind.label.lower()}, not a handover. Set up a store "
            "first, then import it from File \u2192 Import bundle. Nothing was imported.",
            "wrong_kind")
    taken = {str(row["login"]).casefold() for row in bundle.rows("users")}
    if details.login.strip().casefold() in taken:
        raise InvalidInput("That user name is already used in the handed-over records. "
                           "Choose another one for yourself.", field="login")
    details = NewStoreDetails(manifest.school, details.display_name, details.login,
                              details.password, details.role)

    def populate(db: Database, files: StoreFiles, user: User, store_id: str) -> None:
        body = {"bundle_id": manifest.bundle_id, "counts": manifest.counts,
                "made_by": manifest.created_by, "made_at": manifest.created_at,
                "from_store": manifest.store_id}
        restore_handover(db, user, store_id, manifest.schema_version, bundle.tables,
                         (bundle.sha256, manifest.school, body))
        migrations.upgrade(db, files, user.id)
        with db.write(user.id) as tx:
            ensure_school_identity(tx, db)

    files = StoreFiles(normalise_store_path(path))
    lock_was_there = files.lock.exists()
    try:
        result = create_store(path, details, recovery_key, clock=clock, populate=populate)
    except BaseException:
        # creation removed what it made but its (empty) lock file: a refused
        # handover leaves nothing behind to puzzle over
        if not lock_was_there and not files.exists():
            files.lock.unlink(missing_ok=True)
        raise
    _copy_templates(bundle, locations)
    log.info("store set up from a handover bundle")
    return result


def _copy_templates(bundle: OpenedBundle, locations: AppLocations | None) -> None:
    """The school's own templates, where this computer has none of that name yet."""
    folder = school_templates_dir(locations)
    for name, data in bundle.templates.items():
        target = folder / name
        if target.exists():
            log.info("a handed-over template was not copied: one of that name is there")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
