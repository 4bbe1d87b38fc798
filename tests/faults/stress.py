"""How hard the fault tests push: a handful of trials in ``make test``, the full
count under ``make stress`` (which sets ``SGDESK_STRESS=1``).

One code path for both, so the quick run in CI exercises exactly what the long
run repeats.
"""

from __future__ import annotations

import os

STRESS = os.environ.get("SGDESK_STRESS") == "1"


def trials(quick: int, stress: int) -> int:
    """``stress`` under ``make stress``, else ``quick``."""
    return stress if STRESS else quick
