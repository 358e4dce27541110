"""Which platform wrote a file, told from its header row, with the reason shown to the user."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from analytics.errors import ImportRefused
from analytics.i18n import t
from analytics.importers import buyermap, douyin, generic, jd, pdd, shopify, taobao, youzan
from analytics.importers.formats import Format

_ORDER_FORMATS = (
    douyin.FORMAT,
    shopify.FORMAT,
    jd.FORMAT,
    pdd.FORMAT,
    youzan.FORMAT,
    taobao.FORMAT,
)
#: An order->buyer mapping file: an order id column, a buyer id (or phone) column, and none
#: of the amount or order-time columns that make a file an order export.
BUYER_MAP_FORMAT = replace(
    buyermap.FORMAT,
    signature=(
        buyermap.FORMAT.columns["order_id"],
        buyermap.FORMAT.columns["customer_id"] + buyermap.FORMAT.columns["phone"],
    ),
    excludes=tuple(
        dict.fromkeys(
            column
            for fmt in (*_ORDER_FORMATS, generic.FORMAT)
            for fld in ("amount", "order_time", "paid_time", "status")
            for column in fmt.columns.get(fld, ())
        )
    ),
)

#: Platform layouts, most specific first; the generic table is the fallback. No two of them
#: match one header (``tests/importers/test_platforms.py`` checks every fixture).
FORMATS: tuple[Format, ...] = (*_ORDER_FORMATS, taobao.ITEMS_FORMAT, BUYER_MAP_FORMAT)
#: --platform / page choice -> format.
BY_PLATFORM = {f.key: f for f in (*FORMATS, generic.FORMAT)}


@dataclass(frozen=True)
class Detection:
    """A file's layout and how it was told, which ``explain`` says in the user's language.

    ``how``: "matched" (``found``: the signature columns seen), "chosen" (by the user),
    "unmatched" (the generic table; ``found``: the field=column pairs recognized by name) or
    "profiles" (a buyer-profile table). ``tmall``: Tmall-only columns of a Taobao layout;
    ``saved_on``: the date of the saved mapping in use.
    """

    format: Format
    how: str
    mapping: dict[str, str]  # canonical field -> header column
    missing: tuple[str, ...]  # required fields with no column
    #: field -> further sources (tuples of columns joined with "/") used row by row
    derived: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    found: tuple[str, ...] = ()
    tmall: tuple[str, ...] = ()
    saved_on: str = ""

    @property
    def platform(self) -> str:
        return self.format.platform

    @property
    def reason(self) -> str:
        """``explain`` in English, for the CLI and the import log."""
        return self.explain("en")

    def explain(self, lang: str | None = None) -> str:
        label = self.format.label
        if self.how == "unmatched":
            text = t("detect.unmatched", lang, columns=", ".join(self.found) or "-")
        else:
            text = t(f"detect.{self.how}", lang, label=label, columns=", ".join(self.found))
        if self.tmall:
            text += t("detect.tmall", lang, columns=", ".join(self.tmall))
        notes = []
        for name, sources in self.derived.items():
            shown = " / ".join("+".join(s) for s in sources)
            if name in self.mapping:
                notes.append(
                    t(
                        "detect.derived_else",
                        lang,
                        field=name,
                        column=self.mapping[name],
                        shown=shown,
                    )
                )
            else:
                notes.append(t("detect.derived", lang, field=name, shown=shown))
        if self.format.note:
            notes.append(t(self.format.note, lang))
        if notes and self.how != "unmatched":
            text += f" ({'; '.join(notes)})"
        if self.saved_on:
            text += t("detect.saved", lang, date=self.saved_on)
        return text


def detect(header: list[str], *, platform: str = "auto", file_name: str = "") -> Detection:
    """The format of a file with this header (``platform`` forces one)."""
    if platform != "auto":
        if platform not in BY_PLATFORM:
            known = ", ".join(["auto", *BY_PLATFORM])
            raise ImportRefused(file_name, "unknown_platform", platform=repr(platform), known=known)
        return _detection(BY_PLATFORM[platform], header, "chosen")
    for fmt in FORMATS:
        if fmt.matches(header):
            return _detection(fmt, header, "matched", tuple(fmt.signature_found(header)))
    detection = _detection(generic.FORMAT, header, "unmatched")
    found = tuple(f"{k}={v}" for k, v in detection.mapping.items())
    return replace(detection, found=found)


def _tmall_columns(fmt: Format, header: list[str]) -> tuple[str, ...]:
    if fmt is not taobao.FORMAT:
        return ()
    return tuple(c for c in header if any(m in c for m in taobao.TMALL_MARKERS))


def _detection(fmt: Format, header: list[str], how: str, found: tuple[str, ...] = ()) -> Detection:
    mapping = fmt.mapping_for(header)
    derived = fmt.derived_for(header)
    missing = tuple(f for f in fmt.required if f not in mapping and f not in derived)
    tmall = _tmall_columns(fmt, header)
    return Detection(fmt, how, mapping, missing, derived, found=found, tmall=tmall)
