"""Which platform wrote a file, told from its header row, with the reason shown to the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.errors import ImportRefused
from analytics.importers import douyin, generic, jd, pdd, shopify, taobao, youzan
from analytics.importers.formats import Format

#: Platform layouts, most specific first; the generic table is the fallback. No two of them
#: match one header (``tests/importers/test_platforms.py`` checks every fixture).
FORMATS: tuple[Format, ...] = (
    douyin.FORMAT,
    shopify.FORMAT,
    jd.FORMAT,
    pdd.FORMAT,
    youzan.FORMAT,
    taobao.FORMAT,
    taobao.ITEMS_FORMAT,
)
#: --platform / page choice -> format.
BY_PLATFORM = {f.key: f for f in (*FORMATS, generic.FORMAT)}


@dataclass(frozen=True)
class Detection:
    format: Format
    reason: str
    mapping: dict[str, str]  # canonical field -> header column
    missing: tuple[str, ...]  # required fields with no column
    #: field -> further sources (tuples of columns joined with "/") used row by row
    derived: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    @property
    def platform(self) -> str:
        return self.format.platform


def detect(header: list[str], *, platform: str = "auto", file_name: str = "") -> Detection:
    """The format of a file with this header (``platform`` forces one)."""
    if platform != "auto":
        if platform not in BY_PLATFORM:
            known = ", ".join(["auto", *BY_PLATFORM])
            raise ImportRefused(file_name, "unknown_platform", platform=repr(platform), known=known)
        fmt = BY_PLATFORM[platform]
        return _detection(fmt, header, f"platform chosen: {fmt.label}")
    for fmt in FORMATS:
        if fmt.matches(header):
            reason = f"{fmt.label}: columns {', '.join(fmt.signature_found(header))} found"
            return _detection(fmt, header, reason + _tmall_hint(fmt, header))
    detection = _detection(generic.FORMAT, header, "")
    found = ", ".join(f"{k}={v}" for k, v in detection.mapping.items())
    reason = f"no platform layout matched; columns recognized by name: {found or 'none'}"
    return Detection(detection.format, reason, detection.mapping, detection.missing)


def _tmall_hint(fmt: Format, header: list[str]) -> str:
    if fmt is not taobao.FORMAT:
        return ""
    marks = [c for c in header if any(m in c for m in taobao.TMALL_MARKERS)]
    if not marks:
        return ""
    return (
        f"; Tmall fields ({', '.join(marks)}) found: Tmall shops download the same 订单报表 "
        "and their buyers are Taobao accounts, so it imports as platform taobao"
    )


def _detection(fmt: Format, header: list[str], reason: str) -> Detection:
    mapping = fmt.mapping_for(header)
    derived = fmt.derived_for(header)
    missing = tuple(f for f in fmt.required if f not in mapping and f not in derived)
    notes = []
    for name, sources in derived.items():
        shown = " / ".join("+".join(s) for s in sources)
        if name in mapping:
            notes.append(f"{name} from {mapping[name]}, else {shown}")
        else:
            notes.append(f"{name} from {shown}")
    if fmt.note:
        notes.append(fmt.note)
    if notes and reason:
        reason = f"{reason} ({'; '.join(notes)})"
    return Detection(fmt, reason, mapping, missing, derived)
