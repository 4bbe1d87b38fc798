"""The details of one body-map mark: where, what, how big, what it looks like, what was
said about it, and when it was seen.

The site is named from where the mark sits on the outline (the region map in the
resources) and stays editable: the list offers the view's sites and any other
words may be typed. The child's explanation is kept exactly as they said it.

A mark being typed is a :class:`MarkEntry`, plain text as typed, so a half-filled
mark can sit in the form, in a draft, or in the list of marks, and only turns
into a model :class:`Mark` (whose rules give the errors shown) when it is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.body_maps import BodyView, Mark, MarkType, Region, site_at, sites_in_view
from sgdesk.models.errors import InvalidInput
from sgdesk.ui.concern_form_widgets import DateTimeField
from sgdesk.ui.form_helpers import FieldErrors, InlineForm, wrapped_label

#: Offered in the shape list; any other words may be typed.
SHAPES = ("Round", "Oval", "Line", "Irregular", "Patterned (e.g. fingertip or hand shape)",
          "Ring", "Curved")
TYPE_PLACEHOLDER = "Choose the type of mark"


@dataclass(frozen=True)
class MarkEntry:
    """One mark as typed: text where the person types text, so nothing is lost to a
    parse. ``saved`` marks come from a saved version and cannot simply be deleted."""

    view: BodyView
    x: float
    y: float
    seen_at: str  # local time, ISO; typed ones to the minute, saved ones as saved
    site: str = ""
    mark_type: str = ""  # a MarkType value, "" until chosen
    width: str = ""
    height: str = ""
    shape: str = ""
    colours: str = ""
    broken_skin: bool = False
    swelling: bool = False
    bleeding: bool = False
    child_explanation: str = ""
    adult_explanation: str = ""
    adult_explainer: str = ""
    saved: bool = False

    @classmethod
    def placed(cls, regions: Sequence[Region], view: BodyView, x: float, y: float,
               seen_at: str) -> MarkEntry:
        """A new mark where the person pointed, its site named from the region map."""
        return cls(view, x, y, seen_at, site=site_at(regions, view, x, y) or "")

    @classmethod
    def from_mark(cls, mark: Mark) -> MarkEntry:
        local = mark.seen_at.astimezone().replace(tzinfo=None)
        return cls(mark.view, mark.x, mark.y, local.isoformat(),
                   site=mark.site, mark_type=mark.mark_type.value,
                   width=_cm_text(mark.width_cm), height=_cm_text(mark.height_cm),
                   shape=mark.shape, colours=", ".join(mark.colours),
                   broken_skin=mark.broken_skin, swelling=mark.swelling, bleeding=mark.bleeding,
                   child_explanation=mark.child_explanation,
                   adult_explanation=mark.adult_explanation,
                   adult_explainer=mark.adult_explainer, saved=True)

    def to_mark(self) -> Mark:
        """The model mark; raises InvalidInput for what cannot be read (type, size, time)."""
        if self.mark_type not in {t.value for t in MarkType}:
            raise InvalidInput("Choose the type of mark from the list.", field="mark_type")
        return Mark(
            view=self.view, x=self.x, y=self.y, site=" ".join(self.site.split()),
            mark_type=MarkType(self.mark_type),
            width_cm=_cm(self.width, "width_cm", "width"),
            height_cm=_cm(self.height, "height_cm", "height"),
            seen_at=datetime.fromisoformat(self.seen_at).astimezone(UTC),
            shape=self.shape.strip(),
            colours=tuple(c.strip() for c in self.colours.split(",") if c.strip()),
            broken_skin=self.broken_skin, swelling=self.swelling, bleeding=self.bleeding,
            child_explanation=self.child_explanation.strip(),
            adult_explanation=self.adult_explanation.strip(),
            adult_explainer=self.adult_explainer.strip(),
        )

    def problems(self, now: datetime) -> FieldErrors:
        """Every problem by field: what cannot be read, then the model's own rules."""
        errors: FieldErrors = {}
        if self.mark_type not in {t.value for t in MarkType}:
            errors["mark_type"] = "Choose the type of mark from the list."
        for name, text, word in (("width_cm", self.width, "width"),
                                 ("height_cm", self.height, "height")):
            try:
                _cm(text, name, word)
            except InvalidInput as exc:
                errors[name] = str(exc)
        probe = replace(self, mark_type=self.mark_type if "mark_type" not in errors
                        else MarkType.OTHER.value,
                        width=self.width if "width_cm" not in errors else "1",
                        height=self.height if "height_cm" not in errors else "1")
        for name, message in probe.to_mark().problems(now):
            errors.setdefault(name, message)
        return errors

    def state(self) -> dict[str, Any]:
        """As a draft keeps it (plain JSON values)."""
        return asdict(self) | {"view": self.view.value}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> MarkEntry:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in state.items() if k in known}
        return cls(**values | {"view": BodyView(state["view"]), "x": float(state["x"]),
                               "y": float(state["y"])})


def same_minute(kept: str, shown: str) -> str:
    """``kept`` while the box still shows its minute: a saved time keeps its seconds, so
    an amendment does not list an untouched time as changed."""
    return kept if kept[:16] == shown[:16] else shown


def _cm(text: str, field: str, word: str) -> float:
    """A size typed in cm; "2,5" reads as 2.5, and an empty box as 0 (the model says why)."""
    clean = text.strip().replace(",", ".").removesuffix("cm").strip()
    if not clean:
        return 0.0
    try:
        return float(clean)
    except ValueError:
        raise InvalidInput(f"Give the {word} in cm as a number, for example 2.5.",
                           field=field) from None


def _cm_text(value: float) -> str:
    return f"{value:g}"


class MarkForm(QWidget):
    """Edits one :class:`MarkEntry`; :attr:`changed` fires on every edit."""

    changed = Signal()

    def __init__(self, regions: Sequence[Region], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._regions = tuple(regions)
        self._entry: MarkEntry | None = None
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("mark_heading")
        layout.addWidget(self.heading)
        self.empty_note = wrapped_label("Place a mark on the outline (click, or arrow keys "
                                        "then Enter) to describe it here.")
        layout.addWidget(self.empty_note)
        self.form = InlineForm()
        layout.addWidget(self.form)
        layout.addStretch(1)
        self._build()
        self.form.set_validator(self._errors)
        self.clear()

    def _build(self) -> None:
        form = self.form
        self.site = form.add_field("site", "Si&te on the body:", QComboBox(),
                                   hint="Named from where the mark is; choose another or "
                                        "type your own words.")
        self.site.setEditable(True)
        self.site.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.site.setAccessibleName("Site on the body")
        self.mark_type = form.add_field("mark_type", "T&ype:", QComboBox())
        self.mark_type.setPlaceholderText(TYPE_PLACEHOLDER)
        self.mark_type.setAccessibleName("Type of mark")
        for kind in MarkType:
            self.mark_type.addItem(kind.label, kind.value)
        self.width_edit = form.add_field("width_cm", "&Width (cm):", QLineEdit(),
                                         hint="Across, as the outline shows it. An estimate "
                                              "will do.")
        self.height_edit = form.add_field("height_cm", "&Height (cm):", QLineEdit())
        for edit, name in ((self.width_edit, "Width in cm"), (self.height_edit, "Height in cm")):
            edit.setAccessibleName(name)
            edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0000.00") + 16)
        self.shape = form.add_field("shape", "Sha&pe:", QComboBox())
        self.shape.setEditable(True)
        self.shape.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.shape.addItems(SHAPES)
        self.shape.setAccessibleName("Shape")
        self.colours = form.add_field("colours", "C&olour(s):", QLineEdit(),
                                      hint="Separate colours with commas, e.g. purple, yellow.")
        self.colours.setAccessibleName("Colours")
        signs = QWidget()
        row = QHBoxLayout(signs)
        row.setContentsMargins(0, 0, 0, 0)
        self.broken_skin = QCheckBox("&Broken skin")
        self.swelling = QCheckBox("&Swelling")
        self.bleeding = QCheckBox("B&leeding")
        for box in (self.broken_skin, self.swelling, self.bleeding):
            row.addWidget(box)
        row.addStretch(1)
        form.add_field("signs", "Also seen:", signs)
        self.child_explanation = form.add_field(
            "child_explanation", "Child's e&xplanation:", _text_box("The child's explanation"),
            hint="Exactly what the child said, in their words. Leave empty if they said "
                 "nothing about it.")
        self.adult_explanation = form.add_field(
            "adult_explanation", "A&dult's explanation:", _text_box("An adult's explanation"),
            hint="What a parent, carer or other adult said about the mark, if anyone did.")
        self.adult_explainer = form.add_field("adult_explainer", "Who &gave it:", QLineEdit(),
                                              hint="Their name and relationship to the child.")
        self.adult_explainer.setAccessibleName("Who gave the adult's explanation")
        self.seen_at = form.add_field("seen_at", "Seen o&n:", DateTimeField())
        self.seen_at.setAccessibleName("Date and time the mark was seen")

        for combo in (self.site, self.shape):
            combo.editTextChanged.connect(lambda _t: self._edited())
        self.site.editTextChanged.connect(lambda _t: self.form.clear_error("site"))
        self.mark_type.currentIndexChanged.connect(lambda _i: self._edited("mark_type"))
        for edit in (self.width_edit, self.height_edit, self.colours, self.adult_explainer):
            edit.textChanged.connect(lambda _t: self._edited())
        for box in (self.broken_skin, self.swelling, self.bleeding):
            box.toggled.connect(lambda _on: self._edited())
        for text in (self.child_explanation, self.adult_explanation):
            text.textChanged.connect(lambda: self._edited())
        self.adult_explanation.textChanged.connect(
            lambda: self.form.clear_error("adult_explainer"))
        self.seen_at.dateTimeChanged.connect(lambda _d: self._edited("seen_at"))

    def focus_chain(self) -> list[QWidget]:
        """The fields in reading order, for the dialog's Tab order."""
        return [self.site, self.mark_type, self.width_edit, self.height_edit, self.shape,
                self.colours, self.broken_skin, self.swelling, self.bleeding,
                self.child_explanation, self.adult_explanation, self.adult_explainer,
                self.seen_at]

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        """The store's clock, which says what "in the future" means."""
        self._clock = clock

    # -- one mark in, one mark out -------------------------------------------------
    def load(self, entry: MarkEntry, number: int) -> None:
        """Show ``entry`` as mark ``number``; errors show again once fields are left."""
        self._filling = True
        self._entry = entry
        self.heading.setText(f"Mark {number}: {entry.view.label.lower()} view")
        self.site.clear()
        self.site.addItems(sites_in_view(self._regions, entry.view))
        self.site.setEditText(entry.site)
        self.mark_type.setCurrentIndex(self.mark_type.findData(entry.mark_type))
        self.width_edit.setText(entry.width)
        self.height_edit.setText(entry.height)
        self.shape.setEditText(entry.shape)
        self.colours.setText(entry.colours)
        self.broken_skin.setChecked(entry.broken_skin)
        self.swelling.setChecked(entry.swelling)
        self.bleeding.setChecked(entry.bleeding)
        self.child_explanation.setPlainText(entry.child_explanation)
        self.adult_explanation.setPlainText(entry.adult_explanation)
        self.adult_explainer.setText(entry.adult_explainer)
        self.seen_at.set_value(datetime.fromisoformat(entry.seen_at))
        self._filling = False
        self.empty_note.hide()
        self.form.show()
        self.form.refresh()

    def clear(self) -> None:
        """No mark chosen: say how to place one."""
        self._entry = None
        self.heading.setText("Mark details")
        self.form.hide()
        self.empty_note.show()

    def entry(self) -> MarkEntry | None:
        """The mark as typed now, or None when no mark is shown."""
        if self._entry is None:
            return None
        return replace(
            self._entry,
            site=self.site.currentText(),
            mark_type=self.mark_type.currentData() or "",
            width=self.width_edit.text(),
            height=self.height_edit.text(),
            shape=self.shape.currentText(),
            colours=self.colours.text(),
            broken_skin=self.broken_skin.isChecked(),
            swelling=self.swelling.isChecked(),
            bleeding=self.bleeding.isChecked(),
            child_explanation=self.child_explanation.toPlainText(),
            adult_explanation=self.adult_explanation.toPlainText(),
            adult_explainer=self.adult_explainer.text(),
            seen_at=same_minute(self._entry.seen_at, self.seen_at.text_value()),
        )

    def show_all_errors(self) -> None:
        """After a save attempt: every problem of this mark under its field, cursor on
        the first."""
        self.form.touch_all()
        self.form.focus_first_error()

    def _errors(self) -> FieldErrors:
        entry = self.entry()
        if entry is None:
            return {}
        errors = entry.problems(self._clock())
        errors.pop("position", None)  # the canvas placed it; it is always on the drawing
        return errors

    def _edited(self, field: str = "") -> None:
        if self._filling:
            return
        if field:
            self.form.clear_error(field)
        else:
            self.form.refresh()
        self.changed.emit()


def _text_box(accessible_name: str) -> QPlainTextEdit:
    """Three lines; Tab moves on rather than typing a tab."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(accessible_name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 14)
    return box
