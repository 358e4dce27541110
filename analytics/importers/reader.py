"""Reading an uploaded file as a table: CSV in any encoding shops use, XLSX and XLS.

``open_table`` looks at the file once (kind, encoding, header) and refuses what is not a
table; ``TableSource.batches`` then streams the rows as Arrow tables of strings, so a
multi-gigabyte CSV never sits in memory whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from analytics.errors import ImportRefused

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 256 * 1024
BLOCK_BYTES = 16 * 1024 * 1024


@dataclass
class TableSource:
    """An opened table: its cleaned header and a way to stream its rows."""

    path: Path
    name: str
    kind: str  # csv | xlsx | xls
    encoding: str | None
    header: list[str]
    size: int
    delimiter: str = ","
    first_line: int = 2  # file line (1-based) of the first data row
    _frame: object = field(default=None, repr=False)

    def batches(self, progress: Callable[[float], None] | None = None) -> Iterator[pa.Table]:
        """Arrow tables with one string column per header name, in file order."""
        if self.kind == "csv":
            yield from self._csv_batches(progress)
        else:
            frame = self._frame
            yield pa.Table.from_pandas(frame, preserve_index=False)
            if progress:
                progress(1.0)

    def _csv_batches(self, progress) -> Iterator[pa.Table]:
        with open(self.path, "rb") as raw:
            counted = _CountingReader(raw)
            reader = pacsv.open_csv(
                counted,
                read_options=pacsv.ReadOptions(
                    encoding=self.encoding,
                    column_names=self.header,
                    skip_rows=1,
                    block_size=BLOCK_BYTES,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    invalid_row_handler=_keep_short_rows,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in self.header},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            try:
                for batch in reader:
                    yield pa.Table.from_batches([batch])
                    if progress and self.size:
                        progress(min(counted.count / self.size, 1.0))
            except pa.ArrowInvalid as exc:
                raise ImportRefused(
                    self.name, f"the file is not a readable table ({exc})"
                ) from None


class _CountingReader(io.RawIOBase):
    """A binary file wrapper that counts bytes read, for the progress bar."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


def _keep_short_rows(row) -> str:
    # A row with the wrong number of fields is skipped here and never reaches the store;
    # rows are counted against the header, so such a file shows up in the row counts.
    return "skip"


def clean_header_name(name: object) -> str:
    """A header cell without BOM, padding, or Excel's ="…" text wrapper."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    return text


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        if base in seen:
            seen[base] += 1
            base = f"{base}.{seen[base]}"
        else:
            seen[base] = 0
        out.append(base)
    return out


def _decode_sample(sample: bytes, name: str) -> tuple[str, str]:
    """(encoding, text) of a file's first bytes: UTF-8 (with or without BOM), else GB18030."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", sample[3:].decode("utf-8", errors="ignore")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", sample.decode("utf-16", errors="ignore")
    for encoding in ("utf-8", "gb18030"):
        try:
            return encoding, _decode_prefix(sample, encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        name, "the text is neither UTF-8 nor GBK/GB18030; save the file as CSV (UTF-8) and retry"
    )


def _decode_prefix(sample: bytes, encoding: str) -> str:
    """Decode, forgiving only a multi-byte character cut off at the end of the sample."""
    for cut in range(4):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            if cut == 3 or len(sample) < _SNIFF_BYTES:
                raise
    raise AssertionError("unreachable")


def open_table(path: str | Path, name: str | None = None) -> TableSource:
    """Open ``path`` as a table, refusing empty, binary and undecodable files by name."""
    path = Path(path)
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(name, "the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC):
        return _open_excel(path, name, "xlsx", size)
    if head.startswith(_OLE_MAGIC):
        return _open_excel(path, name, "xls", size)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(name, "this is not a table (a binary file, not CSV/XLSX/XLS)")
    encoding, text = _decode_sample(head, name)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportRefused(name, "the file has no header row")
    delimiter = _sniff_delimiter(first)
    header = _unique([clean_header_name(c) for c in next(csv.reader([first], delimiter=delimiter))])
    if len(header) < 2:
        raise ImportRefused(name, "this is not a table: the first line has fewer than 2 columns")
    data_lines = [line for line in lines[1:] if line.strip()]
    if not data_lines:
        raise ImportRefused(name, "the file has a header but no rows")
    return TableSource(path, name, "csv", encoding, header, size, delimiter)


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get)


def _open_excel(path: Path, name: str, kind: str, size: int) -> TableSource:
    import pandas as pd

    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=str, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ImportRefused(name, f"the workbook cannot be read ({exc})") from None
    filled = frame.notna().any(axis=1)
    if not filled.any():
        raise ImportRefused(name, "the first sheet is empty")
    top = int(filled.to_numpy().argmax())
    header = _unique([clean_header_name(c) if pd.notna(c) else "" for c in frame.iloc[top]])
    if len(header) < 2:
        raise ImportRefused(name, "this is not a table: the header row has fewer than 2 columns")
    body = frame.iloc[top + 1 :]
    if not body.notna().any(axis=1).any():
        raise ImportRefused(name, "the sheet has a header but no rows")
    body = body.fillna("").astype(str)
    body.columns = header
    return TableSource(
        path, name, kind, None, header, size, first_line=top + 2, _frame=body.reset_index(drop=True)
    )
