"""Draws the body-map outline SVGs and their region map from one set of coordinates.

Run ``python resources/bodymap/make_outlines.py`` after changing a shape: it rewrites
the ``*.svg`` files and ``regions.json`` beside it. Keeping both in one script is
what makes a region follow the line a person sees.

How a view is built: its silhouette is a smooth closed curve (Catmull-Rom through
the points below, sharp where a point is marked as a corner). Each named region is
the silhouette clipped by a convex polygon, so regions follow the outline exactly
and the clipping polygons only need to divide the body, not trace it.

Conventions (the contract with the widget and the PDF):
- whole-body views are 400 x 800 units, head views 400 x 400; regions.json holds
  points normalised to 0..1 (x to the viewer's right, y down);
- "left" and "right" in a region's name are the CHILD's. Front and head-front views
  show the child's right on the viewer's left; back and head-back views show the
  child's right on the viewer's right; the left-side view shows the child's left
  side, facing the viewer's left; the right-side view is its mirror image.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
BODY_SIZE = (400.0, 800.0)
HEAD_SIZE = (400.0, 400.0)
MID_X = 200.0
OUTLINE_WIDTH = 2.4
DETAIL_WIDTH = 1.3
STROKE = "#2b2b2b"
SAMPLES_PER_SEGMENT = 8

type XY = tuple[float, float]


@dataclass(frozen=True)
class Pt:
    """A control point of an outline; ``corner`` keeps the curve sharp there."""

    x: float
    y: float
    corner: bool = False


def corner(x: float, y: float) -> Pt:
    return Pt(x, y, True)


def pts(*coords: XY | Pt) -> list[Pt]:
    return [c if isinstance(c, Pt) else Pt(*c) for c in coords]


# --------------------------------------------------------------------------- curves
type Bezier = tuple[XY, XY, XY, XY]


def beziers(points: Sequence[Pt], closed: bool) -> list[Bezier]:
    """Catmull-Rom through ``points`` as cubic Béziers (one per pair of points)."""
    n = len(points)
    count = n if closed else n - 1
    out: list[Bezier] = []
    for i in range(count):
        p1, p2 = points[i], points[(i + 1) % n]
        p0 = p1 if p1.corner or (not closed and i == 0) else points[(i - 1) % n]
        p3 = p2 if p2.corner or (not closed and i + 2 >= n) else points[(i + 2) % n]
        c1 = (p1.x + (p2.x - p0.x) / 6, p1.y + (p2.y - p0.y) / 6)
        c2 = (p2.x - (p3.x - p1.x) / 6, p2.y - (p3.y - p1.y) / 6)
        out.append(((p1.x, p1.y), c1, c2, (p2.x, p2.y)))
    return out


def sample(curve: Sequence[Bezier], closed: bool) -> list[XY]:
    """Points along the curve, dense enough that a polygon through them follows it."""
    found: list[XY] = []
    for (x0, y0), (x1, y1), (x2, y2), (x3, y3) in curve:
        for k in range(SAMPLES_PER_SEGMENT):
            t = k / SAMPLES_PER_SEGMENT
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            found.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return found if closed else [*found, curve[-1][3]]


def path_data(curve: Sequence[Bezier], closed: bool) -> str:
    def f(v: float) -> str:
        return f"{v:.1f}".rstrip("0").rstrip(".")

    start = curve[0][0]
    parts = [f"M{f(start[0])} {f(start[1])}"]
    for _, c1, c2, end in curve:
        parts.append(f"C{f(c1[0])} {f(c1[1])} {f(c2[0])} {f(c2[1])} {f(end[0])} {f(end[1])}")
    return " ".join(parts) + (" Z" if closed else "")


# ------------------------------------------------------------------------- polygons
def cross(o: XY, a: XY, b: XY) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def signed_area(poly: Sequence[XY]) -> float:
    return sum(
        p[0] * q[1] - q[0] * p[1] for p, q in zip(poly, [*poly[1:], poly[0]], strict=True)
    ) / 2


def is_convex(poly: Sequence[XY]) -> bool:
    n = len(poly)
    turns = [cross(poly[i], poly[(i + 1) % n], poly[(i + 2) % n]) for i in range(n)]
    return all(t >= -1e-9 for t in turns) or all(t <= 1e-9 for t in turns)


def clip(subject: Sequence[XY], clipper: Sequence[XY]) -> list[XY]:
    """Sutherland-Hodgman: ``subject`` (any simple polygon) inside a convex ``clipper``."""
    if not is_convex(clipper):
        raise ValueError(f"clipping polygon is not convex: {clipper}")
    if signed_area(clipper) < 0:
        clipper = list(reversed(clipper))
    out = list(subject)
    for i in range(len(clipper)):
        a, b = clipper[i], clipper[(i + 1) % len(clipper)]
        inside = [cross(a, b, p) >= 0 for p in out]
        result: list[XY] = []
        for j, p in enumerate(out):
            q = out[(j + 1) % len(out)]
            if inside[j]:
                result.append(p)
            if inside[j] != inside[(j + 1) % len(out)]:
                da, db = cross(a, b, p), cross(a, b, q)
                t = da / (da - db)
                result.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
        out = result
        if not out:
            break
    return out


def without_bridges(poly: Sequence[XY], clipper: Sequence[XY]) -> list[list[XY]]:
    """The rings of a clipped polygon, with the zero-width "bridges" Sutherland-Hodgman
    leaves along the clipper's edges (where the outline left the clipper and came
    back) cancelled out, so a region drawn with a stroke shows no stray lines."""
    n, m = len(poly), len(clipper)
    kept: list[tuple[XY, XY]] = []
    along: dict[int, list[tuple[float, float]]] = {}
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        for k in range(m):
            a, b = clipper[k], clipper[(k + 1) % m]
            length = ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
            if abs(cross(a, b, p)) / length < 1e-6 and abs(cross(a, b, q)) / length < 1e-6:
                along.setdefault(k, []).append((param(a, b, p), param(a, b, q)))
                break
        else:
            kept.append((p, q))
    for k, spans in along.items():
        a, b = clipper[k], clipper[(k + 1) % m]
        cuts = sorted({t for span in spans for t in span})
        for u, v in pairwise(cuts):
            net = sum((1 if t0 < t1 else -1) for t0, t1 in spans
                      if min(t0, t1) <= u and v <= max(t0, t1))
            if net:
                ends = (at_param(a, b, u), at_param(a, b, v))
                kept.append(ends if net > 0 else (ends[1], ends[0]))
    return rings(kept)


def param(a: XY, b: XY, p: XY) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    return ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)


def at_param(a: XY, b: XY, t: float) -> XY:
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def rings(edges: list[tuple[XY, XY]]) -> list[list[XY]]:
    """Chains directed edges end to start into closed rings."""
    def key(p: XY) -> tuple[int, int]:
        return (round(p[0] * 1000), round(p[1] * 1000))

    starts: dict[tuple[int, int], list[tuple[XY, XY]]] = {}
    for edge in edges:
        if key(edge[0]) != key(edge[1]):
            starts.setdefault(key(edge[0]), []).append(edge)
    found: list[list[XY]] = []
    while starts:
        first = next(iter(starts))
        ring: list[XY] = []
        here = first
        while here in starts:
            edge = starts[here].pop()
            if not starts[here]:
                del starts[here]
            ring.append(edge[0])
            here = key(edge[1])
        if here == first and len(ring) >= 3 and abs(signed_area(ring)) >= 1:
            found.append(ring)
    return found


def mirror(poly: Sequence[XY], width: float = 400.0) -> list[XY]:
    return [(width - x, y) for x, y in poly]


def mirror_pts(points: Sequence[Pt], width: float = 400.0) -> list[Pt]:
    return [Pt(width - p.x, p.y, p.corner) for p in points]


def rect(x0: float, y0: float, x1: float, y1: float) -> list[XY]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# ---------------------------------------------------------------------- the head
@dataclass(frozen=True)
class HeadFrame:
    """Places the head, drawn in units of its half-width around its centre."""

    cx: float
    cy: float
    scale: float

    def xy(self, x: float, y: float) -> XY:
        return (self.cx + self.scale * x, self.cy + self.scale * y)

    def pt(self, p: Pt) -> Pt:
        x, y = self.xy(p.x, p.y)
        return Pt(x, y, p.corner)

    def poly(self, points: Iterable[XY]) -> list[XY]:
        return [self.xy(x, y) for x, y in points]


#: The viewer's left half of a head seen from the front or back, top to neck, with
#: the ear on its side. Units: half the head's width; the chin is at y = 1.3.
HEAD_HALF = pts(
    (0, -1.25), (-0.56, -1.15), (-0.87, -0.84), (-0.99, -0.35), corner(-0.985, -0.1),
    (-1.11, -0.2), (-1.2, -0.02), (-1.19, 0.27), (-1.09, 0.49), corner(-0.95, 0.55),
    (-0.88, 0.82), (-0.72, 1.03), (-0.52, 1.19), corner(-0.38, 1.25),
)
NECK_TOP_Y = 1.32  # the chin line: below it is the neck
EAR_X = -0.975  # the ears lie beyond this

#: Faint hints on a face seen from the front, so a mark can be placed by eye.
FACE_HINTS: list[list[Pt]] = [
    pts(corner(-0.56, 0.03), (-0.4, -0.05), corner(-0.24, 0.03), (-0.4, 0.08), corner(-0.56, 0.03)),
    pts(corner(0.24, 0.03), (0.4, -0.05), corner(0.56, 0.03), (0.4, 0.08), corner(0.24, 0.03)),
    pts((-0.04, 0.12), (-0.1, 0.4), (0.0, 0.47), (0.08, 0.44)),
    pts((-0.2, 0.81), (0.0, 0.825), (0.2, 0.81)),
]
CHIN_LINE = pts((-0.38, 1.25), (0.0, NECK_TOP_Y), (0.38, 1.25))
EAR_HINT = pts((-1.05, -0.02), (-1.12, 0.14), (-1.05, 0.34))


def head_regions_front(frame: HeadFrame, side: str) -> list[tuple[str, list[XY], str]]:
    """(name, clipper, subject) for a face, ``side`` naming the viewer's-left half."""
    other = "left" if side == "right" else "right"
    cheek = [(-0.975, 0.2), (-0.15, 0.2), (-0.15, 0.58), (-0.7, NECK_TOP_Y), (-0.975, NECK_TOP_Y)]
    eye = rect(-0.975, -0.2, -0.15, 0.2)
    ear = rect(-1.6, -0.45, EAR_X, 0.75)
    found: list[tuple[str, list[XY], str]] = [
        ("scalp", frame.poly(rect(-2, -2, 2, -0.72)), "whole"),
        ("forehead", frame.poly(rect(EAR_X, -0.72, -EAR_X, -0.2)), "whole"),
        ("nose", frame.poly(rect(-0.15, -0.2, 0.15, 0.58)), "whole"),
        ("mouth and chin", frame.poly(
            [(-0.15, 0.58), (0.15, 0.58), (0.7, NECK_TOP_Y), (-0.7, NECK_TOP_Y)]), "whole"),
    ]
    for name, shape in (("{} eye area", eye), ("{} cheek", cheek), ("{} ear", ear)):
        found.append((name.format(side), frame.poly(shape), "whole"))
        found.append((name.format(other), frame.poly(mirror(shape, 0)), "whole"))
    return found


def head_regions_back(frame: HeadFrame, side: str) -> list[tuple[str, list[XY], str]]:
    other = "left" if side == "right" else "right"
    ear = rect(-1.6, -0.45, EAR_X, 0.75)
    return [
        ("scalp", frame.poly(rect(-2, -2, 2, -0.3)), "whole"),
        ("back of head", frame.poly(rect(EAR_X, -0.3, -EAR_X, NECK_TOP_Y)), "whole"),
        (f"{side} ear", frame.poly(ear), "whole"),
        (f"{other} ear", frame.poly(mirror(ear, 0)), "whole"),
    ]


# ------------------------------------------------------------ front and back bodies
BODY_HEAD = HeadFrame(200, 95, 50)

#: The viewer's left half of the whole body seen from the front (or back), from the
#: neck down and round to the crotch. Arms hang a little away from the body, palms
#: forward, so every surface of the arm is visible in one of the two views.
BODY_HALF = pts(
    (181.5, 170), (183, 179), (170, 189), (142, 196), (118, 205), (106, 222),    # shoulder
    (96, 268), (86, 318), (79, 356), (68, 418), (62, 440),                       # outer arm
    (56, 452), (52, 466), (52, 477), (56, 480), corner(60, 474),                 # thumb
    (61, 490), (67, 503), (76, 508), (85, 501), (90, 478), (90, 452),            # fingers
    (90, 440), (92, 418), (104, 356), (112, 318), (124, 286), corner(140, 262),  # inner arm
    (142, 290), (146, 330), (151, 368), (147, 400), (141, 425),                  # side
    (139, 470), (142, 530), (147, 582), (148, 622), (147, 660), (150, 690),      # outer leg
    (156, 722), (158, 742), (154, 754), (150, 765), (156, 773), (172, 775),      # foot
    (186, 772), (190, 762), (187, 742), (185, 722), (186, 690), (186, 660),      # inner leg
    (188, 622), (190, 582), (193, 530), (197, 478), corner(200, 448),
)


def body_silhouette_points() -> list[Pt]:
    left = [BODY_HEAD.pt(p) for p in HEAD_HALF] + BODY_HALF
    right = mirror_pts(left[1:-1])[::-1]
    return left + right


@dataclass(frozen=True)
class Station:
    """A cut across a limb from its outer edge to its inner edge."""

    outer: XY
    inner: XY


def extend(a: XY, b: XY, by: float) -> XY:
    """``a`` moved ``by`` units further from ``b``."""
    dx, dy = a[0] - b[0], a[1] - b[1]
    length = (dx * dx + dy * dy) ** 0.5
    return (a[0] + by * dx / length, a[1] + by * dy / length)


def between(a: XY, b: XY, t: float) -> XY:
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def limb_band(s: Station, e: Station, t0: float, t1: float, out: float, inn: float) -> list[XY]:
    """The part of a limb between two cuts and between fractions ``t0``..``t1`` of
    the way from its outer to its inner edge; ends are pushed past the outline."""
    def at(st: Station, t: float) -> XY:
        if t <= 0:
            return extend(st.outer, st.inner, out)
        if t >= 1:
            return extend(st.inner, st.outer, inn)
        return between(st.outer, st.inner, t)

    return [at(s, t0), at(e, t0), at(e, t1), at(s, t1)]


ARM = [
    Station((106, 222), (140, 262)),  # shoulder
    Station((86, 318), (112, 318)),   # elbow, above
    Station((79, 356), (104, 356)),   # elbow, below
    Station((68, 418), (92, 418)),    # wrist, above
    Station((62, 440), (90, 440)),    # wrist, below
]
LEG = [
    Station((141, 425), (200, 448)),  # top of the thigh at the front
    Station((147, 582), (190, 582)),  # knee, above
    Station((148, 622), (188, 622)),  # knee, below
    Station((156, 722), (185, 722)),  # ankle, above
    Station((158, 742), (187, 742)),  # ankle, below
]
#: From behind, the buttocks come down over the top of the thigh.
LEG_BACK_TOP = Station((141, 425), (200, 462))


@dataclass(frozen=True)
class BodyNames:
    """What each part of the front/back body is called in this view."""

    shoulder: str
    chest: str
    abdomen: str
    upper_arm: str
    elbow: str
    forearm: str
    wrist: str
    hand: str
    hip: str
    thigh: tuple[str, str, str]  # outer, middle, inner
    knee: str
    lower_leg: str
    ankle: str
    foot: str


FRONT_NAMES = BodyNames(
    "{} shoulder", "chest, {} side", "abdomen, {} side", "{} upper arm", "{} elbow",
    "{} forearm, inner", "{} wrist", "{} hand, palm", "{} hip",
    ("{} thigh, outer", "{} thigh, front", "{} thigh, inner"), "{} knee", "{} shin",
    "{} ankle", "{} foot",
)
BACK_NAMES = BodyNames(
    "{} shoulder", "upper back, {} side", "lower back, {} side", "{} upper arm", "{} elbow",
    "{} forearm, outer", "{} wrist", "{} hand, back", "{} hip",
    ("{} thigh, outer", "{} thigh, back", "{} thigh, inner"), "{} knee, back", "{} calf",
    "{} ankle", "{} heel",
)


def body_half_regions(names: BodyNames, back: bool) -> list[tuple[str, list[XY]]]:
    """Named clippers for the viewer's-left half; ``{}`` stands for the side."""
    found: list[tuple[str, list[XY]]] = []
    shoulder_out = extend(ARM[0].outer, ARM[0].inner, 30)
    found.append((names.shoulder, [shoulder_out, ARM[0].inner, (186, 184), (183, 165),
                                   (90, 165)]))
    found.append((names.chest, [(140, 262), (186, 184), (200, 184), (200, 318), (128, 318),
                                (128, 292)]))
    found.append((names.abdomen, rect(128, 318, 200, 398)))
    top = LEG_BACK_TOP if back else LEG[0]
    hip_edge = between(top.outer, top.inner, 19 / 59 if back else 24 / 59)
    hip_out = extend(top.outer, top.inner, 25)
    found.append((names.hip, [hip_out, (118, 398), (hip_edge[0], 398), hip_edge, top.outer]))
    if back:
        found.append(("{} buttock", [(hip_edge[0], 398), (200, 398), top.inner, hip_edge]))
    # the arm: upper arm in two halves, then elbow, forearm, wrist, hand
    found.append((f"{names.upper_arm}, outer", limb_band(ARM[0], ARM[1], 0, 0.5, 40, 5)))
    found.append((f"{names.upper_arm}, inner", limb_band(ARM[0], ARM[1], 0.5, 1, 40, 5)))
    for name, (s, e) in zip((names.elbow, names.forearm, names.wrist),
                            pairwise(ARM[1:]), strict=True):
        found.append((name, limb_band(s, e, 0, 1, 40, 6)))
    found.append((names.hand, rect(20, 440, 104, 530)))
    # the leg: thigh in three strips, then knee, lower leg, ankle, foot
    legs = [top, *LEG[1:]]
    for name, (t0, t1) in zip(names.thigh, ((0, 0.25), (0.25, 0.75), (0.75, 1)), strict=True):
        found.append((name, limb_band(legs[0], legs[1], t0, t1, 30, 8)))
    for name, (s, e) in zip((names.knee, names.lower_leg, names.ankle),
                            pairwise(legs[1:]), strict=True):
        found.append((name, limb_band(s, e, 0, 1, 30, 8)))
    found.append((names.foot, rect(120, 742, 200, 800)))
    return found


def body_view(back: bool) -> View:
    outline = body_silhouette_points()
    side, other = ("left", "right") if back else ("right", "left")
    names = BACK_NAMES if back else FRONT_NAMES
    regions: list[tuple[str, list[XY], str]] = []
    for name, shape in body_half_regions(names, back):
        regions.append((name.format(side), shape, "left half"))
        regions.append((name.format(other), mirror(shape), "right half"))
    regions.append(("neck, back" if back else "neck, front",
                    rect(172, BODY_HEAD.xy(0, NECK_TOP_Y)[1], 228, 184), "whole"))
    if back:
        regions += head_regions_back(BODY_HEAD, side)
        ear = [BODY_HEAD.pt(p) for p in EAR_HINT]
        details = [ear, mirror_pts(ear), pts((200, 408), (200, 452)),
                   pts((160, 446), (178, 460), (196, 462)), pts((240, 446), (222, 460), (204, 462))]
    else:
        regions.append(("groin", [(165, 398), (235, 398), (235, 434.4), (200, 448),
                                  (165, 434.4)], "whole"))
        regions += head_regions_front(BODY_HEAD, side)
        details = [[BODY_HEAD.pt(p) for p in hint] for hint in [*FACE_HINTS, CHIN_LINE, EAR_HINT]]
        details.append(mirror_pts(details[-1]))
    return View(BODY_SIZE, [Outline(outline, True)], details, regions)


# ---------------------------------------------------------------------- head views
HEAD_VIEW_HEAD = HeadFrame(200, 165, 98)
HEAD_VIEW_SHOULDERS = pts(
    (163, 318), corner(164, 336), (140, 350), (90, 361), (40, 374), (-4, 392),
)


def head_view(back: bool) -> View:
    left = [HEAD_VIEW_HEAD.pt(p) for p in HEAD_HALF] + HEAD_VIEW_SHOULDERS
    outline = mirror_pts(left)[::-1][:-1] + left
    side, other = ("left", "right") if back else ("right", "left")
    frame = HEAD_VIEW_HEAD
    chin_y = frame.xy(0, NECK_TOP_Y)[1]
    regions = head_regions_back(frame, side) if back else head_regions_front(frame, side)
    regions.append(("neck, back" if back else "neck, front", rect(148, chin_y, 252, 342), "whole"))
    body_part = "upper back, {} side" if back else "chest, {} side"
    for name, shape in (("{} shoulder", rect(-10, 320, 140, 410)),
                        (body_part, [(140, 320), (200, 342), (200, 410), (140, 410)])):
        regions.append((name.format(side), shape, "left half"))
        regions.append((name.format(other), mirror(shape), "right half"))
    if back:
        hints = [EAR_HINT, mirror_pts(EAR_HINT, 0)]
    else:
        hints = [*FACE_HINTS, CHIN_LINE, EAR_HINT, mirror_pts(EAR_HINT, 0)]
    details = [[frame.pt(p) for p in hint] for hint in hints]
    return View(HEAD_SIZE, [Outline(outline, False)], details, regions)


# ---------------------------------------------------------------------- side views
#: The child's left side, facing the viewer's left; one closed line from the top of
#: the head round the face, down the front, under the foot and up the back.
SIDE_BODY = pts(
    (205, 32), (176, 37), (158, 52), (150, 72), (149, 86), (144, 96), corner(140, 104),  # brow
    (149, 110), (147, 117), (150, 124), (148, 131), (152, 140), (159, 149),       # mouth, chin
    (170, 154), corner(182, 158), (184, 172), (184, 182),                         # neck
    (174, 198), (165, 222), (162, 260), (163, 300), (166, 340), (168, 380),       # chest, belly
    (172, 415), (176, 445), (174, 480), (175, 530), (178, 582), (181, 602),       # thigh, knee
    (181, 622), (183, 660), (186, 700), (188, 726), (182, 744), (166, 753),       # shin, foot
    (150, 762), (146, 770), corner(152, 775), (190, 776), corner(224, 775),       # toes, sole
    (230, 766), (228, 750), (222, 734), (221, 712), (227, 674), (230, 642),       # heel, calf
    (225, 610), (225, 582), (232, 530), (238, 482), (250, 450), (254, 418),       # knee, thigh
    (247, 388), (237, 352), (239, 310), (247, 262), (250, 226), (244, 200),       # back
    (232, 186), (229, 170), (233, 152), (250, 134), (260, 104), (257, 70), (238, 43),
)
#: The arm hangs over the side of the body: an open line from the front of the
#: shoulder down round the hand and up to the back of the shoulder.
SIDE_ARM = pts(
    (193, 214), (190, 250), (189, 290), (187, 336), (185, 380), (184, 424), (183, 444),
    (184, 468), (189, 491), (196, 498), (203, 493), (209, 472), (211, 446), (210, 424),
    (214, 380), (220, 336), (223, 290), (225, 250), (225, 214),
)
SIDE_HINTS = [
    pts((211, 84), (222, 78), (230, 90), (231, 106), (225, 119), (213, 123)),  # ear
    pts((218, 92), (222, 104), (217, 114)),
    pts((157, 84), (163, 87), (169, 86)),  # closed eye
    pts((188, 444), (193, 452)),  # thumb
]
#: The arm's front and back edges, continued up to the shoulder: the chest and back
#: regions stop at them.
SIDE_ARM_FRONT = [(193, 186), (193, 214), (190, 250), (189, 290), (187, 336), (185, 380),
                  (184, 424)]
SIDE_ARM_BACK = [(225, 186), (225, 214), (225, 250), (223, 290), (220, 336), (214, 380),
                 (210, 424)]


def beside(edge: Sequence[XY], far_x: float, y0: float, y1: float) -> list[list[XY]]:
    """Convex strips from a wavy ``edge`` out to ``far_x``, between ``y0`` and ``y1``."""
    def x_at(y: float) -> float:
        for (xa, ya), (xb, yb) in pairwise(edge):
            if ya <= y <= yb:
                return xa + (xb - xa) * (y - ya) / (yb - ya)
        raise ValueError(f"edge does not reach y={y}")

    ys = [y0, *(y for _, y in edge if y0 < y < y1), y1]
    return [[(x_at(ya), ya), (x_at(yb), yb), (far_x, yb), (far_x, ya)]
            for ya, yb in pairwise(ys)]


#: Cuts across the leg seen from the side: (front, back).
SIDE_LEG = [
    Station((174, 490), (240, 490)),
    Station((178, 585), (225, 585)),
    Station((181, 625), (225, 625)),
    Station((188, 724), (222, 724)),
    Station((186, 744), (228, 744)),
]
SIDE_ARM_CUTS = [
    Station((190, 236), (225, 236)),
    Station((188, 318), (222, 318)),
    Station((186, 352), (218, 352)),
    Station((184, 412), (211, 412)),
    Station((183, 436), (211, 436)),
]


def left_side_view() -> View:
    regions: list[tuple[str, list[XY], str]] = [
        ("scalp", rect(100, 0, 300, 62), "whole"),
        ("forehead", rect(100, 62, 234, 84), "whole"),
        ("back of head", rect(234, 62, 300, 155), "whole"),
        ("left cheek", [(158, 84), (234, 84), (234, 155), (172, 155), (158, 108)], "whole"),
        ("mouth and chin", [(100, 108), (158, 108), (172, 155), (100, 155)], "whole"),
        ("nose", rect(100, 88, 156, 108), "whole"),
        ("left eye area", rect(152, 76, 180, 98), "whole"),
        ("left ear", rect(207, 72, 236, 128), "whole"),
        ("neck, front", rect(150, 155, 207, 186), "whole"),
        ("neck, back", rect(207, 155, 262, 186), "whole"),
        ("left shoulder", rect(190, 186, 225, 236), "whole"),
        ("left hip", rect(150, 400, 230, 490), "whole"),
        ("left buttock", rect(230, 400, 300, 490), "whole"),
    ]
    for name, edge, far, y0, y1 in (
        ("chest, left side", SIDE_ARM_FRONT, 120, 186, 330),
        ("abdomen, left side", SIDE_ARM_FRONT, 120, 330, 400),
        ("upper back, left side", SIDE_ARM_BACK, 300, 186, 336),
        ("lower back, left side", SIDE_ARM_BACK, 300, 336, 400),
    ):
        regions += [(name, quad, "whole") for quad in beside(edge, far, y0, y1)]
    leg_bands = [
        [("left thigh, front", 0, 0.3), ("left thigh, outer", 0.3, 0.7),
         ("left thigh, back", 0.7, 1)],
        [("left knee", 0, 0.65), ("left knee, back", 0.65, 1)],
        [("left shin", 0, 0.5), ("left calf", 0.5, 1)],
        [("left ankle", 0, 1)],
    ]
    for bands, (s, e) in zip(leg_bands, pairwise(SIDE_LEG), strict=True):
        for name, t0, t1 in bands:
            regions.append((name, limb_band(s, e, t0, t1, 30, 30), "whole"))
    regions += [("left foot", rect(100, 744, 212, 800), "whole"),
                ("left heel", rect(212, 744, 260, 800), "whole")]
    arm_names = ["left upper arm, outer", "left elbow", "left forearm, outer", "left wrist"]
    for name, (s, e) in zip(arm_names, pairwise(SIDE_ARM_CUTS), strict=True):
        regions.append((name, limb_band(s, e, 0, 1, 8, 8), "arm"))
    regions.append(("left hand, back", rect(170, 436, 230, 510), "arm"))
    return View(BODY_SIZE, [Outline(SIDE_BODY, True), Outline(SIDE_ARM, False)], SIDE_HINTS,
                regions)


def mirrored_view(view: View, swap: Callable[[str], str]) -> View:
    """The same drawing seen in a mirror, its regions renamed by ``swap``."""
    width = view.size[0]
    return View(
        view.size,
        [Outline(mirror_pts(o.points, width), o.closed) for o in view.outlines],
        [mirror_pts(d, width) for d in view.details],
        [(swap(name), mirror(shape, width), subject) for name, shape, subject in view.regions],
    )


# ---------------------------------------------------------------------- output
@dataclass(frozen=True)
class Outline:
    points: list[Pt]
    closed: bool


@dataclass(frozen=True)
class View:
    size: tuple[float, float]
    outlines: list[Outline]
    details: list[list[Pt]]
    #: (name, convex clipper, subject): subject is "whole", "left half", "right half"
    #: (of the first outline) or "arm" (the second outline, drawn over the body).
    regions: list[tuple[str, list[XY], str]]

    def subjects(self) -> dict[str, list[XY]]:
        w, h = self.size
        first = self.outlines[0]
        body = sample(beziers(first.points, first.closed), first.closed)
        if not first.closed:  # head views: the shoulders run off the bottom edge
            body = clip([*body, (w + 10, h + 10), (-10, h + 10)], rect(0, 0, w, h))
        found = {
            "whole": body,
            "left half": clip(body, rect(-20, -20, w / 2, h + 20)),
            "right half": clip(body, rect(w / 2, -20, w + 20, h + 20)),
        }
        if len(self.outlines) > 1:
            arm = self.outlines[1]
            found["arm"] = sample(beziers(arm.points, arm.closed), arm.closed)
        return found

    def svg(self) -> str:
        w, h = self.size
        lines = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" '
            f'width="{w:g}" height="{h:g}">',
            f'<g fill="none" stroke="{STROKE}" stroke-linecap="round" stroke-linejoin="round">',
        ]
        for o in self.outlines:
            d = path_data(beziers(o.points, o.closed), o.closed)
            lines.append(f'<path stroke-width="{OUTLINE_WIDTH}" d="{d}"/>')
        for hint in self.details:
            d = path_data(beziers(hint, False), False)
            lines.append(f'<path stroke-width="{DETAIL_WIDTH}" d="{d}"/>')
        lines += ["</g>", "</svg>", ""]
        return "\n".join(lines)

    def region_json(self) -> list[dict[str, object]]:
        w, h = self.size
        subjects = self.subjects()
        found: list[dict[str, object]] = []
        for name, shape, subject in self.regions:
            pieces = without_bridges(clip(subjects[subject], shape), shape)
            if not pieces:
                raise ValueError(f"region {name!r} is empty")
            for piece in pieces:
                found.append({"name": name, "polygon": [
                    [round(x / w, 4), round(y / h, 4)] for x, y in simplify(piece)]})
        return found


def simplify(poly: Sequence[XY]) -> list[XY]:
    """Drops repeated and collinear points so the JSON stays small."""
    kept: list[XY] = []
    for p in poly:
        if kept and abs(p[0] - kept[-1][0]) < 0.05 and abs(p[1] - kept[-1][1]) < 0.05:
            continue
        if len(kept) >= 2 and abs(cross(kept[-2], kept[-1], p)) < 0.02:
            kept[-1] = p
            continue
        kept.append(p)
    return kept


def swap_sides(name: str) -> str:
    words = {"left": "right", "right": "left"}
    return " ".join(words.get(w, w) for w in name.split(" "))


def views() -> dict[str, View]:
    left_side = left_side_view()
    return {
        "front": body_view(back=False),
        "back": body_view(back=True),
        "left_side": left_side,
        "right_side": mirrored_view(left_side, swap_sides),
        "head_front": head_view(back=False),
        "head_back": head_view(back=True),
    }


def files() -> dict[str, str]:
    """Every file this script makes, by name: a test checks they are up to date."""
    made: dict[str, str] = {}
    regions: dict[str, list[dict[str, object]]] = {}
    for key, view in views().items():
        made[f"{key}.svg"] = view.svg()
        regions[key] = view.region_json()
    document: dict[str, Any] = {
        "about": "Body-map regions. Points are normalised to the view: x 0..1 from the "
                 "viewer's left, y 0..1 from the top. Left and right in names are the "
                 "child's. Where regions overlap, the smaller one names the site.",
        "views": regions,
    }
    made["regions.json"] = compact_json(document)
    return made


def main() -> None:
    for name, text in files().items():
        (HERE / name).write_text(text, encoding="utf-8")


def compact_json(document: dict[str, Any]) -> str:
    """One region to a line: small enough to read and to diff."""
    lines = ["{", f' "about": {json.dumps(document["about"])},', ' "views": {']
    for v, (key, regions) in enumerate(document["views"].items()):
        lines.append(f'  "{key}": [')
        for r, region in enumerate(regions):
            comma = "," if r < len(regions) - 1 else ""
            lines.append(f"   {json.dumps(region, separators=(', ', ': '))}{comma}"
                         .replace("], [", "],["))
        lines.append("  ]" + ("," if v < len(document["views"]) - 1 else ""))
    lines += [" }", "}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
