"""``sgdesk export`` and ``sgdesk import``: the command-line twins of the bundle screens.

``export`` writes a handover of the whole store (DSL only), a partner share or
a CP file transfer, to age public keys or a passphrase. ``import`` takes a
partner's share or another school's CP file transfer into a store, printing
what it would add and asking about each pupil who may already be on the
register (or taking the answers as options); a receipt closes its transfer. A
handover is opened by ``sgdesk init PATH --from-handover BUNDLE``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused
from sgdesk.models.sharing import LegalBasis, SharedKind, ShareRequest
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_import import apply_import, describe, open_for_import, plan_import
from sgdesk.services.bundle_reading import OpenedBundle, open_bundle
from sgdesk.services.bundle_sharing import export_share, export_transfer
from sgdesk.services.handover_export import export_handover
from sgdesk.services.pupils import pupil_id_for
from sgdesk.services.transfer_receipts import export_receipt, take_receipt, transfer_received


def add_bundle_commands(commands: Any, store_and_login: Any, password_stdin: Any) -> None:
    """Register ``export`` and ``import`` on the ``sgdesk`` sub-command parser.
    (The runners import ``sgdesk.cli`` when they run: it imports this module.)"""

    export = commands.add_parser(
        "export",
        help="write an encrypted bundle: a handover, a partner share or a CP file transfer",
        description="Write one bundle, encrypted to each --to public key (age1…) or, with "
        "--passphrase, to a passphrase you are asked for (with --password-stdin: the line "
        "after your password). --handover: the whole store (DSL only). --share: the chosen "
        "records of --pupil (id or UPN), other children struck out unless --include-child. "
        "--transfer: one pupil's whole CP file to --new-school, starting the five-school-day "
        "receipt clock.",
    )
    store_and_login(export)
    kinds = export.add_mutually_exclusive_group(required=True)
    kinds.add_argument("--handover", type=Path, metavar="DEST", help="hand over the whole store")
    kinds.add_argument("--share", type=Path, metavar="DEST", help="share with a partner")
    kinds.add_argument("--transfer", type=Path, metavar="DEST",
                       help="send a pupil's CP file to their new school")
    export.add_argument("--to", action="append", default=[], metavar="AGE1KEY",
                        help="a recipient's age public key (repeat for several)")
    export.add_argument("--passphrase", action="store_true",
                        help="protect the bundle with a passphrase instead of keys")
    export.add_argument("--pupil", action="append", default=[], metavar="ID_OR_UPN",
                        help="share or transfer this pupil (repeat to share several)")
    export.add_argument("--kinds", default=",".join(k.value for k in SharedKind),
                        help="what to share, comma-separated: "
                        + ", ".join(k.value for k in SharedKind) + " (default: all)")
    export.add_argument("--recipient", help="who the share is for (logged)")
    export.add_argument("--purpose", help="why it is shared (logged)")
    export.add_argument("--legal-basis", default=LegalBasis.SAFEGUARDING.value,
                        choices=[b.value for b in LegalBasis],
                        help="the lawful basis for sharing (logged; default safeguarding)")
    export.add_argument("--include-child", action="append", default=[], metavar="ID_OR_UPN",
                        help="leave this other child named in the shared records")
    export.add_argument("--anonymise-staff", action="store_true",
                        help="replace staff names with Staff member 1, 2…")
    export.add_argument("--moved-on", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="the day the pupil moved school (transfer)")
    export.add_argument("--new-school", help="the pupil's new school (transfer)")
    password_stdin(export, "the password, then the passphrase")
    export.set_defaults(run=_export)

    take = commands.add_parser(
        "import",
        help="import a partner's share or a CP file transfer",
        description="Show what BUNDLE would add to the store, then import it in one "
        "transaction. A pupil who may already be on the register is asked about, or "
        "answered with --same / --different INCOMING_ID. --dry-run only shows the plan.",
    )
    store_and_login(take)
    take.add_argument("bundle", type=Path, metavar="BUNDLE", help="the bundle file")
    take.add_argument("--same", action="append", default=[], metavar="ID",
                      help="this incoming pupil is the one already on the register")
    take.add_argument("--different", action="append", default=[], metavar="ID",
                      help="this incoming pupil is a different child: add them")
    take.add_argument("--dry-run", action="store_true", help="show the plan, import nothing")
    take.add_argument("--receipt", type=Path, metavar="DEST",
                      help="after importing a CP file transfer, write its receipt here "
                      "(encrypted to the sending school)")
    password_stdin(take, "the password (then the bundle's passphrase, if it has one)")
    take.set_defaults(run=_import)


def _export(args: argparse.Namespace, answers: Any) -> int:
    from sgdesk.cli import UsageError, _signed_in

    if bool(args.to) == bool(args.passphrase):
        raise UsageError("give --to KEY (one or more) or --passphrase")
    if (args.share or args.transfer) and not args.pupil:
        raise UsageError("--share and --transfer need --pupil")
    if args.transfer and not (args.moved_on and args.new_school):
        raise UsageError("--transfer needs --moved-on and --new-school")
    with _signed_in(args, answers) as (session, _):
        encryption = Encryption(passphrase=answers.new_secret("Bundle passphrase: "),
                                described_as="passphrase") if args.passphrase else \
            Encryption(tuple(args.to), described_as=", ".join(args.to))
        if args.handover:
            written = export_handover(session, args.handover, encryption)
        elif args.transfer:
            written = export_transfer(session, pupil_id_for(session, args.pupil[0]),
                                      args.moved_on, args.new_school, args.transfer, encryption)
        else:
            written = export_share(session, _share_request(session, args), args.share,
                                   encryption)
    print(f"{written.manifest.kind.label} written to {written.path} "
          f"({written.size:,} bytes, {written.manifest.records_total():,} rows).")
    return 0


def _share_request(session: Any, args: argparse.Namespace) -> ShareRequest:
    from sgdesk.cli import UsageError

    try:
        kinds = frozenset(SharedKind(k.strip()) for k in args.kinds.split(",") if k.strip())
    except ValueError:
        raise UsageError(f"--kinds takes {', '.join(k.value for k in SharedKind)}") from None
    return ShareRequest(
        tuple(pupil_id_for(session, p) for p in args.pupil), kinds, args.recipient or "",
        args.purpose or "", LegalBasis(args.legal_basis).label,
        tuple(pupil_id_for(session, p) for p in args.include_child), args.anonymise_staff)


def _import(args: argparse.Namespace, answers: Any) -> int:
    from sgdesk.cli import _signed_in

    data = _read(args.bundle)
    with _signed_in(args, answers) as (session, _):
        try:
            bundle = open_for_import(session, data)
        except BundleRefused as refused:
            if refused.reason != "needs_passphrase":
                raise
            bundle = open_for_import(session, data, answers.secret("Bundle passphrase: "))
        if bundle.manifest.kind is BundleKind.RECEIPT:
            details = take_receipt(session, bundle)
            print(f"Transfer receipted by {details['acknowledged_by']} "
                  f"({details['receiving_school']}).")
            return 0
        plan = plan_import(session, bundle)
        print(describe(plan))
        same = {i: True for i in args.same} | {i: False for i in args.different}
        for question in plan.questions:
            if question.incoming_id not in same:
                reply = answers.text(
                    f"Is {question.incoming} the same pupil as {question.local} here "
                    f"({question.why})? [y/n] ", None, f"--same/--different {question.incoming_id}")
                same[question.incoming_id] = reply.strip().lower().startswith("y")
        if args.dry_run or not plan.adds_anything:
            print("Nothing was imported.")
            return 0
        outcome = apply_import(session, plan, same)
        print(f"Imported {outcome.records_added} records and "
              f"{outcome.versions_added + outcome.versions_beside} versions.")
        if args.receipt and bundle.manifest.kind is BundleKind.TRANSFER:
            written = export_receipt(session, transfer_received(bundle), args.receipt)
            print(f"Receipt written to {written.path}: send it to {bundle.manifest.school}.")
    return 0


def open_handover(path: Path, identity_file: Path | None, answers: Any) -> OpenedBundle:
    """A handover for ``init --from-handover``: with an age identity file, or the
    passphrase (asked, or the first line of stdin)."""
    data = _read(path)
    if identity_file is not None:
        identities = [line.strip() for line in _read(identity_file).decode().splitlines()
                      if line.strip().startswith("AGE-SECRET-KEY-")]
        return open_bundle(data, identities=identities)
    return open_bundle(data, passphrase=answers.secret("Bundle passphrase: "))


def _read(path: Path) -> bytes:
    from sgdesk.models.errors import InvalidInput

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path} cannot be read: {exc.strerror or exc}.") from exc
