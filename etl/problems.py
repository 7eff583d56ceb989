"""Problems found while reading and checking source files: what, where, and how bad."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one file: `row` is the 1-based line or sheet row, `source` the registry id."""

    check: str
    message: str
    file: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error" refuses the run; "warning" is reported and published
    source: str | None = None
    dataset: int | None = None  # the 1-based position of the dataset in the source's registry entry

    def __str__(self) -> str:
        where = self.file or "?"
        if self.source and self.dataset:
            where += f" [registry {self.source}.yaml, dataset {self.dataset}]"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {str(self.value)[:80]!r})"
        return f"{self.severity.upper()} [{self.check}] {where}: {self.message}{shown}"


class SourceError(Exception):
    """A file cannot be used at all (missing, changed, unreadable); carries the problems found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def of_source(problems: list[Problem], source_id: str, dataset: int | None = None) -> list[Problem]:
    """The problems, each marked with the source (and the dataset of its registry entry) they belong to."""
    return [replace(p, source=source_id, dataset=dataset or p.dataset) for p in problems]


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that refuse a run."""
    return [p for p in problems if p.severity == "error"]


def whole_number(text: object, where: Problem | None = None, problems: list[Problem] | None = None) -> int | None:
    """ASCII digits → their number, else None; a non-blank non-number adds `where` (with the value) to `problems`."""
    text = str(text).strip()
    if text.isascii() and text.isdigit():  # str.isdigit() alone also passes '²', which int() refuses
        return int(text)
    if text and where is not None and problems is not None:
        problems.append(replace(where, value=text))
    return None
