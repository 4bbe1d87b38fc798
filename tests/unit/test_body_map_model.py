"""Body maps: the outlines load, the region map names the right side of the child,
and marks and maps are checked the way a DSL would check a paper form."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from svglib.svglib import svg2rlg

from sgdesk.models.body_maps import (
    BodyMapContent,
    BodyView,
    Mark,
    MarkType,
    Region,
    marks_by_site,
    site_at,
    sites_in_view,
)
from sgdesk.models.errors import InvalidInput
from sgdesk.services import resources
from sgdesk.services.resources import body_map_regions, body_map_svg, resources_dir

NOW = datetime(2025, 3, 12, 15, 30)
REGIONS = body_map_regions()


def at(view: BodyView, x: float, y: float) -> str | None:
    """The site under a point given in the drawing's own units (viewBox)."""
    width, height = view.size
    return site_at(REGIONS, view, x / width, y / height)


# ------------------------------------------------------------------ the drawings
@pytest.mark.parametrize("view", list(BodyView), ids=lambda v: v.value)
def test_every_outline_loads_in_svglib_at_its_view_size(view: BodyView) -> None:
    svg = body_map_svg(view)
    drawing = svg2rlg(io.BytesIO(svg))
    assert drawing is not None  # svglib reads 400 px as 300 pt: compare shapes, not units
    assert drawing.height / drawing.width == view.size[1] / view.size[0]
    assert b"<text" not in svg and b"<image" not in svg  # vector lines only, no captions


@pytest.mark.parametrize("view", list(BodyView), ids=lambda v: v.value)
def test_every_outline_renders_with_qt_svg(qapp: object, view: BodyView) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(body_map_svg(view))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert (box.width(), box.height()) == view.size
    image = QImage(200, 200 * view.size[1] // view.size[0], QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    inked = sum(image.pixelColor(x, y).lightness() < 128
                for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert inked > 100


def test_drawings_and_regions_are_what_the_script_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both come from resources/bodymap/make_outlines.py: a hand edit to one would
    leave the regions no longer following the lines."""
    folder = resources_dir() / "bodymap"
    spec = importlib.util.spec_from_file_location("make_outlines", folder / "make_outlines.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_outlines", script)  # dataclasses look it up
    spec.loader.exec_module(script)
    for name, text in script.files().items():
        assert (folder / name).read_text(encoding="utf-8") == text, name


def test_resources_are_found_in_the_checkout() -> None:
    assert resources_dir() == Path(__file__).parents[2] / "resources"


# ------------------------------------------------------------------- the regions
def test_every_view_has_regions_and_right_and_left_fall_on_the_mirrored_sides() -> None:
    """Front views: the child's right on the viewer's left. Back views: on the right.
    Side views show one side only."""
    for region in REGIONS:
        xs = [x for x, _ in region.polygon]
        middle = (min(xs) + max(xs)) / 2
        words = region.name.split()
        if region.view in (BodyView.FRONT, BodyView.HEAD_FRONT):
            if "right" in words:
                assert middle < 0.5, region.name
            if "left" in words:
                assert middle > 0.5, region.name
        elif region.view in (BodyView.BACK, BodyView.HEAD_BACK):
            if "right" in words:
                assert middle > 0.5, region.name
            if "left" in words:
                assert middle < 0.5, region.name
        elif region.view is BodyView.LEFT_SIDE:
            assert "right" not in words, region.name
        else:
            assert "left" not in words, region.name
    assert {r.view for r in REGIONS} == set(BodyView)


@pytest.mark.parametrize("view", list(BodyView), ids=lambda v: v.value)
def test_every_site_can_be_reached_by_a_click(view: BodyView) -> None:
    """No region is wholly hidden under a smaller one."""
    width, height = view.size
    mine = [r for r in REGIONS if r.view is view]
    reached = {
        site_at(mine, view, (i + 0.5) / (width / 2), (j + 0.5) / (height / 2))
        for i in range(width // 2) for j in range(height // 2)
    }
    assert reached - {None} == set(sites_in_view(REGIONS, view))


@pytest.mark.parametrize(("view", "x", "y", "site"), [
    # front: the viewer's right forearm is the child's LEFT forearm
    (BodyView.FRONT, 314, 387, "left forearm, inner"),
    (BodyView.FRONT, 86, 387, "right forearm, inner"),
    # back: the viewer's left forearm is the child's LEFT forearm
    (BodyView.BACK, 86, 387, "left forearm, outer"),
    (BodyView.BACK, 314, 387, "right forearm, outer"),
    (BodyView.FRONT, 100, 300, "right upper arm, outer"),
    (BodyView.FRONT, 300, 300, "left upper arm, outer"),
    (BodyView.FRONT, 112, 290, "right upper arm, inner"),
    (BodyView.FRONT, 165, 260, "chest, right side"),
    (BodyView.BACK, 165, 260, "upper back, left side"),
    (BodyView.BACK, 180, 430, "left buttock"),
    (BodyView.FRONT, 142, 102, "right ear"),
    (BodyView.BACK, 142, 102, "left ear"),
    (BodyView.FRONT, 170, 120, "right cheek"),
    (BodyView.FRONT, 200, 110, "nose"),
    (BodyView.FRONT, 200, 50, "scalp"),
    (BodyView.FRONT, 200, 170, "neck, front"),
    (BodyView.FRONT, 170, 520, "right thigh, front"),
    (BodyView.BACK, 170, 520, "left thigh, back"),
    (BodyView.FRONT, 168, 600, "right knee"),
    (BodyView.BACK, 232, 600, "right knee, back"),
    (BodyView.FRONT, 75, 480, "right hand, palm"),
    (BodyView.BACK, 75, 480, "left hand, back"),
    (BodyView.LEFT_SIDE, 206, 280, "left upper arm, outer"),
    (BodyView.LEFT_SIDE, 170, 280, "chest, left side"),
    (BodyView.LEFT_SIDE, 240, 280, "upper back, left side"),
    (BodyView.LEFT_SIDE, 197, 470, "left hand, back"),  # the hand hangs over the hip
    (BodyView.LEFT_SIDE, 220, 100, "left ear"),
    (BodyView.LEFT_SIDE, 160, 760, "left foot"),
    (BodyView.RIGHT_SIDE, 194, 280, "right upper arm, outer"),
    (BodyView.RIGHT_SIDE, 230, 280, "chest, right side"),
    (BodyView.RIGHT_SIDE, 180, 100, "right ear"),
    (BodyView.HEAD_FRONT, 140, 214, "right cheek"),
    (BodyView.HEAD_FRONT, 260, 214, "left cheek"),
    (BodyView.HEAD_FRONT, 160, 160, "right eye area"),
    (BodyView.HEAD_FRONT, 200, 260, "mouth and chin"),
    (BodyView.HEAD_BACK, 85, 180, "left ear"),
    (BodyView.HEAD_BACK, 200, 250, "back of head"),
    (BodyView.HEAD_BACK, 200, 310, "neck, back"),
])
def test_site_names_for_points_in_known_places(
    view: BodyView, x: float, y: float, site: str
) -> None:
    assert at(view, x, y) == site


@pytest.mark.parametrize(("view", "x", "y"), [
    (BodyView.FRONT, 8, 400),    # beside the body
    (BodyView.FRONT, 200, 660),  # between the knees
    (BodyView.FRONT, 130, 380),  # between arm and body
    (BodyView.BACK, 200, 10),    # above the head
    (BodyView.LEFT_SIDE, 300, 400),
    (BodyView.HEAD_FRONT, 30, 100),
])
def test_off_the_body_there_is_no_site(view: BodyView, x: float, y: float) -> None:
    assert at(view, x, y) is None


@given(st.sampled_from(list(BodyView)), st.floats(0, 1), st.floats(0, 1))
def test_site_at_never_raises_anywhere_on_a_view(view: BodyView, x: float, y: float) -> None:
    site = site_at(REGIONS, view, x, y)
    assert site is None or site in sites_in_view(REGIONS, view)


def test_a_region_must_have_a_name_and_lie_on_the_view() -> None:
    with pytest.raises(ValueError, match="outside"):
        Region(BodyView.FRONT, "nose", ((0, 0), (1.2, 0), (0, 1)))
    with pytest.raises(ValueError, match="no name"):
        Region(BodyView.FRONT, " ", ((0, 0), (1, 0), (0, 1)))
    with pytest.raises(ValueError, match="three points"):
        Region(BodyView.FRONT, "nose", ((0, 0), (1, 0)))


def test_a_damaged_region_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bodymap").mkdir()
    good = json.loads((resources_dir() / "bodymap" / "regions.json").read_text("utf-8"))
    del good["views"]["head_back"]
    (tmp_path / "bodymap" / "regions.json").write_text(json.dumps(good), "utf-8")
    monkeypatch.setattr(resources, "resources_dir", lambda: tmp_path)
    body_map_regions.cache_clear()
    try:
        with pytest.raises(ValueError, match="missing \\['head_back'\\]"):
            body_map_regions()
    finally:
        body_map_regions.cache_clear()


# ------------------------------------------------------------- marks and maps
def mark(**changes: object) -> Mark:
    made = Mark(BodyView.FRONT, 0.785, 0.484, "left forearm, inner", MarkType.BRUISE,
                width_cm=3, height_cm=2, seen_at=NOW - timedelta(hours=2),
                shape="oval", colours=("blue", "purple"),
                child_explanation="I fell off my bike")
    return replace(made, **changes)  # type: ignore[arg-type]


def body_map(*marks: Mark, **changes: object) -> BodyMapContent:
    made = BodyMapContent("pupil-1", "concern-1", "Ms A Teacher", "Class teacher",
                          NOW - timedelta(hours=1), marks=marks or (mark(),))
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_complete_map_is_valid() -> None:
    content = body_map()
    assert content.problems(NOW) == []
    assert content.validated(NOW) is content


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"x": 1.2}, "position", "Place the mark on the outline"),
    ({"y": -0.1}, "position", "Place the mark on the outline"),
    ({"site": "  "}, "site", "where on the body"),
    ({"width_cm": 0}, "width_cm", "width in cm"),
    ({"height_cm": -1}, "height_cm", "height in cm"),
    ({"width_cm": 250}, "width_cm", "not likely"),
    ({"seen_at": NOW + timedelta(minutes=5)}, "seen_at", "cannot be in the future"),
    ({"adult_explanation": "He said she fell"}, "adult_explainer", "which adult"),
])
def test_each_mark_problem_is_named(changes: dict[str, object], field: str, words: str) -> None:
    problems = body_map(mark(), mark(**changes)).problems(NOW)
    assert len(problems) == 1
    name, message = problems[0]
    assert name == f"marks.1.{field}"
    assert message.startswith("Mark 2: ") and words in message


def test_map_problems_are_listed_together() -> None:
    content = body_map(completed_by_name="", completed_by_role=" ", marks=(),
                       completed_at=NOW + timedelta(days=1))
    assert [name for name, _ in content.problems(NOW)] == [
        "completed_by_name", "completed_by_role", "completed_at", "marks"]
    with pytest.raises(InvalidInput, match="Say who completed") as caught:
        content.validated(NOW)
    assert caught.value.field == "completed_by_name"


def test_a_mark_cannot_be_seen_after_the_map_was_completed() -> None:
    content = body_map(mark(seen_at=NOW - timedelta(minutes=10)),
                       completed_at=NOW - timedelta(minutes=30))
    assert content.problems(NOW) == [
        ("marks.0.seen_at", "Mark 1: it cannot have been seen after the map was completed.")]


def test_views_say_which_way_the_outline_faces() -> None:
    assert "right is on your left" in BodyView.FRONT.viewer_note
    assert "right is on your right" in BodyView.BACK.viewer_note
    assert BodyView.HEAD_BACK.size == (400, 400) and BodyView.LEFT_SIDE.size == (400, 800)
    assert [t.label for t in MarkType][:3] == ["Bruise", "Cut", "Graze"]


# ------------------------------------------------------------- over time
def test_marks_by_site_puts_the_site_hurt_most_often_first() -> None:
    january = body_map(mark(seen_at=datetime(2025, 1, 10, 9)),
                       mark(site="right cheek", mark_type=MarkType.SCRATCH,
                            seen_at=datetime(2025, 1, 10, 9)),
                       completed_at=datetime(2025, 1, 10, 10))
    march = body_map(mark(site="chest, left side", seen_at=datetime(2025, 3, 2, 9)),
                     mark(site="Left  forearm, INNER", mark_type=MarkType.BURN,
                          seen_at=datetime(2025, 3, 2, 9)),
                     completed_at=datetime(2025, 3, 2, 11))
    table = marks_by_site([march, january])
    assert list(table) == ["left forearm, inner", "chest, left side", "right cheek"]
    forearm = table["left forearm, inner"]
    assert [(m.seen_at.date(), m.mark_number, m.mark_type) for m in forearm] == [
        (date(2025, 1, 10), 1, MarkType.BRUISE), (date(2025, 3, 2), 2, MarkType.BURN)]
    assert forearm[1].map_completed_at == datetime(2025, 3, 2, 11)
    later = marks_by_site([march, january], start=date(2025, 2, 1))
    assert list(later) == ["chest, left side", "Left forearm, INNER"]  # as first written
    assert marks_by_site([march, january], end=date(2025, 1, 31)).keys() == {
        "left forearm, inner", "right cheek"}
