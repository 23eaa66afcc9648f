"""Offices and staff accounts in the application database (SQLAlchemy Core).

An account belongs to one office and has one or more roles (:data:`appdb.schema.STAFF_ROLES`).
Local accounts carry an argon2 hash; accounts of the identity provider carry issuer and subject
and are brought up to date from the provider's claims at every sign-in. Accounts are disabled,
never deleted: the access log refers to them. Disabling or changing an account ends its
sessions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from appdb.schema import OFFICE_KINDS, STAFF_ROLES, offices, staff_accounts, staff_roles
from appdb.schema import staff_sessions as sessions_table

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def _new_id(result: sa.CursorResult) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class StoreError(ValueError):
    """A request the store refuses (unknown office, duplicate e-mail, bad value)."""


@dataclass(frozen=True)
class Office:
    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    office: Office
    roles: frozenset[str]
    active: bool
    method: str  # "local" | "oidc"
    created_at: dt.datetime
    last_sign_in_at: dt.datetime | None


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL_RE.fullmatch(value):
        raise StoreError(f"keine gültige E-Mail-Adresse: {email!r}")
    return value


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    found = frozenset(roles)
    unknown = found - set(STAFF_ROLES)
    if unknown:
        raise StoreError(f"unbekannte Rolle(n): {', '.join(sorted(unknown))}")
    if not found:
        raise StoreError("ein Konto braucht mindestens eine Rolle")
    return found


# ---------------------------------------------------------------- offices


def add_office(engine: Engine, code: str, name: str, kind: str) -> Office:
    if not _CODE_RE.fullmatch(code):
        raise StoreError(f"Kürzel {code!r}: 2-40 Zeichen a-z, 0-9, Bindestrich")
    if kind not in OFFICE_KINDS:
        raise StoreError(f"Art {kind!r}: eine von {', '.join(OFFICE_KINDS)}")
    if not name.strip():
        raise StoreError("die Stelle braucht einen Namen")
    try:
        with engine.begin() as conn:
            new_id = _new_id(
                conn.execute(
                    offices.insert().values(code=code, name=" ".join(name.split()), kind=kind)
                )
            )
    except sa.exc.IntegrityError as exc:
        raise StoreError(f"eine Stelle mit dem Kürzel {code!r} gibt es schon") from exc
    return Office(int(new_id), code, " ".join(name.split()), kind)


def list_offices(engine: Engine) -> list[Office]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(offices).order_by(offices.c.name)).mappings()
        return [Office(r["id"], r["code"], r["name"], r["kind"]) for r in rows]


def office_by_code(conn: Connection, code: str) -> Office | None:
    row = conn.execute(sa.select(offices).where(offices.c.code == code)).mappings().first()
    return Office(row["id"], row["code"], row["name"], row["kind"]) if row else None


# ---------------------------------------------------------------- accounts


def _accounts_query() -> sa.Select:
    return sa.select(
        staff_accounts,
        offices.c.code.label("office_code"),
        offices.c.name.label("office_name"),
        offices.c.kind.label("office_kind"),
    ).join(offices, offices.c.id == staff_accounts.c.office_id)


def _roles_of(conn: Connection, account_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {i: set() for i in account_ids}
    if account_ids:
        stmt = sa.select(staff_roles).where(staff_roles.c.account_id.in_(account_ids))
        for row in conn.execute(stmt):
            found[row.account_id].add(row.role)
    return found


def _accounts(conn: Connection, stmt: sa.Select) -> list[Account]:
    rows = list(conn.execute(stmt).mappings())
    roles = _roles_of(conn, [r["id"] for r in rows])
    return [
        Account(
            id=r["id"],
            email=r["email"],
            display_name=r["display_name"],
            office=Office(r["office_id"], r["office_code"], r["office_name"], r["office_kind"]),
            roles=frozenset(roles[r["id"]]),
            active=bool(r["active"]),
            method="oidc" if r["oidc_subject"] else "local",
            created_at=r["created_at"],
            last_sign_in_at=r["last_sign_in_at"],
        )
        for r in rows
    ]


def account_by_id(conn: Connection, account_id: int) -> Account | None:
    found = _accounts(conn, _accounts_query().where(staff_accounts.c.id == account_id))
    return found[0] if found else None


def local_account(engine: Engine, email: str) -> tuple[Account, str] | None:
    """The active local account with this e-mail and its password hash (None: no such one)."""
    try:
        key = normalise_email(email)
    except StoreError:
        return None
    stmt = _accounts_query().where(
        staff_accounts.c.email == key,
        staff_accounts.c.active.is_(True),
        staff_accounts.c.password_hash.is_not(None),
    )
    with engine.connect() as conn:
        found = _accounts(conn, stmt)
        if not found:
            return None
        stored = conn.execute(
            sa.select(staff_accounts.c.password_hash).where(staff_accounts.c.id == found[0].id)
        ).scalar_one()
    return found[0], stored


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        return _accounts(conn, _accounts_query().order_by(offices.c.name, staff_accounts.c.email))


def add_account(
    engine: Engine,
    email: str,
    display_name: str,
    office_code: str,
    roles: Iterable[str],
    password_hash: str,
    now: dt.datetime,
) -> Account:
    """Create a local account (the caller hashed the password)."""
    key = normalise_email(email)
    wanted = _check_roles(roles)
    with engine.begin() as conn:
        office = office_by_code(conn, office_code)
        if office is None:
            raise StoreError(f"keine Stelle mit dem Kürzel {office_code!r}")
        try:
            new_id = _new_id(
                conn.execute(
                    staff_accounts.insert().values(
                        email=key,
                        display_name=" ".join(display_name.split()) or key,
                        office_id=office.id,
                        password_hash=password_hash,
                        active=True,
                        created_at=now,
                    )
                )
            )
        except sa.exc.IntegrityError as exc:
            raise StoreError(f"ein Konto mit der E-Mail-Adresse {key} gibt es schon") from exc
        conn.execute(staff_roles.insert(), [{"account_id": new_id, "role": r} for r in wanted])
        account = account_by_id(conn, int(new_id))
    assert account is not None
    return account


def _id_by_email(conn: Connection, email: str) -> int:
    found = conn.execute(
        sa.select(staff_accounts.c.id).where(staff_accounts.c.email == normalise_email(email))
    ).scalar_one_or_none()
    if found is None:
        raise StoreError(f"kein Konto mit der E-Mail-Adresse {email}")
    return int(found)


def end_sessions(conn: Connection, account_id: int) -> int:
    """Sign the account out everywhere."""
    stmt = sessions_table.delete().where(sessions_table.c.account_id == account_id)
    return conn.execute(stmt).rowcount


def set_password_hash(engine: Engine, email: str, password_hash: str) -> None:
    with engine.begin() as conn:
        account_id = _id_by_email(conn, email)
        conn.execute(
            staff_accounts.update()
            .where(staff_accounts.c.id == account_id)
            .values(password_hash=password_hash)
        )
        end_sessions(conn, account_id)


def rehash(engine: Engine, account_id: int, password_hash: str) -> None:
    """Replace a hash made with older parameters (sessions stay)."""
    with engine.begin() as conn:
        conn.execute(
            staff_accounts.update()
            .where(staff_accounts.c.id == account_id)
            .values(password_hash=password_hash)
        )


def set_active(engine: Engine, email: str, active: bool) -> None:
    with engine.begin() as conn:
        account_id = _id_by_email(conn, email)
        conn.execute(
            staff_accounts.update().where(staff_accounts.c.id == account_id).values(active=active)
        )
        if not active:
            end_sessions(conn, account_id)


def set_roles(engine: Engine, email: str, roles: Iterable[str]) -> None:
    wanted = _check_roles(roles)
    with engine.begin() as conn:
        account_id = _id_by_email(conn, email)
        conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account_id))
        conn.execute(staff_roles.insert(), [{"account_id": account_id, "role": r} for r in wanted])
        end_sessions(conn, account_id)


def record_sign_in(engine: Engine, account_id: int, now: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            staff_accounts.update()
            .where(staff_accounts.c.id == account_id)
            .values(last_sign_in_at=now)
        )


def upsert_oidc_account(
    engine: Engine,
    issuer: str,
    subject: str,
    email: str,
    display_name: str,
    office_code: str,
    roles: Iterable[str],
    now: dt.datetime,
) -> Account:
    """Create or update the account of an identity-provider user from its claims.

    Raises StoreError when the office is unknown, the account was disabled here, or the e-mail
    belongs to another account (a local one: an admin decides).
    """
    try:
        key = normalise_email(email)
    except StoreError as exc:
        raise StoreError("invalid e-mail claim") from exc
    wanted = _check_roles(roles)
    with engine.begin() as conn:
        office = office_by_code(conn, office_code)
        if office is None:
            raise StoreError("unknown office")
        row = conn.execute(
            sa.select(staff_accounts.c.id, staff_accounts.c.active).where(
                staff_accounts.c.oidc_issuer == issuer, staff_accounts.c.oidc_subject == subject
            )
        ).first()
        values = {"email": key, "display_name": " ".join(display_name.split()) or key}
        try:
            if row is None:
                account_id = _new_id(
                    conn.execute(
                        staff_accounts.insert().values(
                            **values,
                            office_id=office.id,
                            oidc_issuer=issuer,
                            oidc_subject=subject,
                            active=True,
                            created_at=now,
                        )
                    )
                )
            else:
                if not row.active:
                    raise StoreError("account disabled")
                account_id = row.id
                conn.execute(
                    staff_accounts.update()
                    .where(staff_accounts.c.id == account_id)
                    .values(**values, office_id=office.id)
                )
        except sa.exc.IntegrityError as exc:
            raise StoreError("e-mail address belongs to another account") from exc
        conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account_id))
        conn.execute(staff_roles.insert(), [{"account_id": account_id, "role": r} for r in wanted])
        account = account_by_id(conn, int(account_id))
    assert account is not None
    return account
