"""Allow ``python -m sgdesk``."""

from sgdesk.launcher import main

raise SystemExit(main())
