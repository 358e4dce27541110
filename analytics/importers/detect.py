"""Which platform wrote a file, told from its header row, with the reason shown to the user."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.errors import ImportRefused
from analytics.importers import generic, taobao
from analytics.importers.formats import REQUIRED_FIELDS, Format

#: Platform layouts, most specific first; the generic table is the fallback.
FORMATS: tuple[Format, ...] = (taobao.FORMAT,)
BY_PLATFORM = {f.platform: f for f in (*FORMATS, generic.FORMAT)}


@dataclass(frozen=True)
class Detection:
    format: Format
    reason: str
    mapping: dict[str, str]  # canonical field -> header column
    missing: tuple[str, ...]  # required fields with no column

    @property
    def platform(self) -> str:
        return self.format.platform


def detect(header: list[str], *, platform: str = "auto", file_name: str = "") -> Detection:
    """The format of a file with this header (``platform`` forces one)."""
    if platform != "auto":
        if platform not in BY_PLATFORM:
            known = ", ".join(["auto", *BY_PLATFORM])
            raise ImportRefused(file_name, f"unknown platform {platform!r}; expected {known}")
        fmt = BY_PLATFORM[platform]
        return _detection(fmt, header, f"platform chosen: {fmt.label}")
    present = set(header)
    for fmt in FORMATS:
        if fmt.signature and all(col in present for col in fmt.signature):
            return _detection(fmt, header, f"{fmt.label}: columns {', '.join(fmt.signature)} found")
    detection = _detection(generic.FORMAT, header, "")
    found = ", ".join(f"{k}={v}" for k, v in detection.mapping.items())
    reason = f"no platform layout matched; columns recognized by name: {found or 'none'}"
    return Detection(detection.format, reason, detection.mapping, detection.missing)


def _detection(fmt: Format, header: list[str], reason: str) -> Detection:
    mapping = fmt.mapping_for(header)
    missing = tuple(f for f in REQUIRED_FIELDS if f not in mapping)
    return Detection(fmt, reason, mapping, missing)
