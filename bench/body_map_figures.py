"""Body map figures: a map with 40 marks painted on screen and printed to PDF.

Goals (issue 5): screen < 50 ms, PDF page < 300 ms. Floors measured in the same
run: the bare outline rendered by QSvgRenderer at the same size, and a PDF of
the same frame holding only the outline drawing.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from bench.timing import Figure, median_after_warm_up
from sgdesk.models.body_maps import BodyMapContent, BodyView, Mark, MarkType
from sgdesk.models.pupils import Pupil
from sgdesk.services import body_maps, pupils
from sgdesk.services.pdf.body_map_report import body_map_pdf, outline_drawing
from sgdesk.services.pdf.layout import DocumentFrame, render_pdf
from sgdesk.services.resources import body_map_svg
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.ui.body_map_canvas import BodyMapCanvas, CanvasMark, EarlierMark

MARKS = 40
RUNS = 20
SIZE = (420, 760)


def _random_marks(rng: random.Random, seen: datetime) -> tuple[Mark, ...]:
    return tuple(Mark(BodyView.FRONT, rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.9),
                      "left forearm, inner", MarkType.BRUISE, 2.0, 1.5, seen,
                      child_explanation="I fell over at the park")
                 for _ in range(MARKS))


def screen_figure() -> Figure:
    app = QApplication.instance() or QApplication([])
    rng = random.Random(5)
    canvas = BodyMapCanvas(BodyView.FRONT)
    canvas.resize(*SIZE)
    canvas.set_marks([CanvasMark(n, rng.random(), rng.random()) for n in range(1, MARKS + 1)])
    canvas.set_earlier([EarlierMark(rng.random(), rng.random(), "3 Mar 2026")
                        for _ in range(MARKS)])
    canvas.show()
    app.processEvents()
    renderer = QSvgRenderer(QByteArray(body_map_svg(BodyView.FRONT)))

    def bare_outline() -> None:
        image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()

    # The warm-up run caches the outline (first paint) and reads the SVG (first PDF).
    seconds = median_after_warm_up(canvas.grab, RUNS)
    floor = median_after_warm_up(bare_outline, RUNS)
    canvas.close()
    return Figure(f"body map on screen, {MARKS} marks + {MARKS} earlier", seconds,
                  "bare outline (QSvgRenderer)", floor, under=0.05)


def pdf_figure() -> Figure:
    with tempfile.TemporaryDirectory() as folder:
        raw, _ = new_recovery_key()
        session = create_store(Path(folder) / "bench.sgdesk",
                               NewStoreDetails("Bench School", "Bench DSL", "bench",
                                               "bench password 1"), raw).session
        try:
            pupil = pupils.add_pupil(session, Pupil("", "Ada", "Bench",
                                                    date_of_birth=datetime(2014, 1, 1).date()))
            completed = datetime.now(UTC) - timedelta(hours=1)
            map_id = body_maps.add_body_map(session, BodyMapContent(
                pupil.id, None, "Bench DSL", "DSL", completed,
                _random_marks(random.Random(7), completed - timedelta(hours=1))))
            frame = DocumentFrame("Body map", "sgdesk body map", "Bench DSL")
            seconds = median_after_warm_up(lambda: body_map_pdf(session, map_id), RUNS)
            floor = median_after_warm_up(
                lambda: render_pdf(frame, [outline_drawing(BodyView.FRONT)]), RUNS)
        finally:
            session.lock()
            session.store.close()
    return Figure(f"body map PDF, {MARKS} marks (whole document)", seconds,
                  "one page, outline only", floor, under=0.3)


def body_map_figures() -> list[Figure]:
    return [screen_figure(), pdf_figure()]
