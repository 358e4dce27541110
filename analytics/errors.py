"""Errors a user can act on: a refused file, and a problem with one row of a file.

Both name their reason by a code whose text, in Chinese and English, lives in the i18n
catalog (``refusal.<code>``, ``problem.<code>``): the page shows it in the user's language,
the CLI and the import log in English (``reason``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.i18n import t


class ImportRefused(Exception):
    """A whole file was refused; nothing it contained was stored.

    ``params`` fill the reason's text; ``problems`` are the bad rows behind a refusal for
    too many of them.
    """

    def __init__(self, file: str, code: str, *, problems: tuple[RowProblem, ...] = (), **params):
        self.file = file
        self.code = code
        self.params = params
        self.problems = problems
        self.reason = self.text("en")
        super().__init__(f"{file}: {self.reason}")

    def text(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (default: the current UI language)."""
        return t(f"refusal.{self.code}", lang, **self.params)


class InputError(ValueError):
    """A parameter a user gave cannot be used (the message says which and why)."""


@dataclass(frozen=True)
class RowProblem:
    """One skipped row: the file line it came from, the column, the value and why (``code``,
    with ``params`` filling its text)."""

    line: int
    column: str
    value: str
    code: str
    params: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """Why, in ``lang`` (default: the current UI language)."""
        return t(f"problem.{self.code}", lang, **self.params)

    @property
    def reason(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column!r}: {self.value!r} ({self.reason})"
