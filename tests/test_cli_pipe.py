"""The command line in a shell pipeline: a reader that stops early (`| head`) ends it
quietly, and a --shop the store does not hold is an error listing the shops it does."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import FIXTURES

ROOT = FIXTURES.parent.parent


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_report_piped_into_head_ends_without_a_traceback():
    # 1990..2099 prints ~70 KB, more than a pipe holds, so the writer meets the closed pipe.
    cmd = [sys.executable, "-m", "analytics", "report", "calendar", "--start", "1990-01-01"]
    cmd += ["--end", "2099-12-31", "--format", "csv"]
    with subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        first = proc.stdout.readline()
        proc.stdout.close()  # what `head -1` does after its line
        err = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert first.startswith("date,")
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert code in (0, 141)


def test_report_for_a_shop_that_does_not_exist_exits_two_listing_the_shops(tmp_path):
    db = str(tmp_path / "s.duckdb")
    assert _cli("import", str(FIXTURES / "taobao_small.csv"), "--db", db).returncode == 0
    done = _cli("report", "kpis", "--db", db, "--shop", "taobao/没有这家店")
    assert done.returncode == 2
    assert "no such shop" in done.stderr and "taobao/测试店" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_report_for_an_existing_shop_still_runs(tmp_path):
    db = str(tmp_path / "s.duckdb")
    _cli("import", str(FIXTURES / "taobao_small.csv"), "--db", db)
    done = _cli("report", "kpis", "--db", db, "--shop", "taobao/测试店", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert '"customers": 3' in done.stdout
