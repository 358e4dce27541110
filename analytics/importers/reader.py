"""Reading an uploaded file as a table: CSV in any encoding shops use, XLSX and XLS.

``open_table`` looks at the file once (kind, encoding, header) and refuses what is not a
table. ``TableSource.relation`` then gives the rows to DuckDB as a relation of strings
(one column per cleaned header name): a CSV is read by DuckDB's own CSV reader, after
being transcoded to UTF-8 in a stream when it is GBK/GB18030 or UTF-16, so a
multi-gigabyte export never sits in memory whole; a workbook's first sheet is handed over
as an Arrow table.
"""

from __future__ import annotations

import codecs
import csv
import mmap
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from analytics.errors import ImportRefused
from analytics.sharing import copy_range, scratch_dir

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 256 * 1024
#: Undecodable bytes per 10,000 a file's first bytes may hold and still be read as text.
_MAX_BAD_PER_10K = 1
#: TEMP tables where DuckDB's CSV reader lists the records it skipped.
_REJECTS = "laoke_rejects"
#: The ``field`` of a problem with fields beyond the header's last column (they have no name).
EXTRA_FIELDS = "#extra"
#: The ``field`` of a problem with a whole record rather than one of its fields.
WHOLE_ROW = "#row"
#: A file whose first bytes are more than this share NUL bytes is binary, not a table; a
#: few NULs in a text file are named row by row (``nul_byte``) instead.
_MAX_NUL_SHARE = 0.01
_REJECT_SCANS = "laoke_reject_scans"
_UNREADABLE_SQL = f"""
INSERT INTO unreadable
SELECT line,
    -- Extra fields have no header: EXTRA_FIELDS stands for them (the problem names them).
    CASE WHEN error_type = 'TOO MANY COLUMNS' THEN '{EXTRA_FIELDS}'
        ELSE coalesce(column_name, '{WHOLE_ROW}') END,
    left(trim(csv_line, chr(13) || chr(10)), 200),
    CASE error_type
        WHEN 'MISSING COLUMNS' THEN 'too_few_columns'
        WHEN 'TOO MANY COLUMNS' THEN 'extra_fields'
        WHEN 'INVALID ENCODING' THEN 'not_text'
        WHEN 'UNQUOTED VALUE' THEN 'stray_quote'
        ELSE 'unreadable' END,
    CASE WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            THEN regexp_extract(error_message, 'Found: (\\d+)', 1)
        WHEN error_type NOT IN ('INVALID ENCODING', 'UNQUOTED VALUE') THEN error_message END
FROM {_REJECTS}
QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1
"""


#: The part of a file ``TableSource.may_hold_nul`` maps at a time (a multiple of the
#: mapping granularity).
_NUL_WINDOW = 64 << 20


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
    #: xlsx: header column -> formula cells below the header with no calculated value
    uncached_formulas: dict[str, int] = field(default_factory=dict)
    #: CSV read in DuckDB's strict mode (rows with extra fields become named problems).
    #: Cleared for a retry when strict mode fails on a well-formed file: DuckDB 2.0.1's
    #: strict state machine rejects some valid files whole ("reached an invalid state").
    strict: bool = True
    _frame: object = field(default=None, repr=False)
    _holds_nul: bool | None = field(default=None, repr=False)  # may_hold_nul's answer

    @contextmanager
    def relation(self, con, progress: Callable[[float], None] | None = None) -> Iterator[str]:
        """A FROM-clause text reading this table's rows in file order (strings; an empty
        CSV cell is NULL). ``progress`` gets the fraction done of transcoding."""
        if self.kind != "csv":
            import pyarrow as pa  # only workbooks need it; a CSV import starts faster without

            frame = pa.Table.from_pandas(self._frame, preserve_index=False)
            con.register("source_rows", frame)
            try:
                yield "source_rows"
            finally:
                con.unregister("source_rows")
                if progress:
                    progress(1.0)
            return
        if self.encoding in ("utf-8", "utf-8-sig"):
            yield self._read_csv_sql(self.path)
            return
        # Beside the database (swept after a crash), not in the system's temp folder.
        with scratch_dir(con) as folder:
            target = folder / "utf8.csv"
            transcode(self.path, target, self.encoding, progress, self.size)
            yield self._read_csv_sql(target)

    def _read_csv_sql(self, path: Path) -> str:
        def lit(text: str) -> str:
            return "'" + text.replace("'", "''") + "'"

        columns = ", ".join(f"{lit(name)}: 'VARCHAR'" for name in self.header)
        return (
            f"read_csv({lit(str(path))}, header = false, skip = 1, delim = {lit(self.delimiter)}, "
            f"quote = '\"', escape = '\"', columns = {{{columns}}}, auto_detect = false, "
            f"strict_mode = {str(self.strict).lower()}, parallel = true, ignore_errors = true, "
            "store_rejects = true, "
            f"rejects_table = '{_REJECTS}', rejects_scan = '{_REJECT_SCANS}')"
        )

    def may_hold_nul(self) -> bool:
        """Whether a value may hold a NUL byte: a CSV with one anywhere (a quick scan of the
        file; most have none, and checking every value costs more). The file is searched
        where the page cache holds it (mapped, a window at a time, so its pages leave the
        process again), not read into Python: half the time (0.5 s for 3 GB)."""
        if self.kind != "csv":
            return False  # a workbook's XML cannot hold NUL characters
        if self._holds_nul is None:  # asked before staging and again by it: scanned once
            self._holds_nul = self._find_nul()
        return self._holds_nul

    def _find_nul(self) -> bool:
        with open(self.path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            for start in range(0, size, _NUL_WINDOW):
                length = min(_NUL_WINDOW, size - start)
                with mmap.mmap(fh.fileno(), length, offset=start, access=mmap.ACCESS_READ) as view:
                    if view.find(b"\x00") >= 0:
                        return True
        return False

    def collect_unreadable(self, con) -> None:
        """TEMP table ``unreadable`` (line, field, value, code, detail): the records the last read
        of this table skipped because they could not be read as a row (too few fields, bytes
        that are not text), one row per record, ``line`` counted like the file's rows."""
        con.execute(
            "CREATE OR REPLACE TEMP TABLE unreadable "
            "(line BIGINT, field VARCHAR, value VARCHAR, code VARCHAR, detail VARCHAR)"
        )
        if self.kind != "csv":
            return
        con.execute(_UNREADABLE_SQL)
        con.execute(f"DROP TABLE IF EXISTS {_REJECTS}")
        con.execute(f"DROP TABLE IF EXISTS {_REJECT_SCANS}")


def transcode(
    source: Path, target: Path, encoding: str, progress=None, size: int = 0, chunk: int = 16 << 20
) -> None:
    """Copy ``source`` to ``target`` as UTF-8, in pieces (memory stays flat at any size).

    Bytes that are not text in ``encoding`` are copied through as they are, so the CSV
    reader rejects just the records holding them (``collect_unreadable`` names each by line
    and column) instead of importing garbled text.

    GBK/GB18030 is cut into pieces of about ``chunk`` bytes at line ends (a newline byte is
    never part of a GB18030 character) and converted two at a time by the system's
    ``iconv``, several times faster than Python's codec; iconv reads all its input before
    converting, so it is never given the whole file. A piece iconv refuses (a byte that is
    no character), or every piece when there is no iconv, goes through Python's codec.

    The bytes never pass through Python: each piece is copied by the kernel into a file of
    its own beside ``target``, iconv converts that file into another, which is appended to
    ``target`` (and both removed). Through pipes, the parent spent as much CPU as iconv
    itself copying the bytes in and out (17 s of a 3 GB export's 36 s of transcoding).
    """
    if encoding not in ("gbk", "gb18030"):
        _transcode_stream(source, target, encoding, progress, size, chunk)
        return
    iconv = shutil.which("iconv")
    done = 0
    with (
        tempfile.TemporaryDirectory(prefix=f"{target.name}.", dir=target.parent) as parts,
        open(target, "wb", buffering=0) as out,
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="laoke-iconv") as pool,
    ):
        pending: deque = deque()

        def append_oldest() -> None:
            nonlocal done
            converted, length = pending.popleft()
            part = converted.result()
            with open(part, "rb", buffering=0) as piece:
                copy_range(piece, out, 0, os.fstat(piece.fileno()).st_size)
            part.unlink()
            done += length
            if progress and size:
                progress(min(done / size, 1.0))

        for index, (start, length) in enumerate(_line_ranges(source, chunk)):
            stem = Path(parts) / str(index)
            work = pool.submit(_convert_piece, source, start, length, stem, iconv)
            pending.append((work, length))
            while len(pending) > 2:
                append_oldest()
        while pending:
            append_oldest()


def _line_ranges(path: Path, chunk: int) -> Iterator[tuple[int, int]]:
    """(start, length) of the file's pieces of about ``chunk`` bytes, each ending at a line
    end (or the file's end)."""
    size = path.stat().st_size
    start = 0
    with open(path, "rb") as src:
        while start < size:
            end = min(start + chunk, size)
            if end < size:
                src.seek(end)
                end += len(src.readline())
            yield start, end - start
            start = end


def _convert_piece(source: Path, start: int, length: int, stem: Path, iconv: str | None) -> Path:
    """Bytes ``start``..``start + length`` of ``source`` as UTF-8 in file ``stem``.out."""
    raw, converted = stem.with_suffix(".in"), stem.with_suffix(".out")
    with open(source, "rb", buffering=0) as src, open(raw, "wb", buffering=0) as dst:
        copy_range(src, dst, start, length)
    try:
        if iconv:
            with open(converted, "wb") as dst:
                cmd = [iconv, "-f", "GB18030", "-t", "UTF-8", str(raw)]
                if subprocess.run(cmd, stdout=dst, stderr=subprocess.DEVNULL).returncode == 0:
                    return converted  # iconv stops at a byte it cannot convert
        text = raw.read_bytes().decode("gb18030", "surrogateescape")
        converted.write_bytes(text.encode("utf-8", "surrogateescape"))
        return converted
    finally:
        raw.unlink()


def _transcode_stream(source: Path, target: Path, encoding: str, progress, size, chunk) -> None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    done = 0
    with open(source, "rb") as src, open(target, "wb") as out:
        while block := src.read(chunk):
            out.write(decoder.decode(block).encode("utf-8", errors="surrogateescape"))
            done += len(block)
            if progress and size:
                progress(min(done / size, 1.0))
        out.write(decoder.decode(b"", final=True).encode("utf-8", errors="surrogateescape"))


def run_with_progress(con, sql: str, progress=None, params=None) -> None:
    """Run one statement; while it runs, report DuckDB's progress (0..1) to ``progress``."""
    if progress is None:
        con.execute(sql, params)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql, params)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.5)
        try:
            done = con.query_progress()
        except Exception:  # noqa: BLE001 - progress is best effort
            done = -1
        if done is not None and done >= 0:
            progress(min(done / 100, 1.0))
    if failure:
        raise failure[0]
    progress(1.0)


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
    """(encoding, text) of a file's first bytes: UTF-8 (with or without BOM), else GB18030.

    A few undecodable bytes (at most ``_MAX_BAD_PER_10K`` per 10,000, and 2 in any case) do
    not make the whole file unreadable: the encoding that explains the rest is chosen and
    the records holding those bytes are rejected one by one when the file is read.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", sample[3:].decode("utf-8", errors="ignore")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", sample.decode("utf-16", errors="ignore")
    # A multi-byte character cut off at the end of a full sample is not an error.
    final = len(sample) < _SNIFF_BYTES
    tried = {}
    for encoding in ("utf-8", "gb18030"):
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final)
        tried[encoding] = (text.count("\ufffd"), text)
        if not tried[encoding][0]:
            return encoding, text
    encoding = min(tried, key=lambda e: tried[e][0])
    bad, text = tried[encoding]
    if bad <= max(2, len(sample) * _MAX_BAD_PER_10K // 10_000):
        return encoding, text
    raise ImportRefused(name, "not_text")


def open_table(path: str | Path, name: str | None = None) -> TableSource:
    """Open ``path`` as a table, refusing empty, binary and undecodable files by name."""
    path = Path(path)
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(name, "empty")
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC):
        return _open_excel(path, name, "xlsx", size)
    if head.startswith(_OLE_MAGIC):
        return _open_excel(path, name, "xls", size)
    nuls = head.count(b"\x00")
    if nuls > _MAX_NUL_SHARE * len(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(name, "binary")
    encoding, text = _decode_sample(head, name)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportRefused(name, "no_header")
    delimiter = _sniff_delimiter(first)
    header = _unique([clean_header_name(c) for c in next(csv.reader([first], delimiter=delimiter))])
    if len(header) < 2:
        raise ImportRefused(name, "one_column")
    data_lines = [line for line in lines[1:] if line.strip()]
    if not data_lines:
        raise ImportRefused(name, "header_only")
    return TableSource(path, name, "csv", encoding, header, size, delimiter)


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get)


def _open_excel(path: Path, name: str, kind: str, size: int) -> TableSource:
    import pandas as pd

    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=str, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ImportRefused(name, "workbook_unreadable", detail=str(exc)) from None
    filled = frame.notna().any(axis=1)
    if not filled.any():
        raise ImportRefused(name, "sheet_empty")
    top = int(filled.to_numpy().argmax())
    header = _unique([clean_header_name(c) if pd.notna(c) else "" for c in frame.iloc[top]])
    if len(header) < 2:
        raise ImportRefused(name, "one_column")
    body = frame.iloc[top + 1 :]
    if not body.notna().any(axis=1).any():
        raise ImportRefused(name, "header_only")
    body = body.fillna("").astype(str)
    body.columns = header
    uncached = {}
    if kind == "xlsx":
        with suppress(KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
            uncached = {
                header[i]: n
                for i, n in _uncached_formula_cells(path, below_row=top + 1).items()
                if i < len(header)
            }
    return TableSource(
        path,
        name,
        kind,
        None,
        header,
        size,
        first_line=top + 2,
        uncached_formulas=uncached,
        _frame=body.reset_index(drop=True),
    )


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A formula element in a sheet's XML (``<f>``, ``<f t="shared" …/>``).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _uncached_formula_cells(path: Path, *, below_row: int) -> dict[int, int]:
    """Column index (0-based) -> formula cells of the first sheet, below row ``below_row``
    (1-based), whose value was never calculated: no cached value, or a workbook flagged
    ``fullCalcOnLoad`` (what generators such as xlsxwriter write, with 0 as every formula's
    placeholder value). Excel and WPS store the value of each formula on save; a workbook
    written by a script may not, and its readers (calamine here) then see empty cells or 0.
    """
    with zipfile.ZipFile(path) as book:
        workbook = book.read("xl/workbook.xml")
        stale = re.search(rb"<(?:\w+:)?calcPr[^>]*fullCalcOnLoad=\"(?:1|true)\"", workbook)
        sheet = _first_sheet_part(book, workbook)
        with book.open(sheet) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                if _FORMULA_TAG.search(tail + chunk):
                    break
                tail = chunk[-16:]
            else:
                return {}
        counts: dict[int, int] = {}
        with book.open(sheet) as fh:
            for _, cell in ElementTree.iterparse(fh):
                if cell.tag != f"{_MAIN_NS}c":
                    continue
                formula = cell.find(f"{_MAIN_NS}f")
                ref = cell.get("r") or ""
                if formula is not None and ref:
                    value = cell.find(f"{_MAIN_NS}v")
                    letters = ref.rstrip("0123456789")
                    row = int(ref[len(letters) :] or 0)
                    if row > below_row and (stale or value is None or not value.text):
                        column = _column_index(letters)
                        counts[column] = counts.get(column, 0) + 1
                cell.clear()
        return counts


def _first_sheet_part(book: zipfile.ZipFile, workbook: bytes) -> str:
    """The zip member holding the workbook's first sheet (the one calamine reads)."""
    root = ElementTree.fromstring(workbook)
    first = root.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
    rel_id = first.get(f"{_REL_NS}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(rel_id)


def _column_index(letters: str) -> int:
    """0-based index of a column named by letters (A -> 0, AA -> 26)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1
