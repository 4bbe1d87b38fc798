"""The pupil list as a table model: thousands of rows without a widget per cell."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from sgdesk.models.pupils import PupilListEntry, SendStatus
from sgdesk.ui.text_table_model import TextTableModel

#: Short SEND labels for a narrow column (the record header says it in full).
_SEND_SHORT = {SendStatus.NONE: "", SendStatus.SEN_SUPPORT: "SEN support",
               SendStatus.EHCP: "EHCP"}


class PupilListModel(TextTableModel[PupilListEntry]):
    """Rows of :class:`PupilListEntry`."""

    HEADERS = ("Name", "Year", "SEND", "Open concerns", "Left")

    def headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def cells(self, row: PupilListEntry) -> tuple[str, ...]:
        return (row.sort_name, row.year_group, _SEND_SHORT[row.send_status],
                str(row.open_concerns) if row.open_concerns else "",
                "Left" if row.has_left else "")

    def extra(self, row: PupilListEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return Qt.AlignmentFlag.AlignCenter
        return None
