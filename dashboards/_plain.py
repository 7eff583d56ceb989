"""The release's notes where only plain text fits (a tooltip, a table cell): our own wording in the page's language,
a publisher's words as published, followed by the page's "(in English, as published)" since no lang= can mark them."""

from __future__ import annotations

from dashboards import _published


def text(node) -> str:
    """The text of a component tree (or a string) as a reader sees it, without markup."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return "".join(text(child) for child in node)
    return text(getattr(node, "children", None))


def note_text(note) -> str:
    """A value's note (the ETL's "; "-joined parts) as plain text in the page's language ('' when none)."""
    if not isinstance(note, str) or not note.strip():
        return ""
    return text(_published.footnote(note.strip()))
