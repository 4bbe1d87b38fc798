"""sgdesk: an offline, encrypted workbench for a school's Designated Safeguarding Lead."""

__version__ = "0.1.0"
