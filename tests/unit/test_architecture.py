"""The layer rules, read from every module's imports so nobody has to remember them.

ui -> services -> storage -> models (ui may also use models). Qt only in ui,
sqlcipher3 only in storage, and no networking module anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "sgdesk"
NETWORK_MODULES = {
    "socket", "http", "urllib", "urllib3", "ssl", "requests", "httpx", "aiohttp", "smtplib",
    "ftplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "socketserver", "asyncio",
    "websockets", "paramiko",
}
# which sgdesk layers each layer may import
ALLOWED = {
    "models": {"models"},
    "storage": {"models", "storage"},
    "services": {"models", "storage", "services"},
    "ui": {"models", "services", "ui"},
    "cli": {"models", "services", "ui", "cli", "cli_bundles"},
    "cli_bundles": {"models", "services", "cli"},
    "__init__": set(),
    "launcher": {"ui", "cli"},
    "__main__": {"launcher"},
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(layer: str, names: set[str]) -> list[str]:
    found = []
    for name in sorted(names):
        top = name.split(".")[0]
        if top in NETWORK_MODULES:
            found.append(f"{name}: sgdesk has no network code")
        if top == "PySide6" and layer != "ui":
            found.append(f"Qt imported outside sgdesk/ui: {name}")
        if top == "sqlcipher3" and layer != "storage":
            found.append(f"sqlcipher3 imported outside sgdesk/storage: {name}")
        if top == "sgdesk" and name != "sgdesk" and name.split(".")[1] not in ALLOWED[layer]:
            found.append(f"{layer} must not import {name}")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_the_layers(path: Path) -> None:
    layer = layer_of(path)
    assert layer in ALLOWED, f"new top-level module {layer}: add it to ALLOWED"
    assert violations(layer, imported_names(path)) == []


def test_the_rule_catches_wrong_arrows(tmp_path: Path) -> None:
    """The checker itself can fail."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sgdesk.storage.database import Database\nimport socket\n"
        "from PySide6.QtCore import QObject\nimport sqlcipher3\n"
    )
    assert len(violations("models", imported_names(bad))) == 4
    assert violations("ui", {"sgdesk.storage.keyslots"}) == [
        "ui must not import sgdesk.storage.keyslots"
    ]
