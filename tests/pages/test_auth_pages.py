"""LAN mode under AppTest: nothing but the sign-in before a session (app.py and deep links),
sign-in and its rate limit, session expiry, and what a staff session cannot reach."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from analytics import accounts
from tests.pages.apptest import ROOT, dashboard
from ui import auth

PASSWORD = "s3cret-pw"


@pytest.fixture
def lan(demo_copy, monkeypatch):
    """The demo shop in LAN mode with an owner ``boss`` and a staff account ``clerk``."""
    monkeypatch.setenv("LAOKE_LAN", "1")
    monkeypatch.setenv("LAOKE_DB", str(demo_copy))
    monkeypatch.delenv("LAOKE_USERS", raising=False)
    users = demo_copy.with_name("demo.users.json")
    accounts.add_user("boss", PASSWORD, "owner", path=users)
    accounts.add_user("clerk", PASSWORD, "staff", path=users)
    auth._limiter.clear()
    yield demo_copy
    auth._limiter.clear()


def _signed_in(db, monkeypatch, name: str, role: str, *, last_seen: float | None = None):
    at = dashboard(db, monkeypatch)
    at.session_state["laoke_user"] = {
        "name": name,
        "role": role,
        "last_seen": time.time() if last_seen is None else last_seen,
    }
    return at


def _only_sign_in(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["登录 LaoKe 老客"]
    assert [i.label for i in at.text_input] == ["用户名", "密码"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.sidebar.selectbox and not at.sidebar.date_input


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="laoke_sign_in_name").input(name)
    at.text_input(key="laoke_sign_in_pw").input(password)
    return at.button[0].click().run()


def test_lan_without_a_session_shows_only_the_sign_in(lan, monkeypatch):
    _only_sign_in(dashboard(lan, monkeypatch).run())


def test_lan_without_a_session_registers_no_page_but_the_sign_in(lan, monkeypatch):
    at = dashboard(lan, monkeypatch).run()
    with pytest.raises(ValueError, match="Known pages") as refused:
        at.switch_page("pages/segments.py")
    assert "pages/" not in str(refused.value).split("Known pages")[1]


def test_lan_page_file_run_directly_shows_only_the_sign_in(lan, monkeypatch):
    # What a fresh server does for a deep link: the page file runs without app.py.
    at = AppTest.from_file(str(ROOT / "pages" / "campaigns.py"), default_timeout=120).run()
    _only_sign_in(at)


def test_sign_in_with_the_right_password_opens_the_dashboard(lan, monkeypatch):
    at = _sign_in(dashboard(lan, monkeypatch).run(), "clerk", PASSWORD)
    assert not at.exception, at.exception
    assert "复购率" in [m.label for m in at.metric]
    assert any("clerk" in c.value for c in at.sidebar.caption)


def test_wrong_password_says_nothing_about_which_part_was_wrong(lan, monkeypatch):
    at = _sign_in(dashboard(lan, monkeypatch).run(), "clerk", "wrong-password")
    wrong_password = [e.value for e in at.error]
    at = _sign_in(dashboard(lan, monkeypatch).run(), "nobody", PASSWORD)
    assert wrong_password == [e.value for e in at.error] == ["用户名或密码不正确。"]
    assert not at.metric


def test_five_failed_sign_ins_lock_even_the_right_password_out(lan, monkeypatch):
    at = dashboard(lan, monkeypatch).run()
    for _ in range(5):
        at = _sign_in(at, "boss", "wrong-password")
    at = _sign_in(at, "boss", PASSWORD)
    assert "登录失败次数过多" in at.error[0].value
    assert not at.metric


def test_idle_session_expires(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "boss", "owner", last_seen=time.time() - 9 * 3600).run()
    _only_sign_in(at)
    assert "登录已过期" in at.info[0].value


def test_removed_account_is_signed_out(lan, monkeypatch):
    accounts.remove_user("clerk", path=lan.with_name("demo.users.json"))
    _only_sign_in(_signed_in(lan, monkeypatch, "clerk", "staff").run())


def test_sign_out_returns_to_the_sign_in(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "boss", "owner").run()
    at.sidebar.button(key="sign_out").click().run()
    _only_sign_in(at)


def test_staff_sees_no_import_controls(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "clerk", "staff").run()
    at.switch_page("pages/import.py").run()
    assert not at.exception, at.exception
    assert not at.get("file_uploader") and not at.button
    assert [e.value for e in at.error] == ["只有店主账号可以使用这个功能。"]


def test_staff_sees_no_full_phone_option(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "clerk", "staff").run()
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception, at.exception
    assert not [c for c in at.checkbox if "手机号" in c.label]


def test_owner_sees_the_full_phone_option(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "boss", "owner").run()
    at.switch_page("pages/campaigns.py").run()
    assert [c for c in at.checkbox if "完整手机号" in c.label]


def test_staff_menu_has_no_customer_data_page(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "clerk", "staff").run()
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("pages/privacy.py")


def test_customer_data_page_refuses_staff_itself(lan, monkeypatch):
    at = AppTest.from_file(str(ROOT / "pages" / "privacy.py"), default_timeout=120)
    at.session_state["laoke_context"] = None
    at.session_state["laoke_user"] = {"name": "clerk", "role": "staff", "last_seen": time.time()}
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["只有店主账号可以使用这个功能。"]
    assert not at.text_input and not at.dataframe


def test_staff_cannot_save_settings(lan, monkeypatch):
    at = _signed_in(lan, monkeypatch, "clerk", "staff").run()
    at.switch_page("pages/lifecycle.py").run()
    saves = [b for b in at.button if b.label in ("保存设置", "恢复默认")]
    assert saves and all(b.disabled for b in saves)


def test_local_mode_needs_no_sign_in_and_the_owner_sees_everything(demo_copy, monkeypatch):
    monkeypatch.delenv("LAOKE_LAN", raising=False)
    at = dashboard(demo_copy, monkeypatch).run()
    assert "复购率" in [m.label for m in at.metric]
    at.switch_page("pages/privacy.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["客户数据与权限"]


def test_owner_finds_and_deletes_a_customer_on_the_page(demo_copy, monkeypatch):
    monkeypatch.delenv("LAOKE_LAN", raising=False)
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/privacy.py").run()
    at.text_input(key="privacy_query").input("大白1907280").run()
    key = at.selectbox(key="privacy_key").value
    assert key.customer_id == "大白1907280"
    delete = [b for b in at.button if b.label == "永久删除"][0]
    assert delete.disabled  # until the buyer id is typed
    at.text_input(key=f"privacy_confirm_{key}").input("大白1907280").run()
    [b for b in at.button if b.label == "永久删除"][0].click().run()
    assert not at.exception, at.exception
    assert "已删除" in at.success[0].value
    deletions = [d.value for d in at.dataframe if "rows_deleted" in d.value.columns]
    assert deletions and deletions[0]["customer_id"].tolist() == ["大白1907280"]


def test_segment_lists_on_screen_show_masked_phones(lan, monkeypatch):
    from analytics import store

    con = store.connect(lan)
    for table in ("orders", "customers"):
        con.execute(f"UPDATE {table} SET phone = '13812345678'")
    con.close()
    at = _signed_in(lan, monkeypatch, "clerk", "staff").run()
    at.switch_page("pages/segments.py").run()
    assert not at.exception, at.exception
    phones = [set(d.value["phone"]) for d in at.dataframe if "phone" in d.value.columns]
    assert phones and all(p == {"138****5678"} for p in phones)


def test_unreadable_accounts_file_is_a_message_not_a_traceback(lan, monkeypatch):
    lan.with_name("demo.users.json").write_text("{not json", encoding="utf-8")
    at = _signed_in(lan, monkeypatch, "boss", "owner").run()
    assert not at.exception, at.exception
    assert "accounts file cannot be read" in at.error[0].value
    assert not at.metric
