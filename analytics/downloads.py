"""The download log: who downloaded which list, when, how many rows, phones masked or not.

Every file of customer data the dashboard or the CLI hands out is recorded here when the
file is made (``record``); the owner reads the log on the 客户数据与权限 page and with
``python -m analytics report downloads``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Columns of ``download_log``, newest first.
LOG_COLUMNS = (
    "download_id",
    "downloaded_at",
    "user_name",
    "role",
    "source",
    "file_name",
    "file_format",
    "row_count",
    "masked",
)

_INSERT_SQL = """
INSERT INTO downloads (downloaded_at, user_name, role, source, file_name, file_format,
    row_count, masked)
VALUES ($at, $user, $role, $source, $file_name, $fmt, $rows, $masked)
RETURNING download_id
"""

_LOG_SQL = f"""
SELECT {", ".join(LOG_COLUMNS)}
FROM downloads
WHERE ($user IS NULL OR user_name = $user)
ORDER BY downloaded_at DESC, download_id DESC
LIMIT $limit
"""


def record(
    con,
    *,
    user: str,
    source: str,
    rows: int,
    masked: bool,
    role: str | None = None,
    file_name: str | None = None,
    fmt: str | None = None,
    at: datetime | None = None,
) -> int:
    """Log one download (its own small write; commits at once) and return its id."""
    params = {
        "at": at or datetime.now(),
        "user": user,
        "role": role,
        "source": source,
        "file_name": file_name,
        "fmt": fmt,
        "rows": int(rows),
        "masked": bool(masked),
    }
    return con.execute(_INSERT_SQL, params).fetchone()[0]


def download_log(con, *, user: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """The newest ``limit`` downloads (of ``user`` only, when given), newest first."""
    return con.execute(_LOG_SQL, {"user": user, "limit": limit}).df()


def cli_user() -> str:
    """Who runs the command line, as the log names them: ``cli:<OS account>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
