"""Allow ``python -m sgdesk``."""

from sgdesk.cli import main

raise SystemExit(main())
