"""Accounts: salted Argon2 hashes, verification, roles, rate limits, session expiry, and the
``users`` CLI (password from stdin, list, remove, role validation)."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import accounts
from analytics.cli import main
from analytics.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def users(tmp_path) -> Path:
    return tmp_path / "shop.users.json"


def test_password_is_stored_only_as_a_salted_argon2_hash(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    accounts.add_user("clerk", "correct horse", "staff", path=users)
    text = users.read_text(encoding="utf-8")
    assert "correct horse" not in text
    stored = json.loads(text)["users"]
    assert stored["boss"]["hash"].startswith("$argon2id$")
    assert stored["boss"]["hash"] != stored["clerk"]["hash"]  # a salt of its own


def test_accounts_file_is_readable_by_its_owner_only(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    assert stat.S_IMODE(users.stat().st_mode) == 0o600


def test_accounts_file_sits_beside_the_database(monkeypatch, tmp_path):
    monkeypatch.delenv("LAOKE_USERS", raising=False)
    monkeypatch.setenv("LAOKE_DB", str(tmp_path / "shop.duckdb"))
    assert accounts.users_path() == tmp_path / "shop.users.json"


def test_verify_accepts_the_right_password_only(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    assert accounts.verify("boss", "correct horse", path=users).role == "owner"
    assert accounts.verify("boss", "wrong horse!", path=users) is None
    assert accounts.verify("nobody", "correct horse", path=users) is None


def test_short_password_is_refused(users):
    with pytest.raises(InputError, match="at least 8"):
        accounts.add_user("boss", "short", "owner", path=users)
    assert not users.exists()


def test_unknown_role_is_refused(users):
    with pytest.raises(InputError, match="role"):
        accounts.add_user("boss", "correct horse", "admin", path=users)


def test_taken_name_is_refused(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    with pytest.raises(InputError, match="already exists"):
        accounts.add_user("boss", "another pass", "staff", path=users)


def test_removing_the_last_owner_while_staff_remain_is_refused(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    accounts.add_user("clerk", "correct horse", "staff", path=users)
    with pytest.raises(InputError, match="last owner"):
        accounts.remove_user("boss", path=users)
    assert accounts.has_owner(users)


def test_new_password_replaces_the_old_one(users):
    accounts.add_user("boss", "correct horse", "owner", path=users)
    accounts.set_password("boss", "battery staple", path=users)
    assert accounts.verify("boss", "correct horse", path=users) is None
    assert accounts.verify("boss", "battery staple", path=users) is not None


def test_staff_may_view_but_not_import_or_see_full_phones():
    assert accounts.can("owner", "full_phone") and accounts.can("owner", "import")
    assert accounts.can("staff", "view") and accounts.can("staff", "download")
    for action in ("import", "undo", "settings", "full_phone", "delete", "accounts"):
        assert not accounts.can("staff", action), action
    assert not accounts.can(None, "view")


def test_five_failures_lock_a_name_for_a_minute():
    limiter = accounts.RateLimiter()
    for _ in range(4):
        limiter.failure(["name:boss"], now=100.0)
    assert limiter.wait(["name:boss"], now=100.0) == 0
    limiter.failure(["name:boss"], now=100.0)
    assert limiter.wait(["name:boss"], now=100.0) == 60
    assert limiter.wait(["name:boss"], now=161.0) == 0


def test_lockout_grows_with_each_further_failure():
    limiter = accounts.RateLimiter()
    for _ in range(6):
        limiter.failure(["ip:10.0.0.9"], now=0.0)
    assert limiter.wait(["ip:10.0.0.9"], now=0.0) == 120


def test_a_locked_address_blocks_every_name_it_tries():
    limiter = accounts.RateLimiter()
    for n in range(5):
        limiter.failure([f"name:guess{n}", "ip:10.0.0.9"], now=0.0)
    assert limiter.wait(["name:boss", "ip:10.0.0.9"], now=1.0) == 59
    assert limiter.wait(["name:boss", "ip:10.0.0.8"], now=1.0) == 0


def test_success_clears_the_names_failures():
    limiter = accounts.RateLimiter()
    for _ in range(4):
        limiter.failure(["name:boss"], now=0.0)
    limiter.success(["name:boss"])
    limiter.failure(["name:boss"], now=0.0)
    assert limiter.wait(["name:boss"], now=0.0) == 0


def test_session_expires_after_the_idle_timeout(monkeypatch):
    monkeypatch.setenv("LAOKE_SESSION_HOURS", "8")
    assert not accounts.expired(0.0, now=8 * 3600 - 1)
    assert accounts.expired(0.0, now=8 * 3600 + 1)


# ----------------------------------------------------------------------------- the CLI
def _cli(args: list[str], monkeypatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def test_users_add_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "shop.duckdb")
    assert (
        _cli(["users", "add", "boss", "--role", "owner", "--db", db], monkeypatch, "s3cret-pw\n")
        == 0
    )
    assert accounts.verify("boss", "s3cret-pw", path=tmp_path / "shop.users.json")


def test_users_list_shows_names_and_roles(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "shop.duckdb")
    _cli(["users", "add", "boss", "--role", "owner", "--db", db], monkeypatch, "s3cret-pw\n")
    _cli(["users", "add", "clerk", "--role", "staff", "--db", db], monkeypatch, "s3cret-pw\n")
    capsys.readouterr()
    assert _cli(["users", "list", "--db", db], monkeypatch) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["boss", "owner"], ["clerk", "staff"]]
    assert "argon2" not in "\n".join(lines)


def test_users_remove_deletes_the_account(tmp_path, monkeypatch):
    db = str(tmp_path / "shop.duckdb")
    _cli(["users", "add", "clerk", "--role", "staff", "--db", db], monkeypatch, "s3cret-pw\n")
    assert _cli(["users", "remove", "clerk", "--db", db], monkeypatch) == 0
    assert accounts.list_users(tmp_path / "shop.users.json") == []


def test_users_remove_of_an_unknown_name_exits_2(tmp_path, monkeypatch, capsys):
    assert _cli(["users", "remove", "ghost", "--db", str(tmp_path / "s.duckdb")], monkeypatch) == 2
    assert "no user 'ghost'" in capsys.readouterr().err


def test_users_add_with_a_short_password_exits_2(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "shop.duckdb")
    assert _cli(["users", "add", "boss", "--role", "owner", "--db", db], monkeypatch, "abc\n") == 2
    assert "at least 8" in capsys.readouterr().err


def test_users_add_refuses_an_unknown_role(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "users", "add", "boss", "--role", "admin"],
        cwd=ROOT,
        input="s3cret-pw\n",
        capture_output=True,
        text=True,
        env={"LAOKE_DB": str(tmp_path / "shop.duckdb"), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid choice: 'admin'" in result.stderr
    assert not (tmp_path / "shop.users.json").exists()


def test_users_has_owner_exits_2_without_an_owner(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "shop.duckdb")
    _cli(["users", "add", "clerk", "--role", "staff", "--db", db], monkeypatch, "s3cret-pw\n")
    assert _cli(["users", "has-owner", "--db", db], monkeypatch) == 2
    assert "no owner account" in capsys.readouterr().err
    _cli(["users", "add", "boss", "--role", "owner", "--db", db], monkeypatch, "s3cret-pw\n")
    assert _cli(["users", "has-owner", "--db", db], monkeypatch) == 0
