"""A concern as one pupil's file shows it, written out as rich text for a read-only
browser: the summary, the four kept-apart sections under their own headings, the
immediate action, the DSL's review, and — when asked — what an amendment changed.

Everything typed by a person is HTML-escaped here, in one place. Changes are
marked by more than colour (struck through / underlined) so they read in black
and white and to people who do not see colour.
"""

from __future__ import annotations

from html import escape

from sgdesk.models.concerns import (
    FIELD_LABELS,
    KEPT_APART_SECTIONS,
    ConcernContent,
    Review,
)
from sgdesk.services.concern_words import (
    AWAITING_REVIEW,
    action_status_words,
    field_text,
    other_children_text,
)
from sgdesk.services.concerns import VersionOnFile
from sgdesk.services.record_dates import day_text as day
from sgdesk.services.record_dates import moment_text as when
from sgdesk.services.text_diff import word_diff

OPINION_TINT = "#fff4d6"
REMOVED_TINT = "#fde0e0"
ADDED_TINT = "#dff3e0"
MUTED = "#4d4d4d"
_NOTHING = f'<p style="color:{MUTED}"><i>Nothing recorded.</i></p>'


def status_of(content: ConcernContent) -> str:
    """Where a version stands: awaiting review, open (reviewed) or closed."""
    if content.review is None:
        return AWAITING_REVIEW
    return "Closed" if content.review.closed_on else "Open"


def version_title(version: VersionOnFile) -> str:
    """"Version 2 — saved by Jo Bloggs, 03/11/2026 09:15" ("Original" for the first)."""
    kind = "Original" if version.number == 1 else "Amendment"
    return f"Version {version.number} ({kind}) — saved by {version.saved_by}, " \
           f"{when(version.saved_at)}"


# -- HTML --------------------------------------------------------------------------
def _text(value: str) -> str:
    """Escaped user text with its line breaks kept."""
    return escape(value).replace("\n", "<br>")


def _block(value: str) -> str:
    return f"<p>{_text(value)}</p>" if value.strip() else _NOTHING


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(f'<tr><td style="padding-right:16px"><b>{escape(label)}</b></td>'
                    f"<td>{_text(value)}</td></tr>" for label, value in pairs)
    return f'<table cellspacing="0" cellpadding="3">{cells}</table>'


def version_html(version: VersionOnFile, total: int) -> str:
    """The whole of one version: what the concern view shows."""
    on_file = version.on_file
    content = on_file.content
    reporter = ", ".join(v for v in (content.reporter_name, content.reporter_role) if v)
    summary = _rows([
        ("Status", status_of(content)),
        (FIELD_LABELS["happened_at"], when(content.happened_at)),
        (FIELD_LABELS["noticed_at"], when(content.noticed_at)),
        (FIELD_LABELS["location"], content.location or "Not recorded"),
        (FIELD_LABELS["reporter_name"], reporter),
        ("This child's role", on_file.this_child_role.label),
        ("Other children involved", other_children_text(on_file)),
        (FIELD_LABELS["categories"], ", ".join(content.categories) or "None"),
        (FIELD_LABELS["tags"], ", ".join(content.tags) or "None"),
    ])
    parts = [f"<h2>{escape(_heading(version, total))}</h2>", summary]
    parts += [_section(name, content) for name in KEPT_APART_SECTIONS]
    parts.append(f"<h3>{escape(FIELD_LABELS['immediate_action'])}</h3>"
                 + _block(content.immediate_action))
    parts.append(f"<h3>{escape(FIELD_LABELS['review'])}</h3>" + _review_html(content.review))
    return "".join(parts)


def _heading(version: VersionOnFile, total: int) -> str:
    if version.number == total:
        return f"Current version (version {version.number} of {total})"
    return f"Version {version.number} of {total} — an earlier version, kept unchanged"


def _section(name: str, content: ConcernContent) -> str:
    heading = f"<h3>{escape(FIELD_LABELS[name])}</h3>"
    body = _block(getattr(content, name))
    if name == "child_words" and content.questions_asked.strip():
        body += (f"<p><b>{escape(FIELD_LABELS['questions_asked'])}</b></p>"
                 + _block(content.questions_asked))
    if name == "others_reported" and content.others_reported.strip():
        body += (f"<p><b>{escape(FIELD_LABELS['others_source'])}:</b> "
                 f"{_text(content.others_source)}</p>")
    if name == "opinion":
        note = "<p><i>This section is opinion, not fact.</i></p>"
        return (f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{OPINION_TINT}">'
                f"<tr><td>{heading}{note}{body}</td></tr></table>")
    return heading + body


def _review_html(review: Review | None) -> str:
    if review is None:
        return f"<p><b>{AWAITING_REVIEW}.</b></p>"
    pairs = [("Decision", review.decision.label), ("Reasons", review.reasons)]
    if review.outcome:
        pairs.append(("Outcome", review.outcome))
    if review.closed_on:
        pairs.append(("Closed on", day(review.closed_on)))
    pairs.append(("Signed off by", f"{review.reviewed_by}, {review.reviewer_role}, "
                                   f"{day(review.reviewed_on)}"))
    html = _rows(pairs)
    if review.actions:
        header = "".join(f"<th align='left'>{h}</th>"
                         for h in ("Action", "Owner", "Due", "Status"))
        rows = "".join(
            f"<tr><td>{_text(a.description)}</td><td>{_text(a.owner)}</td>"
            f"<td>{day(a.due) if a.due else '—'}</td><td>{action_status_words(a.status)}</td>"
            "</tr>" for a in review.actions)
        html += (f"<p><b>Actions</b></p><table border='1' cellspacing='0' cellpadding='4' "
                 f"width='100%'><tr>{header}</tr>{rows}</table>")
    else:
        html += "<p>No actions.</p>"
    return html


def changes_html(previous: VersionOnFile | None, version: VersionOnFile) -> str:
    """Each field an amendment changed, with removed words struck through and added
    words underlined (and tinted), compared with the version before it."""
    title = f"<h2>What changed in version {version.number}</h2>"
    if previous is None:
        return title + ("<p>This is the original record: there is no earlier version to "
                        "compare it with.</p>")
    intro = (f"<p>Compared with version {previous.number}. Removed words are "
             "<s>struck through</s>; added words are <u>underlined</u>.</p>")
    if not version.changed:
        return title + intro + "<p>No change shows on this pupil's file.</p>"
    reason = f"<p><b>Reason given:</b> {_text(version.reason)}</p>"
    fields = "".join(
        f"<h3>{escape(FIELD_LABELS.get(name, name))}</h3>"
        + _diff_html(field_text(previous.on_file, name), field_text(version.on_file, name))
        for name in version.changed)
    return title + intro + reason + fields + "<hr>"


def _diff_html(old: str, new: str) -> str:
    marks = {"same": "{}",
             "removed": f'<s style="background-color:{REMOVED_TINT}">{{}}</s>',
             "added": f'<u style="background-color:{ADDED_TINT}">{{}}</u>'}
    html, previous = [], ""
    for segment in word_diff(old, new):
        if previous == "removed" and segment.kind == "added":
            html.append(" ")  # on screen only: keeps "crying sobbing" from reading as one word
        html.append(marks[segment.kind].format(_text(segment.text)))
        previous = segment.kind
    return "<p>" + "".join(html) + "</p>"
