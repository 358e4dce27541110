"""Reports written as JSON/CSV through Arrow and DuckDB (analytics.export.write_records).

The reference is what the CLI wrote before: ``json.dump`` of the frame's records (dates
and timestamps as ISO text, NaN as null) and ``DataFrame.to_csv``. The stream must hold
the same records, except that formula-like text is neutralized and phones are masked.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import customers, export, lifecycle, rfm
from analytics.cli._common import emit
from tests.conftest import DEMO_END


def old_json_records(frame: pd.DataFrame) -> list[dict]:
    """The records the CLI's json output held before it streamed."""

    def plain(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value is pd.NaT:
            return None
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if hasattr(value, "item"):
            return plain(value.item())
        return value

    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def streamed(frame: pd.DataFrame, fmt: str, **kwargs) -> str:
    out = io.StringIO()
    count = export.write_records(frame, out, fmt=fmt, **kwargs)
    assert count == len(frame)
    return out.getvalue()


REPORTS = {
    "rfm": lambda con: rfm.rfm_scores(con, as_of=DEMO_END),
    "stages": lambda con: lifecycle.customer_stages(con, as_of=DEMO_END),
    "customer_types": lambda con: lifecycle.customer_types(con, as_of=DEMO_END),
    "customers": lambda con: customers.customer_list(con, limit=500),
}


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_json_stream_holds_the_same_records_as_the_old_output(demo_con, report):
    frame = REPORTS[report](demo_con)
    assert len(frame) > 0
    got = json.loads(streamed(frame, "json"))
    expected = old_json_records(frame)
    if "phone" in frame:
        for row in expected:
            row["phone"] = export.mask_phone(row["phone"]) if row["phone"] is not None else None
    assert got == expected


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_csv_stream_reads_back_as_the_old_csv(demo_con, report):
    frame = REPORTS[report](demo_con)
    got = pd.read_csv(io.StringIO(streamed(frame, "csv")), dtype=str, keep_default_na=False)
    expected = pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str, keep_default_na=False)
    if "phone" in frame:
        expected["phone"] = [export.mask_phone(p) if p else "" for p in expected["phone"]]
    for column in frame.select_dtypes("bool").columns:
        expected[column] = expected[column].str.lower()
    assert list(got.columns) == list(expected.columns)
    for column in got.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            a = pd.to_numeric(got[column].replace("", np.nan))
            b = pd.to_numeric(expected[column].replace("", np.nan))
            assert np.allclose(a, b, equal_nan=True, rtol=1e-15), column
        else:
            assert (got[column] == expected[column]).all(), column


HOSTILE = pd.DataFrame(
    {
        "customer_id": ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "\tx", "ok"],
        "customer_name": ["张三", "=1+1", None, "李,四", 'say "hi"', "\rcmd"],
        "phone": ["13812345678", "+86 139-0000-1111", "138****0000", "", None, "123"],
        "amount": [1.5, -2.0, float("nan"), 0.0, 1e-7, 3.0],
        "day": [date(2024, 1, 2)] * 6,
        "at": pd.to_datetime(
            ["2024-01-02 03:04:05"] * 5 + ["2024-01-02 03:04:05.250"], format="ISO8601"
        ),
    }
)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_formula_like_text_is_neutralized_in_report_streams(fmt):
    text = streamed(HOSTILE, fmt)
    if fmt == "json":
        rows = {k: [row[k] for row in json.loads(text)] for k in HOSTILE.columns}
    else:
        rows = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(rows["customer_id"]) == [export.neutralize(v) for v in HOSTILE["customer_id"]]
    missing = None if fmt == "json" else ""
    names = [missing if pd.isna(v) else export.neutralize(v) for v in HOSTILE["customer_name"]]
    assert list(rows["customer_name"]) == names
    assert names[1] == "'=1+1" and names[5] == "'\rcmd"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_phones_are_masked_in_report_streams_as_in_target_lists(fmt):
    text = streamed(HOSTILE, fmt)
    rows = json.loads(text) if fmt == "json" else pd.read_csv(io.StringIO(text), dtype=str)
    phones = [row["phone"] for row in rows] if fmt == "json" else list(rows["phone"].fillna(""))
    expected = [None if pd.isna(p) else export.mask_phone(p) for p in HOSTILE["phone"]]
    if fmt == "csv":
        expected = [p or "" for p in expected]
    assert phones == expected
    assert phones[0] == "138****5678" and phones[1] == "139****1111"


def test_full_phone_streams_the_phone_unmasked():
    rows = json.loads(streamed(HOSTILE, "json", full_phone=True))
    assert rows[0]["phone"] == "13812345678"


def test_json_stream_writes_dates_timestamps_and_missing_numbers_as_before():
    rows = json.loads(streamed(HOSTILE, "json"))
    assert rows[0]["day"] == "2024-01-02"
    assert rows[0]["at"] == "2024-01-02T03:04:05"
    assert rows[5]["at"] == "2024-01-02T03:04:05.250000"
    assert rows[2]["amount"] is None
    assert rows[4]["amount"] == 1e-7


def test_an_empty_report_streams_an_empty_array_and_a_header():
    empty = HOSTILE.iloc[:0]
    assert json.loads(streamed(empty, "json")) == []
    assert streamed(empty, "csv").splitlines()[0].split(",") == list(HOSTILE.columns)


def test_cli_emit_streams_frames_through_the_safe_writer():
    out = io.StringIO()
    emit(HOSTILE, "json", out)
    assert json.loads(out.getvalue())[1]["customer_id"] == "'+1"


def test_a_column_mixing_numbers_and_text_streams_as_before(demo_con):
    funnel = lifecycle.order_funnel(demo_con, as_of=DEMO_END)
    assert list(funnel["step"]) == [1, 2, 3, "4+"]
    assert json.loads(streamed(funnel, "json")) == old_json_records(funnel)
    got = pd.read_csv(io.StringIO(streamed(funnel, "csv")), dtype=str, keep_default_na=False)
    assert list(got["step"]) == ["1", "2", "3", "4+"]


def test_text_in_a_mixed_frame_is_still_neutralized():
    mixed = pd.DataFrame({"step": [1, "=2"], "customer_name": ["=x", "y"]})
    rows = json.loads(streamed(mixed, "json"))
    assert rows == [{"step": 1, "customer_name": "'=x"}, {"step": "'=2", "customer_name": "y"}]
