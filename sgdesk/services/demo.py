"""The demo store: a made-up school with made-up people, for trying sgdesk out.

Its sign-in is written into its key file (as a :class:`DemoHint`) and shown on the
unlock screen, because a demo store must never hold real records. Everything is
generated deterministically, so two demo stores hold the same content (pupils,
families and concerns come from :mod:`sgdesk.services.demo_records`).
Later record kinds add their demo data here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sgdesk.models.users import Role
from sgdesk.services import users
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.storage.clock import Clock, utc_now
from sgdesk.storage.keyslots import DemoHint

log = logging.getLogger(__name__)

DEMO_SCHOOL = "Larkfield Academy (demo)"
DEMO_PASSWORD = "demo-store-only"
DEMO_DSL_LOGIN = "dsl"

#: Fictional colleagues: (display name, login, role).
DEMO_COLLEAGUES = (
    ("Priya Raman", "deputy", Role.DEPUTY_DSL),
    ("Tom Whitlock", "sendco", Role.SENDCO),
    ("Governor Audit", "auditor", Role.AUDITOR),
)


def create_demo_store(path: Path, clock: Clock = utc_now) -> Path:
    """Create a demo store at ``path`` and leave it locked. Returns the store path.

    Every demo user signs in with :data:`DEMO_PASSWORD`.
    """
    recovery_raw, _ = new_recovery_key()
    details = NewStoreDetails(
        school_name=DEMO_SCHOOL, display_name="Sam Okafor", login=DEMO_DSL_LOGIN,
        password=DEMO_PASSWORD,
    )
    result = create_store(path, details, recovery_raw,
                          demo=DemoHint(DEMO_DSL_LOGIN, DEMO_PASSWORD), clock=clock)
    session = result.session
    try:
        for name, login, role in DEMO_COLLEAGUES:
            users.add_user(session, name, login, role, DEMO_PASSWORD)
        # Imported here: the demo's wording and story are only needed the one time a
        # demo store is made, and importing them at start-up would slow the launch.
        from sgdesk.services.demo_body_maps import add_demo_body_maps
        from sgdesk.services.demo_casework import add_demo_casework
        from sgdesk.services.demo_chronology import add_demo_chronology
        from sgdesk.services.demo_records import add_demo_records
        from sgdesk.services.demo_referrals import add_demo_referrals

        today = clock().astimezone().date()
        add_demo_records(session, today)
        add_demo_body_maps(session, today)
        add_demo_referrals(session, today)
        add_demo_chronology(session, today)
        add_demo_casework(session, today)
    finally:
        session.lock()
        session.store.close()
    log.info("demo store created")
    return session.store.path
