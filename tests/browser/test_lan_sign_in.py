"""LAN mode in Chromium: `scripts/run.sh --lan` refuses without an owner; with accounts a
visitor sees only the sign-in (also on a deep link); staff signs in and downloads a target
list whose phones are masked, with no way to ask for full phones; the download is logged.

The server is started by run.sh itself (with --server.address 127.0.0.1 after --lan, so
the test never listens beyond loopback) on a copy of the demo shop whose phones are full.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pandas as pd
import psutil
import pytest

from analytics import accounts, downloads, store
from tests.browser.conftest import ROOT, _free_port, shot
from tests.browser.test_import_flow import _wait_idle

PASSWORD = "s3cret-pw"
SHOTS_DIR = "/tmp/shots-auth"


def _env(db) -> dict:
    env = {**os.environ, "LAOKE_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("LAOKE_USERS", None)
    env.pop("LAOKE_LAN", None)
    return env


@pytest.fixture(autouse=True)
def _shots_dir(monkeypatch):
    monkeypatch.setattr("tests.browser.conftest.SHOTS", __import__("pathlib").Path(SHOTS_DIR))


def test_run_sh_lan_refuses_without_an_owner(tmp_path):
    db = tmp_path / "shop.duckdb"
    accounts.add_user("clerk", PASSWORD, "staff", path=accounts.users_path(db))
    result = subprocess.run(
        ["bash", "scripts/run.sh", "--lan"],
        cwd=ROOT,
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "no owner account" in result.stderr and "--role owner" in result.stderr


@pytest.fixture
def lan_dashboard(demo_db, tmp_path):
    """run.sh --lan on a copy of the demo shop with full phones, owner boss, staff clerk."""
    db = tmp_path / "shop.duckdb"
    shutil.copy(demo_db, db)
    con = store.connect(db)
    for table in ("orders", "customers"):
        con.execute(
            f"UPDATE {table} SET phone = '138' || "
            "lpad(CAST(hash(customer_id) % 100000000 AS VARCHAR), 8, '0')"
        )
    con.close()
    users = accounts.users_path(db)
    accounts.add_user("boss", PASSWORD, "owner", path=users)
    accounts.add_user("clerk", PASSWORD, "staff", path=users)
    port = _free_port()
    proc = subprocess.Popen(
        ["bash", "scripts/run.sh", "--lan", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("run.sh --lan did not start within 120 s")
    yield url, db, proc
    proc.terminate()
    proc.wait(timeout=20)


def _listening(proc) -> set[str]:
    return {
        c.laddr.ip
        for c in psutil.Process(proc.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }


def _sign_in(page, name: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_visitor_sees_only_the_sign_in_and_staff_gets_masked_phones(lan_dashboard, page, tmp_path):
    url, db, proc = lan_dashboard
    assert _listening(proc) == {"127.0.0.1"}  # the LAN flag, but this test stays on loopback

    page.goto(f"{url}/segments")  # a deep link on a fresh server
    page.get_by_text("登录 LaoKe 老客").first.wait_for()
    _wait_idle(page)
    shot(page, "lan_deep_link_sign_in")
    body = page.locator("body").inner_text()
    assert "复购率" not in body and "客户分层" not in body and "老客优选" not in body

    page.goto(url)
    page.get_by_text("登录 LaoKe 老客").first.wait_for()
    _wait_idle(page)
    shot(page, "lan_visitor_sign_in")
    assert page.locator("[data-testid='stMetric']").count() == 0

    _sign_in(page, "clerk")
    page.get_by_text("复购率").first.wait_for(timeout=120_000)
    _wait_idle(page)
    assert page.get_by_text("已登录：clerk（员工）").count() == 1
    assert page.get_by_role("link", name="客户数据与权限").count() == 0
    shot(page, "lan_staff_overview")

    page.get_by_role("link", name="营销名单").click()
    _wait_idle(page)
    page.get_by_role("button", name="生成名单").wait_for()
    assert page.get_by_text("导出完整手机号").count() == 0
    page.get_by_role("button", name="生成名单").click()
    page.get_by_text("已生成活动").first.wait_for()
    _wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    path = tmp_path / "list.csv"
    download.value.save_as(path)
    shot(page, "lan_staff_campaign_download")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    phones = [r["手机"] for r in rows if r["手机"]]
    assert phones and all(re.fullmatch(r"\d{3}\*{4}\d{4}", p) for p in phones)

    proc.terminate()
    proc.wait(timeout=20)
    log = downloads.download_log(store.connect(db))
    assert log[["user_name", "role", "masked", "row_count"]].iloc[0].tolist() == [
        "clerk",
        "staff",
        True,
        len(rows),
    ]


def test_owner_exports_a_customer_and_sees_the_download_log(lan_dashboard, page, tmp_path):
    url, db, proc = lan_dashboard
    page.goto(url)
    _sign_in(page, "boss")
    page.get_by_text("复购率").first.wait_for(timeout=120_000)
    _wait_idle(page)
    page.get_by_role("link", name="客户数据与权限").click()
    page.get_by_label("买家ID、姓名或手机号后几位").fill("大白1907280")
    page.get_by_label("买家ID、姓名或手机号后几位").press("Enter")
    page.get_by_text("这位客户在各表中的记录数").wait_for()
    _wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel").click()
    path = tmp_path / "customer.xlsx"
    download.value.save_as(path)
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
    assert set(sheets["orders"]["customer_id"]) == {"大白1907280"}
    page.reload()  # a new session at /privacy: sign in there, land on the page
    page.get_by_text("登录 LaoKe 老客").first.wait_for()
    _sign_in(page, "boss")
    page.get_by_text("下载记录").first.wait_for(timeout=120_000)
    _wait_idle(page)
    shot(page, "lan_owner_customer_data_page")
    proc.terminate()
    proc.wait(timeout=20)
    log = downloads.download_log(store.connect(db))
    assert log[["user_name", "source", "masked", "file_format"]].iloc[0].tolist() == [
        "boss",
        "privacy.export:taobao/老客优选旗舰店/大白1907280",
        False,
        "xlsx",
    ]
