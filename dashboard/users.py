"""Accounts: roles, argon2 password hashes, and ``python -m dashboard users …``.  I/O

Roles: ``viewer`` reads and downloads; ``editor`` also reviews, corrects and uploads; ``admin``
also manages accounts. There is no default account and no default password: the first
administrator is created on the command line.
"""
from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from etl.errors import EtlError
from etl.review_store import now, users

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
ROLE_RANK: dict[str, int] = {"viewer": 1, "editor": 2, "admin": 3}
ROLE_LABELS: dict[str, str] = {"viewer": "查看者", "editor": "编辑", "admin": "管理员"}
MIN_PASSWORD = 8
# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 3 passes, 64 MiB, 4 lanes).
HASHER = PasswordHasher()
# Verified when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


class AccountError(EtlError):
    """An account command could not be carried out; the message says why and what to do."""


@dataclass(frozen=True)
class Account:
    """A signed-in person as Flask-Login sees them."""

    id: int
    username: str
    role: str
    token: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        # The session token is part of the id: a new password or a disabled account ends every session.
        return f"{self.id}:{self.token}"

    def can(self, role: str) -> bool:
        return ROLE_RANK.get(self.role, 0) >= ROLE_RANK[role]


def check_password(username: str, password: str) -> None:
    """Raise AccountError if a new password is too weak."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD} 个字符，请换一个更长的密码。")
    if password.strip().lower() == username.strip().lower():
        raise AccountError("密码不能与用户名相同，请换一个密码。")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"角色“{role}”不存在：请使用 viewer（查看者）、editor（编辑）或 admin（管理员）。")


def _clean_name(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("用户名不能为空、不能含空格，最长 64 个字符。")
    return name


def add_user(engine: Engine, username: str, role: str, password: str) -> Account:
    """Create an account; raise AccountError if the name is taken or the password is weak."""
    name = _clean_name(username)
    _check_role(role)
    check_password(name, password)
    token = secrets.token_hex(16)
    stamp = now()
    try:
        with engine.begin() as conn:
            uid = conn.execute(insert(users).values(
                username=name, password_hash=HASHER.hash(password), role=role, disabled=0, session_token=token,
                created_at=stamp, updated_at=stamp).returning(users.c.id)).scalar()
    except IntegrityError:
        raise AccountError(f"用户名“{name}”已存在：请换一个名字，或用 users set-role 修改它的角色。") from None
    return Account(int(uid), name, role, token)


def list_users(engine: Engine) -> list[dict]:
    """Return every account (without password hashes), by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(users.c.username, users.c.role, users.c.disabled, users.c.created_at,
                                   users.c.updated_at).order_by(users.c.username))
        return [dict(r._mapping) for r in rows]


def _update(engine: Engine, username: str, **values) -> None:
    name = _clean_name(username)
    with engine.begin() as conn:
        n = conn.execute(update(users).where(users.c.username == name).values(updated_at=now(), **values)).rowcount
    if not n:
        raise AccountError(f"没有名为“{name}”的用户：用 python -m dashboard users list 查看已有用户。")


def set_role(engine: Engine, username: str, role: str) -> None:
    """Change an account's role (its open sessions take the new role at their next request)."""
    _check_role(role)
    _update(engine, username, role=role)


def set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    """Disable (or enable) an account; disabling ends its sessions at once."""
    _update(engine, username, disabled=int(disabled), session_token=secrets.token_hex(16))


def set_password(engine: Engine, username: str, password: str) -> None:
    """Set a new password; every open session of the account ends."""
    check_password(username, password)
    _update(engine, username, password_hash=HASHER.hash(password), session_token=secrets.token_hex(16))


def verify(engine: Engine, username: str, password: str) -> Account | None:
    """Return the account if the name and password match an enabled account, else None."""
    name = (username or "").strip()
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        HASHER.verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if HASHER.check_needs_rehash(stored):
        with engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == row.id).values(password_hash=HASHER.hash(password)))
    return Account(row.id, row.username, row.role, row.session_token)


def load(engine: Engine, user_id: str) -> Account | None:
    """Return the account a session names ("id:token"), or None if it is gone, disabled or stale."""
    try:
        uid, token = str(user_id).split(":", 1)
        uid_int = int(uid)
    except ValueError:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(users.c.id, users.c.username, users.c.role, users.c.disabled, users.c.session_token)
                           .where(users.c.id == uid_int)).first()
    if row is None or row.disabled or not secrets.compare_digest(row.session_token, token):
        return None
    return Account(row.id, row.username, row.role, row.session_token)


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar())


# --------------------------------------------------------------------------------------------
# python -m dashboard users …
# --------------------------------------------------------------------------------------------

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXAMPLES = """\b
Examples:
  python -m dashboard users add wang --role admin
  echo 'a-long-secret' | python -m dashboard users add li --role editor --password-stdin
  python -m dashboard users list
  python -m dashboard users set-role li viewer
  python -m dashboard users disable li
  python -m dashboard users add zhao --role viewer --database postgresql+psycopg://user@host/db"""


def _engine(database: str | None) -> Engine:
    from etl.paths import database_url  # noqa: PLC0415
    from etl.store import open_store  # noqa: PLC0415

    store = open_store(database_url(database), write=False)  # creates or upgrades the schema
    return store.engine


def _database_option(f):  # noqa: ANN001, ANN202
    return click.option("--database", "-d", metavar="URL", default=None,
                        help="数据库地址，默认 $DATABASE_URL，否则 sqlite:///data/governance.db。")(f)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")


def _run(fn) -> None:  # noqa: ANN001
    try:
        fn()
    except EtlError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2 if isinstance(exc, AccountError) else 3)


@click.group(context_settings=CONTEXT, epilog=EXAMPLES)
def cli() -> None:
    """管理看板账号 (manage dashboard accounts): viewer 查看 · editor 审核/更正/上传 · admin 另可管理账号."""


@cli.command(context_settings=CONTEXT, epilog=EXAMPLES)
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="viewer | editor | admin")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行），不交互提问。")
@_database_option
def add(name: str, role: str, password_stdin: bool, database: str | None) -> None:
    """新建账号 (add an account). Without --password-stdin the password is asked twice, hidden."""
    def go() -> None:
        password = _read_password(password_stdin)
        account = add_user(_engine(database), name, role, password)
        click.echo(f"已创建用户 {account.username}（{ROLE_LABELS[role]}）。")
    _run(go)


@cli.command("list", context_settings=CONTEXT, epilog=EXAMPLES)
@_database_option
def list_(database: str | None) -> None:
    """列出账号 (list accounts)."""
    def go() -> None:
        rows = list_users(_engine(database))
        if not rows:
            click.echo("还没有账号。用 python -m dashboard users add NAME --role admin 创建第一个管理员。")
        for r in rows:
            state = "已停用" if r["disabled"] else "正常"
            click.echo(f"{r['username']}\t{r['role']}\t{ROLE_LABELS.get(r['role'], r['role'])}\t{state}\t"
                       f"创建于 {r['created_at']}")
    _run(go)


@cli.command("set-role", context_settings=CONTEXT, epilog=EXAMPLES)
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@_database_option
def set_role_cmd(name: str, role: str, database: str | None) -> None:
    """修改角色 (change an account's role)."""
    def go() -> None:
        set_role(_engine(database), name, role)
        click.echo(f"{name} 的角色已改为 {ROLE_LABELS[role]}。")
    _run(go)


@cli.command(context_settings=CONTEXT, epilog=EXAMPLES)
@click.argument("name")
@_database_option
def disable(name: str, database: str | None) -> None:
    """停用账号并结束它的所有登录 (disable an account)."""
    def go() -> None:
        set_disabled(_engine(database), name, True)
        click.echo(f"{name} 已停用，它的登录已全部失效。")
    _run(go)


@cli.command(context_settings=CONTEXT, epilog=EXAMPLES)
@click.argument("name")
@_database_option
def enable(name: str, database: str | None) -> None:
    """重新启用账号 (enable a disabled account)."""
    def go() -> None:
        set_disabled(_engine(database), name, False)
        click.echo(f"{name} 已重新启用。")
    _run(go)


@cli.command("set-password", context_settings=CONTEXT, epilog=EXAMPLES)
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行）。")
@_database_option
def set_password_cmd(name: str, password_stdin: bool, database: str | None) -> None:
    """设置新密码，结束该账号的所有登录 (set a new password)."""
    def go() -> None:
        set_password(_engine(database), name, _read_password(password_stdin))
        click.echo(f"{name} 的密码已更新，旧的登录已全部失效。")
    _run(go)
