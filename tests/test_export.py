"""Target-list files: BOM CSV and XLSX, headers in both languages, treatment only, phone
masking, and OWASP formula neutralization in both formats."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from analytics.export import export_frame, file_stem, mask_phone, to_csv_bytes, to_xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "-2+3",
    "+86 cmd",
    "@SUM(A1:A3)",
    "\tcalc",
    "\rcalc",
]


def members(names, *, phones=None, grps=None, ids=None) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame(
        {
            "platform": ["taobao"] * n,
            "shop": ["s"] * n,
            "customer_id": ids or [f"c{i}" for i in range(n)],
            "customer_name": names,
            "phone": phones or ["13812345678"] * n,
            "segment": ["流失预警"] * n,
            "reason": ["RFM 得分 R1 F2 M3"] * n,
            "suggested_offer": ["挽留券"] * n,
            "grp": grps or ["treatment"] * n,
        }
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("8613812345678", "138****5678"),
        ("138****0001", "138****0001"),  # already masked by the platform: kept
        ("0571-88886666", "057****6666"),
        ("12345", "****"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_csv_is_utf8_with_bom_and_chinese_headers():
    data = to_csv_bytes(members(["张三"]))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows == [
        ["买家ID", "姓名", "手机", "人群", "入选原因", "建议优惠"],
        ["c0", "张三", "138****5678", "流失预警", "RFM 得分 R1 F2 M3", "挽留券"],
    ]


def test_english_headers():
    rows = read_csv(to_csv_bytes(members(["Zhang"]), lang="en"))
    assert rows[0] == ["Customer ID", "Name", "Phone", "Segment", "Reason", "Suggested offer"]


def test_full_phone_is_exported_only_when_asked():
    df = members(["张三"])
    assert read_csv(to_csv_bytes(df))[1][2] == "138****5678"
    assert read_csv(to_csv_bytes(df, full_phone=True))[1][2] == "13812345678"


def test_only_the_treatment_group_is_exported():
    df = members(["a", "b", "c"], grps=["treatment", "control", "treatment"])
    assert [row[1] for row in read_csv(to_csv_bytes(df))[1:]] == ["a", "c"]
    xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(df)), engine="calamine", dtype=str)
    assert xlsx["姓名"].tolist() == ["a", "c"]


def test_formula_cells_are_inert_in_csv():
    rows = read_csv(to_csv_bytes(members(HOSTILE, ids=HOSTILE)))
    assert [row[1] for row in rows[1:]] == ["'" + name for name in HOSTILE]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in HOSTILE]


def test_formula_cells_are_inert_in_xlsx():
    data = to_xlsx_bytes(members(HOSTILE))
    df = pd.read_excel(io.BytesIO(data), engine="calamine", dtype=str)
    assert df["姓名"].tolist() == ["'" + name for name in HOSTILE]
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell holds a formula


def test_full_phone_with_a_plus_sign_is_neutralized_too():
    df = members(["a"], phones=["+8613812345678"])
    assert read_csv(to_csv_bytes(df, full_phone=True))[1][2] == "'+8613812345678"


def test_numeric_looking_ids_stay_text_cells_in_xlsx():
    """Read the raw cells (pandas would re-infer numbers from text when parsing)."""
    df = members(["a", "b"], ids=["00123", "4200000000000000001"])
    book = CalamineWorkbook.from_filelike(io.BytesIO(to_xlsx_bytes(df, lang="en")))
    rows = book.get_sheet_by_index(0).to_python()
    assert [row[0] for row in rows] == ["Customer ID", "00123", "4200000000000000001"]


def test_export_frame_of_an_empty_list_has_the_headers():
    frame = export_frame(members([]))
    assert frame.empty and list(frame.columns)[0] == "买家ID"
    assert read_csv(to_csv_bytes(members([])))[0][0] == "买家ID"
    assert pd.read_excel(io.BytesIO(to_xlsx_bytes(members([]))), engine="calamine").empty


def test_file_stem_drops_characters_file_systems_refuse():
    assert file_stem("laoke", "age_band:<18", "2024-06-30") == "laoke_age_band_18_2024-06-30"
    assert file_stem("laoke", "province:浙江", None) == "laoke_province_浙江"


def test_mask_phones_matches_mask_phone_cell_by_cell():
    from analytics.export import mask_phones

    cells = ["13812345678", " 138 1234 5678 ", "+8613812345678", "008613812345678",
             "86138123", "138****5678", "", "12345", "abc", 13812345678]  # fmt: skip
    assert mask_phones(pd.Series(cells, dtype=object)).tolist() == [mask_phone(c) for c in cells]
    assert mask_phones(pd.Series([None, float("nan")], dtype=object)).tolist() == [None, None]
