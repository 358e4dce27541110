"""Accounts of the LAN dashboard: names, roles, salted password hashes, sign-in rate limits.

Accounts live in a small JSON file beside the database (``shop.duckdb`` ->
``shop.users.json``, or ``$LAOKE_USERS``), not in the database: restoring a database backup
must never bring back a removed user or an old password. The file is rewritten atomically
(a temporary file in the same folder, then a rename) and readable by its owner only.

Passwords are stored only as Argon2id hashes (argon2-cffi, its own random salt per hash).
Roles (SPEC "Who may see what"): ``owner`` may do everything; ``staff`` views pages and
downloads masked lists only. ``can(role, action)`` is the one place that says so.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analytics import store
from analytics.errors import InputError

ROLES = ("owner", "staff")
#: What only an owner may do; anything else (viewing, masked downloads) staff may do too.
OWNER_ACTIONS = frozenset(
    {"import", "undo", "settings", "full_phone", "delete", "accounts", "privacy"}
)
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 32
#: A signed-in session ends after this many hours without a page run ($LAOKE_SESSION_HOURS).
DEFAULT_IDLE_HOURS = 8.0


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str = ""

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


def can(role: str | None, action: str) -> bool:
    """Whether a user of ``role`` may do ``action`` (``import``, ``full_phone``, …)."""
    if role == "owner":
        return True
    return role == "staff" and action not in OWNER_ACTIONS


def users_path(db: str | os.PathLike | None = None) -> Path:
    """The accounts file: ``$LAOKE_USERS``, else beside the database as ``NAME.users.json``."""
    env = os.environ.get("LAOKE_USERS")
    if env:
        return Path(env)
    database = store.db_path(db)
    return database.with_name(database.stem + ".users.json")


def idle_timeout_seconds() -> float:
    """How long a signed-in session may stay idle ($LAOKE_SESSION_HOURS, default 8 h)."""
    text = os.environ.get("LAOKE_SESSION_HOURS", "")
    try:
        hours = float(text) if text else DEFAULT_IDLE_HOURS
    except ValueError:
        hours = DEFAULT_IDLE_HOURS
    return max(hours, 0.0) * 3600


# ----------------------------------------------------------------------------- hashing
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` with a fresh random salt (the salt is inside)."""
    return _hasher().hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; False for a wrong or malformed hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the name is unknown, so an unknown name costs as long as a wrong
# password and timing does not tell which part was wrong.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("laoke-no-such-user"))
    return _DUMMY_HASH[0]


# ----------------------------------------------------------------------------- the file
def _read(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: the accounts file cannot be read ({exc})") from None
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise InputError(f"{path}: the accounts file is not a LaoKe accounts file")
    return users


def _write(path: Path, users: dict[str, dict]) -> None:
    """Replace the file atomically; only its owner may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".laoke-users-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "users": users}, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InputError(f"user name must be 1 to {MAX_NAME_LENGTH} characters")
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        raise InputError(f"user name {name!r} must not contain spaces or control characters")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InputError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def list_users(path: Path | None = None) -> list[User]:
    """Every account, by name (no hashes)."""
    users = _read(path or users_path())
    return [
        User(name, entry.get("role", ""), entry.get("created_at", ""))
        for name, entry in sorted(users.items())
    ]


def get_user(name: str, path: Path | None = None) -> User | None:
    entry = _read(path or users_path()).get(name)
    return None if entry is None else User(name, entry.get("role", ""), entry.get("created_at", ""))


def has_owner(path: Path | None = None) -> bool:
    return any(u.role == "owner" for u in list_users(path))


def add_user(name: str, password: str, role: str, *, path: Path | None = None) -> User:
    """Create an account; refuses a taken name, an unknown role or a short password."""
    path = path or users_path()
    name = _check_name(name)
    _check_role(role)
    _check_password(password)
    users = _read(path)
    if name in users:
        raise InputError(f"user {name!r} already exists (use `users passwd` or `users remove`)")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    users[name] = {"role": role, "hash": hash_password(password), "created_at": created}
    _write(path, users)
    return User(name, role, created)


def remove_user(name: str, *, path: Path | None = None) -> None:
    """Delete an account; refuses an unknown name and removing the last owner while
    staff accounts remain (nobody could manage them from the dashboard)."""
    path = path or users_path()
    users = _read(path)
    if name not in users:
        raise InputError(f"no user {name!r}")
    entry = users.pop(name)
    if (
        entry.get("role") == "owner"
        and users
        and not any(u.get("role") == "owner" for u in users.values())
    ):
        raise InputError(f"{name!r} is the last owner; add another owner before removing it")
    _write(path, users)


def set_password(name: str, password: str, *, path: Path | None = None) -> None:
    path = path or users_path()
    _check_password(password)
    users = _read(path)
    if name not in users:
        raise InputError(f"no user {name!r}")
    users[name] = {**users[name], "hash": hash_password(password)}
    _write(path, users)


def verify(name: str, password: str, *, path: Path | None = None) -> User | None:
    """The user when ``name`` and ``password`` match an account, else None (which part was
    wrong is not told, and takes as long either way)."""
    entry = _read(path or users_path()).get((name or "").strip())
    if entry is None:
        check_password(_dummy_hash(), password or "")
        return None
    if not check_password(entry.get("hash", ""), password or ""):
        return None
    return User(name.strip(), entry.get("role", ""), entry.get("created_at", ""))


# ----------------------------------------------------------------------------- rate limit
@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class RateLimiter:
    """Failed sign-ins per key (a user name, a client address). After ``max_failures``
    failures a key is locked for ``lockout`` seconds, doubling with each further failure
    (up to ``max_lockout``); a success clears the name's record. In-process state."""

    max_failures: int = 5
    lockout: float = 60.0
    max_lockout: float = 3600.0
    _records: dict[str, _Record] = field(default_factory=dict)

    def wait(self, keys, now: float | None = None) -> float:
        """Seconds until any of ``keys`` may try again (0 = now)."""
        now = time.monotonic() if now is None else now
        waits = [self._records[k].locked_until - now for k in keys if k in self._records]
        return max([0.0, *waits])

    def failure(self, keys, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for key in keys:
            record = self._records.setdefault(key, _Record())
            record.failures += 1
            over = record.failures - self.max_failures
            if over >= 0:
                record.locked_until = now + min(self.lockout * 2**over, self.max_lockout)

    def success(self, keys) -> None:
        for key in keys:
            self._records.pop(key, None)


def expired(last_seen: float, now: float | None = None, *, idle: float | None = None) -> bool:
    """Whether a session last active at ``last_seen`` (time.time()) has been idle too long."""
    now = time.time() if now is None else now
    idle = idle_timeout_seconds() if idle is None else idle
    return now - last_seen > idle
