"""Where sgdesk's shipped files are: the body-map outlines and their region map.

``resources/`` sits at the top of a source checkout (and so of an editable
install). A wheel installs the same files under ``<prefix>/share/sgdesk/resources``
(``[tool.setuptools.data-files]`` in pyproject.toml); a PyInstaller build unpacks
them beside the program as ``resources``. Whichever is found first is used.
"""

from __future__ import annotations

import json
import sys
import sysconfig
from functools import cache
from pathlib import Path

from sgdesk.models.body_maps import BodyView, Region

#: A file every complete resources folder has, so a stray empty folder is passed over.
_MARKER = Path("bodymap") / "regions.json"


def _candidates() -> list[Path]:
    found = [Path(__file__).resolve().parents[2] / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    # where pip put the wheel's data files: this environment, or the user's (--user)
    for scheme in (sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")):
        found.append(Path(sysconfig.get_path("data", scheme)) / "share" / "sgdesk" / "resources")
    return found


@cache
def resources_dir() -> Path:
    """The folder holding ``bodymap/`` and the other shipped resources."""
    candidates = _candidates()
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    raise FileNotFoundError(
        "sgdesk's resources folder is missing; looked in "
        + ", ".join(str(c) for c in candidates)
    )


@cache
def body_map_svg(view: BodyView) -> bytes:
    """The outline drawing for a view (SVG, viewBox ``0 0 *view.size``)."""
    return (resources_dir() / "bodymap" / f"{view.value}.svg").read_bytes()


@cache
def body_map_regions() -> tuple[Region, ...]:
    """Every named body site of every view, read from ``bodymap/regions.json``.
    A damaged or mismatched file raises ValueError naming what is wrong."""
    document = json.loads((resources_dir() / _MARKER).read_text(encoding="utf-8"))
    views = document.get("views")
    if not isinstance(views, dict):
        raise ValueError("regions.json has no views")
    unknown = set(views) - {v.value for v in BodyView}
    missing = {v.value for v in BodyView} - set(views)
    if unknown or missing:
        raise ValueError(f"regions.json views do not match: unknown {sorted(unknown)}, "
                         f"missing {sorted(missing)}")
    regions: list[Region] = []
    for key, entries in views.items():
        for entry in entries:
            polygon = tuple((float(x), float(y)) for x, y in entry["polygon"])
            regions.append(Region(BodyView(key), str(entry["name"]), polygon))
    return tuple(regions)
