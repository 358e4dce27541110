"""Accounts for the LAN dashboard: ``users add NAME --role owner|staff``, ``users list``,
``users remove NAME``, ``users passwd NAME`` and ``users has-owner`` (exit 0 when an owner
exists, 2 otherwise; ``scripts/run.sh --lan`` asks it before serving the LAN).

Passwords come from a hidden prompt (asked twice) on a terminal, else from the first line of
stdin, so scripts can pipe one in. Thin wrappers over ``analytics.accounts``.
"""

from __future__ import annotations

import getpass
import sys

from analytics.cli._common import add_db
from analytics.errors import InputError


def register(commands, reports) -> None:
    p = commands.add_parser("users", help="accounts for signing in on the LAN (--lan)")
    sub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = sub.add_parser("add", help="add an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("owner", "staff"))
    add_db(add)
    add.set_defaults(run=run_add)

    lst = sub.add_parser("list", help="list accounts and their roles")
    add_db(lst)
    lst.set_defaults(run=run_list)

    rm = sub.add_parser("remove", help="remove an account")
    rm.add_argument("name")
    add_db(rm)
    rm.set_defaults(run=run_remove)

    pw = sub.add_parser("passwd", help="set a new password (from a prompt or stdin)")
    pw.add_argument("name")
    add_db(pw)
    pw.set_defaults(run=run_passwd)

    has = sub.add_parser("has-owner", help="exit 0 when an owner account exists, else 2")
    add_db(has)
    has.set_defaults(run=run_has_owner)


def _accounts():
    from analytics import accounts

    return accounts


def read_password(stdin=None) -> str:
    """The new password: prompted twice on a terminal, else the first line of stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise InputError("the two passwords differ; nothing changed")
        return first
    return stdin.readline().rstrip("\r\n")


def run_add(args) -> int:
    accounts = _accounts()
    path = accounts.users_path(args.db)
    user = accounts.add_user(args.name, read_password(), args.role, path=path)
    print(f"added {user.role} {user.name!r} ({path})")
    return 0


def run_list(args) -> int:
    accounts = _accounts()
    users = accounts.list_users(accounts.users_path(args.db))
    if not users:
        print("(no accounts)")
    for user in users:
        print(f"{user.name}\t{user.role}\t{user.created_at}")
    return 0


def run_remove(args) -> int:
    accounts = _accounts()
    accounts.remove_user(args.name, path=accounts.users_path(args.db))
    print(f"removed {args.name!r}")
    return 0


def run_passwd(args) -> int:
    accounts = _accounts()
    path = accounts.users_path(args.db)
    if accounts.get_user(args.name, path) is None:
        raise InputError(f"no user {args.name!r}")
    accounts.set_password(args.name, read_password(), path=path)
    print(f"password of {args.name!r} changed")
    return 0


def run_has_owner(args) -> int:
    accounts = _accounts()
    path = accounts.users_path(args.db)
    if accounts.has_owner(path):
        return 0
    raise InputError(
        f"no owner account in {path}: LAN mode needs one first, e.g. "
        "`python -m analytics users add NAME --role owner`"
    )
