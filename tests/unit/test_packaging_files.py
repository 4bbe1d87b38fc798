"""The packaging files agree with the code and pass the freedesktop validators.

The PyInstaller build itself is slow and stays out of ``make test`` (it is ``make
package``, whose smoke test runs the built folder); these checks catch what goes
stale quietly: a new resources folder or Qt module the spec does not ship, a
version bump the AppStream release list missed, an id that differs between files.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path
from typing import Any

import pytest

import sgdesk

ROOT = Path(__file__).parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "sgdesk.spec"
ICON = ROOT / "resources" / "icons" / "sgdesk.svg"


def spec_value(name: str) -> Any:
    """A constant assigned at the top of the spec (it is Python, but runs only
    inside PyInstaller, so it is read rather than imported)."""
    for node in ast.parse(SPEC.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} assigns no {name}")


APP_ID = str(spec_value("APP_ID"))
DESKTOP_FILE = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"


def desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_spec_ships_every_resources_folder() -> None:
    shipped = set(spec_value("RESOURCE_FOLDERS"))
    present = {
        folder.name
        for folder in (ROOT / "resources").iterdir()
        if folder.is_dir()
        and any(f.is_file() and f.suffix != ".py" for f in folder.rglob("*"))
    }
    assert present - shipped == set(), "resources/ folders missing from RESOURCE_FOLDERS"
    assert shipped - present == set(), "RESOURCE_FOLDERS names folders that do not exist"


def test_spec_ships_exactly_the_qt_modules_the_app_imports() -> None:
    imports = re.compile(r"^\s*(?:from|import)\s+PySide6\.(\w+)", re.MULTILINE)
    imported = {
        module
        for path in (ROOT / "sgdesk").rglob("*.py")
        for module in imports.findall(path.read_text("utf-8"))
    }
    assert imported == set(spec_value("QT_MODULES"))


def test_desktop_file_metainfo_and_icon_agree() -> None:
    entry = desktop_entry()
    component = ET.parse(METAINFO).getroot()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]

    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] in scripts
    assert component.findtext("provides/binary") in scripts
    assert "Office" in entry["Categories"].split(";")
    assert ET.parse(ICON).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    # the running app names its desktop file (Wayland matches windows to it)
    app_py = (ROOT / "sgdesk" / "ui" / "app.py").read_text("utf-8")
    assert f'DESKTOP_ID = "{APP_ID}"' in app_py


def test_newest_release_is_this_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == sgdesk.__version__, (
        "add a <release> for this version at the top of the metainfo's <releases>"
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date") or "")


def test_desktop_file_validates() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_metainfo_validates_without_hints() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian: appstream)")
    result = subprocess.run([tool, "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # errors, warnings and infos alike: the file is kept free of every hint
    assert not re.search(r"^[EWI]: ", output, re.MULTILINE), output


def test_smoke_test_script_parses() -> None:
    result = subprocess.run(["bash", "-n", str(PACKAGING / "smoke_test.sh")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
