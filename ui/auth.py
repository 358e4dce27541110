"""Who is using the dashboard: the local owner, or (LAN mode) a signed-in account.

Local mode (the default, bound to 127.0.0.1): the person at the PC is the owner, no sign-in.
LAN mode (``scripts/run.sh --lan`` sets ``LAOKE_LAN=1``): nothing of the shop is shown
before sign-in - ``gate()`` in app.py renders only the sign-in page, and
``check()`` (called by ``state.context()``) stops any page run without a session, so deep
links hold too. Sessions end after the idle timeout (``LAOKE_SESSION_HOURS``, default 8),
when the account is removed, or on sign-out. Failed sign-ins are rate-limited per user
name and per client address (5 failures -> 60 s lockout, doubling).

Pages guard owner-only controls with ``can("import")`` (hide or disable) and refuse in the
handler with ``require("import")``; roles are defined in ``analytics.accounts``.
"""

from __future__ import annotations

import getpass
import math
import os
import threading
import time
from pathlib import Path

import streamlit as st

from analytics import accounts, i18n
from analytics.errors import InputError
from analytics.i18n import t
from ui.navigation import OWNER_PAGES, PAGES

LAN_FLAG = "LAOKE_LAN"
_SESSION = "laoke_user"
_NOTICE = "laoke_auth_notice"
_LOCK = threading.Lock()


def lan_mode() -> bool:
    """Whether the dashboard serves the LAN and so requires sign-in."""
    return os.environ.get(LAN_FLAG, "").strip().lower() in ("1", "true", "yes", "on")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def current_user() -> accounts.User | None:
    """The local owner (local mode), the signed-in account, or None (LAN, not signed in)."""
    if not lan_mode():
        return accounts.User(_os_user(), "owner")
    entry = st.session_state.get(_SESSION)
    return accounts.User(entry["name"], entry["role"]) if entry else None


def can(action: str) -> bool:
    """Whether the current user may ``action`` (``import``, ``full_phone``, ``settings``…)."""
    user = current_user()
    return user is not None and accounts.can(user.role, action)


def require(action: str) -> None:
    """Refuse (message, stop the run) unless the current user may ``action``: the
    server-side check behind every hidden or disabled owner-only control."""
    if not can(action):
        st.error(t("auth.owner_only"), icon=":material/lock:")
        st.stop()


def may_open(page: str) -> bool:
    """Whether the current user's menu lists ``page`` (owner-only pages are hidden)."""
    return page not in OWNER_PAGES or can("privacy")


@st.cache_resource(show_spinner=False)
def _limiter() -> accounts.RateLimiter:
    return accounts.RateLimiter()


def _client_address() -> str:
    try:
        return st.context.ip_address or "unknown"
    except (AttributeError, RuntimeError):
        return "unknown"


def _session_user() -> accounts.User | None:
    """The signed-in account, if its session is still valid (refreshes its idle clock)."""
    entry = st.session_state.get(_SESSION)
    if not entry:
        return None
    if accounts.expired(entry["last_seen"]):
        st.session_state.pop(_SESSION, None)
        st.session_state[_NOTICE] = "auth.expired"
        return None
    user = accounts.get_user(entry["name"])
    if user is None:  # removed since sign-in
        st.session_state.pop(_SESSION, None)
        return None
    st.session_state[_SESSION] = {"name": user.name, "role": user.role, "last_seen": time.time()}
    return user


def sign_in(name: str, password: str) -> str | None:
    """Try to sign in; None on success, else the message to show (which part was wrong is
    never told)."""
    name = (name or "").strip()
    by_name, by_address = f"name:{name.lower()}", f"ip:{_client_address()}"
    limiter = _limiter()
    with _LOCK:
        wait = limiter.wait([by_name, by_address])
    if wait > 0:
        return t("auth.locked", seconds=math.ceil(wait))
    try:
        user = accounts.verify(name, password)
    except InputError as exc:
        return str(exc)
    with _LOCK:
        if user is None:
            limiter.failure([by_name, by_address])
            return t("auth.failed")
        limiter.success([by_name])
    st.session_state[_SESSION] = {"name": user.name, "role": user.role, "last_seen": time.time()}
    return None


def sign_in_page() -> None:
    """The sign-in form: the only thing a visitor without a session sees in LAN mode."""
    i18n.set_language(st.session_state.get("lang", "zh"))
    st.title(t("auth.title"))
    st.radio(
        t("sidebar.language"),
        i18n.LANGUAGES,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang",
        horizontal=True,
    )
    st.caption(t("auth.intro"))
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(t(notice))
    with st.columns([2, 3])[0], st.form("laoke_sign_in"):
        name = st.text_input(t("auth.name"), key="laoke_sign_in_name")
        password = st.text_input(t("auth.password"), type="password", key="laoke_sign_in_pw")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        message = sign_in(name, password)
        if message:
            st.error(message)
        else:
            st.rerun()


def gate() -> accounts.User:
    """app.py, before anything reads the shop: the user, or (LAN, no valid session) the
    sign-in page as the only page of the app, and the run stops there."""
    if not lan_mode():
        return accounts.User(_os_user(), "owner")
    try:
        user = _session_user()
    except InputError as exc:  # an unreadable accounts file: say so, show nothing
        st.error(str(exc))
        st.stop()
    if user is not None:
        return user
    # The sign-in answers at every page's address too: a deep link (/segments) shows the
    # sign-in instead of a "page not found" dialog, and after sign-in opens that page.
    title = t("auth.title")
    pages = [st.Page(sign_in_page, title=title, url_path="signin", default=True)]
    pages += [st.Page(sign_in_page, title=title, url_path=Path(path).stem) for path, *_ in PAGES]
    st.navigation(pages, position="hidden").run()
    st.stop()


def check() -> None:
    """Every page run (``state.context()``): stop unless signed in (LAN mode). Covers a
    page file run without app.py, as a fresh server does for a deep link."""
    if lan_mode() and st.session_state.get(_SESSION) is None:
        sign_in_page()
        st.stop()


def _sign_out() -> None:
    st.session_state.pop(_SESSION, None)
    st.session_state.pop("laoke_context", None)


def account_box() -> None:
    """Sidebar (LAN mode): who is signed in, and the sign-out button."""
    user = current_user()
    if not lan_mode() or user is None:
        return
    st.caption(t("auth.signed_in_as", name=user.name, role=t(f"auth.role.{user.role}")))
    st.button(t("auth.sign_out"), on_click=_sign_out, icon=":material/logout:", key="sign_out")
