"""Dialogs: new store, users, passwords, recovery, settings."""
