"""The ``sgdesk`` command: with no arguments it opens the app, otherwise it is the
command line (:mod:`sgdesk.cli`).

Deciding which needs nothing but ``sys``: the command line's own imports (bundles,
PDFs, handover: ~0.6 s) must not delay the unlock screen a DSL is waiting for.
"""

from __future__ import annotations

import sys

#: Options the app itself takes. ``--exit-when-ready`` (not in ``--help``: it is for
#: the benchmark and the packaged app's smoke test) quits once the unlock screen
#: shows, printing ``ready``.
EXIT_WHEN_READY = "--exit-when-ready"


def main(argv: list[str] | None = None) -> int:
    """The console script. Returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args == [EXIT_WHEN_READY]:
        from sgdesk.ui.app import main as run_app

        return run_app(exit_when_ready=bool(args))
    from sgdesk.cli import main as run_command

    return run_command(args)
