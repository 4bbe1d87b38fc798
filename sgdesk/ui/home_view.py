"""The page shown once a store is unlocked.

For now it says where you are and who you are signed in as. The body below the
header is where the DSL's home lists (open concerns, referrals due, …) will go
as those record kinds arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class HomeDetails:
    """What the home page shows, read on the database worker after unlocking."""

    school_name: str
    display_name: str
    role_label: str


class HomeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.school = QLabel()
        self.school.setObjectName("heading")
        self.school.setTextFormat(Qt.TextFormat.PlainText)
        self.school.setAccessibleName("School")
        self.signed_in = QLabel()
        self.signed_in.setTextFormat(Qt.TextFormat.PlainText)

        header = QVBoxLayout()
        header.addWidget(self.school)
        header.addWidget(self.signed_in)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        self.body = QVBoxLayout()
        coming = QLabel(
            "Your store is open and encrypted. Records — pupils, concerns, chronologies and "
            "referrals — arrive in later versions of sgdesk."
        )
        coming.setWordWrap(True)
        self.body.addWidget(coming)
        self.body.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(rule)
        layout.addLayout(self.body, 1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def show_details(self, details: HomeDetails) -> None:
        self.school.setText(details.school_name)
        self.signed_in.setText(f"Signed in as {details.display_name} ({details.role_label})")

    def clear(self) -> None:
        """Forget what was shown, so nothing lingers in the widget tree while locked."""
        self.school.clear()
        self.signed_in.clear()
