"""UI text in Chinese (default) and English: ``t("key", **values)``.

Catalogs are the modules of this package, one per area of the product (``core``,
``customers``, ``promotions``, …); each defines ``ZH`` and ``EN`` dicts with the same keys.
They are merged on first use; a key defined twice is an error, so areas never collide.
"""

from __future__ import annotations

import importlib
import numbers
import pkgutil
import string
import threading
from functools import cache

LANGUAGES = ("zh", "en")
# Per thread: Streamlit runs each session's script in its own thread.
_current = threading.local()


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    _current.lang = lang


def language() -> str:
    return getattr(_current, "lang", "zh")


@cache
def catalogs() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang, table in (("zh", module.ZH), ("en", module.EN)):
            clash = merged[lang].keys() & table.keys()
            if clash:
                raise KeyError(f"i18n keys defined twice ({info.name}): {sorted(clash)}")
            merged[lang].update(table)
    return merged


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for ``key`` in ``lang`` (default: the current language), formatted.

    A key missing from the language falls back to Chinese, then to the key itself, so a
    missing translation shows up as a readable key instead of an exception.
    Whole numbers read with thousands separators (``{n}`` of 11501 → ``11,501``) unless
    the placeholder has a format of its own or names a year or an id (``{year}`` stays
    ``2025``, ``#{id}`` stays ``#1024``).
    """
    tables = catalogs()
    text = tables[lang or language()].get(key) or tables["zh"].get(key) or key
    return text.format(**_separated(text, values)) if values else text


def _separated(text: str, values: dict) -> dict:
    """``values`` with each plain whole number as ``12,345`` (see ``t``)."""
    plain = {name for _, name, spec, conv in string.Formatter().parse(text)
             if name and not spec and not conv}  # fmt: skip
    out = dict(values)
    for name in plain & values.keys():
        value = values[name]
        if "year" in name or name.endswith("id") or isinstance(value, bool):
            continue
        if isinstance(value, int | numbers.Integral) and abs(int(value)) >= 1000:
            out[name] = f"{int(value):,}"
    return out
