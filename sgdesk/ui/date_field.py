"""A date typed as day/month/year into a plain text box, which may be left empty.

Why not ``QDateEdit``: it cannot be empty (most dates on a pupil's record are
optional, and an unknown date must not be saved as "today"), and its sections
make typing awkward — the cursor stays in the day section after "3", and a
screen reader announces sections rather than the date. A text box takes "3/4/2015",
"03.04.2015" or "03042015" as typed, says plainly when it cannot read it, and
tidies what it read to dd/mm/yyyy when the person leaves it.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from sgdesk.models.errors import InvalidInput

DATE_FORMAT_HINT = "Type the date as day/month/year, for example 23/04/2014."
_SEPARATED = re.compile(r"(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})")
_RUN_TOGETHER = re.compile(r"(\d{2})(\d{2})(\d{4})")


def parse_day(text: str, field: str = "") -> date | None:
    """The date typed in ``text`` (``None`` when empty), or :class:`InvalidInput`
    for ``field`` saying how to type it. Years are always four digits: a date of
    birth must never be guessed into the wrong century."""
    clean = text.strip()
    if not clean:
        return None
    match = _SEPARATED.fullmatch(clean) or _RUN_TOGETHER.fullmatch(clean)
    if match is None:
        raise InvalidInput(DATE_FORMAT_HINT, field=field)
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"There is no such date. {DATE_FORMAT_HINT}", field=field) from None


def format_day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


class DateField(QLineEdit):
    """A line edit for one optional date; :meth:`day` reads it for ``field``."""

    def __init__(self, field: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setPlaceholderText("dd/mm/yyyy")
        self.setAccessibleDescription("Day, month and year, for example 23/04/2014")
        self.setMaxLength(14)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/000000") + 16)
        self.editingFinished.connect(self._tidy)

    def day(self) -> date | None:
        """The date typed, ``None`` if empty; raises :class:`InvalidInput` if unreadable."""
        return parse_day(self.text(), self.field)

    def set_day(self, day: date | None) -> None:
        self.setText(format_day(day))

    def _tidy(self) -> None:
        try:
            day = self.day()
        except InvalidInput:
            return  # leave it as typed: the form says what is wrong with it
        if day is not None and self.text() != format_day(day):
            self.setText(format_day(day))


def date_range_fields(from_caption: str = "&From:", to_caption: str = "&To:"
                      ) -> tuple[QLabel, DateField, QLabel, DateField]:
    """A labelled from–to pair of optional dates, for filtering by date."""
    start_caption, start = QLabel(from_caption), DateField("start")
    end_caption, end = QLabel(to_caption), DateField("end")
    start.setAccessibleName("From date")
    end.setAccessibleName("To date")
    start_caption.setBuddy(start)
    end_caption.setBuddy(end)
    return start_caption, start, end_caption, end
