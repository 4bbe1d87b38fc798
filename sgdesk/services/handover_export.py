"""Handing the whole store to a new DSL: every table, every version, the audit chain.

The handover carries every row of every table that travels (see
``storage/bundle_tables``), the school's own templates, and nothing a person
could sign in with: users travel as names and roles, never their key slots.
The new DSL opens it when setting up (``handover_import``) and sets their own
password there.
"""

from __future__ import annotations

from pathlib import Path

from sgdesk.models.bundles import MEMBER_NAME, TEMPLATES_DIR, BundleKind
from sgdesk.models.errors import Cancelled, PermissionDenied
from sgdesk.models.users import Role
from sgdesk.services.bundle_building import (
    BundleContent,
    Encryption,
    IsCancelled,
    JsonLines,
    StageProgress,
    WrittenBundle,
    never_cancelled,
    no_progress,
    write_bundle,
)
from sgdesk.services.locations import AppLocations
from sgdesk.services.referral_templates import school_templates_dir
from sgdesk.services.session import Session
from sgdesk.storage.bundle_tables import dump_rows, table_shapes

#: Reading rows is this share of the progress bar; encrypting is the rest.
_READING = 0.5


def export_handover(session: Session, dest: Path, encryption: Encryption, *,
                    locations: AppLocations | None = None,
                    progress: StageProgress = no_progress,
                    cancelled: IsCancelled = never_cancelled) -> WrittenBundle:
    """Write the whole store to ``dest`` as a handover bundle. DSL only."""
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can hand over the store.")
    content = BundleContent(BundleKind.HANDOVER)
    shapes = table_shapes(session.db)
    for number, shape in enumerate(shapes):
        if cancelled():
            raise Cancelled("The export was cancelled. No file was written.")
        progress("Reading records", _READING * number / len(shapes))
        content.tables[shape.name] = JsonLines.of(dump_rows(session.db, shape))
    content.templates = school_templates(locations)
    return write_bundle(
        session, content, dest, encryption,
        progress=lambda stage, f: progress(stage, _READING + (1 - _READING) * f),
        cancelled=cancelled,
    )


def school_templates(locations: AppLocations | None) -> dict[str, bytes]:
    """The school's own referral templates (copies that override shipped ones);
    a file whose name a bundle cannot carry is left out rather than renamed."""
    folder = school_templates_dir(locations)
    found: dict[str, bytes] = {}
    for pattern in ("*.txt", "parts/*.txt"):
        for path in sorted(folder.glob(pattern)):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and MEMBER_NAME.fullmatch(TEMPLATES_DIR + name):
                found[name] = path.read_bytes()
    return found
