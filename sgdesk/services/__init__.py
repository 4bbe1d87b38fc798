"""Use cases joining models and storage: unlock and lock, users, drafts, backups,
PDFs. Raise the typed errors of :mod:`sgdesk.models.errors`; never touch widgets."""
