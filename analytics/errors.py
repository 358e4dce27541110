"""Errors a user can act on: a refused file, and a problem with one row of a file."""

from __future__ import annotations

from dataclasses import dataclass


class ImportRefused(Exception):
    """A whole file was refused; nothing it contained was stored."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class InputError(ValueError):
    """A parameter a user gave cannot be used (the message says which and why)."""


@dataclass(frozen=True)
class RowProblem:
    """One skipped row: the file line it came from, the column, the value and why."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column!r}: {self.value!r} ({self.reason})"
