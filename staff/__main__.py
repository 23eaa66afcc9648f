"""Command line of the staff app (app env; database ``APP_DB_URL``)::

    python -m staff offices add --code bildungsberatung --name "Bildungsberatung Landkreis München" --kind bildungsberatung
    python -m staff offices list
    python -m staff users add --email anna.beispiel@lra-m.de --office bildungsberatung --role counsellor [--role admin] [--name "Anna Beispiel"]
    python -m staff users list
    python -m staff users set-password --email anna.beispiel@lra-m.de
    python -m staff users roles --email anna.beispiel@lra-m.de --role counsellor --role editor
    python -m staff users disable|enable --email anna.beispiel@lra-m.de
    python -m staff housekeeping

A password is never taken from the command line: it is read from the environment variable
``STAFF_NEW_PASSWORD`` if set (automation), otherwise asked for twice at the terminal. There are
no default passwords. Changing a password, the roles or disabling an account ends its sessions.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from appdb.schema import OFFICE_KINDS, STAFF_ROLES
from staff import housekeeping, passwords, store
from staff.db import staff_engine, utcnow
from staff.settings import StaffSettings, get_settings

PASSWORD_VARIABLE = "STAFF_NEW_PASSWORD"


class CliError(Exception):
    pass


def read_password(email: str, settings: StaffSettings) -> str:
    """The new password from ``STAFF_NEW_PASSWORD`` or the terminal (twice), checked."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given is None:
        if not sys.stdin.isatty():
            raise CliError(f"kein Terminal: Passwort in {PASSWORD_VARIABLE} übergeben")
        given = getpass.getpass("Neues Passwort: ")
        if getpass.getpass("Passwort wiederholen: ") != given:
            raise CliError("die Passwörter stimmen nicht überein")
    found = passwords.problems(given, email, settings.password_min_length)
    if found:
        raise CliError(" ".join(found))
    return given


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m staff",
        description="Offices and accounts of the staff app (APP_DB_URL). Passwords come from "
        f"{PASSWORD_VARIABLE} or the terminal, never from the command line.",
    )
    groups = parser.add_subparsers(dest="group", required=True)

    offices = groups.add_parser("offices", help="counselling offices").add_subparsers(
        dest="command", required=True
    )
    add_office = offices.add_parser("add", help="add an office")
    add_office.add_argument("--code", required=True, help="short code, e.g. jobcenter")
    add_office.add_argument("--name", required=True)
    add_office.add_argument("--kind", required=True, choices=OFFICE_KINDS)
    offices.add_parser("list", help="list the offices")

    users = groups.add_parser("users", help="staff accounts").add_subparsers(
        dest="command", required=True
    )
    add_user = users.add_parser("add", help="add a local account (password: prompt or env)")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--office", required=True, help="office code")
    add_user.add_argument("--role", required=True, action="append", choices=STAFF_ROLES)
    add_user.add_argument("--name", default="", help="display name (default: the e-mail)")
    users.add_parser("list", help="list the accounts")
    for name, text in (
        ("set-password", "set a new password (ends the account's sessions)"),
        ("disable", "disable an account (ends its sessions)"),
        ("enable", "enable a disabled account"),
    ):
        users.add_parser(name, help=text).add_argument("--email", required=True)
    roles = users.add_parser("roles", help="replace the roles (ends the account's sessions)")
    roles.add_argument("--email", required=True)
    roles.add_argument("--role", required=True, action="append", choices=STAFF_ROLES)

    groups.add_parser("housekeeping", help="delete expired sessions, failures, old log entries")
    return parser


def _print_accounts(accounts: list[store.Account]) -> None:
    if not accounts:
        print("Keine Konten.")
    for a in accounts:
        state = "aktiv" if a.active else "gesperrt"
        method = "Dienstkonto" if a.method == "oidc" else "Passwort"
        print(
            f"{a.email}  {a.office.code}  {','.join(sorted(a.roles))}  {method}  {state}  "
            f"{a.display_name}"
        )


def run(args: argparse.Namespace, settings: StaffSettings) -> int:
    engine = staff_engine(settings.resolved_app_db_url)
    if args.group == "offices" and args.command == "add":
        office = store.add_office(engine, args.code, args.name, args.kind)
        print(f"Stelle angelegt: {office.code} ({office.name})")
    elif args.group == "offices":
        for office in store.list_offices(engine):
            print(f"{office.code}  {office.kind}  {office.name}")
    elif args.group == "housekeeping":
        result = housekeeping.run_once(engine, settings, utcnow())
        print(
            f"gelöscht: {result.sessions} Sitzungen/Anmeldevorgänge, {result.failures} "
            f"Fehlversuche, {result.access_log} Protokolleinträge, "
            f"{result.callback_requests} Rückrufwünsche, {result.consultations} Beratungen "
            f"(abgelaufene Codes, ohne Änderung), {result.plans} Pläne, {result.plan_links} Plan-Links"
        )
    elif args.command == "add":
        email = store.normalise_email(args.email)
        hashed = passwords.hash_password(read_password(email, settings))
        account = store.add_account(
            engine, email, args.name, args.office, args.role, hashed, utcnow()
        )
        print(
            f"Konto angelegt: {account.email} ({account.office.code}, {', '.join(sorted(account.roles))})"
        )
    elif args.command == "list":
        _print_accounts(store.list_accounts(engine))
    elif args.command == "set-password":
        email = store.normalise_email(args.email)
        store.set_password_hash(
            engine, email, passwords.hash_password(read_password(email, settings))
        )
        print(f"Passwort geändert: {email}")
    elif args.command in ("disable", "enable"):
        store.set_active(engine, args.email, args.command == "enable")
        print(f"Konto {'gesperrt' if args.command == 'disable' else 'freigegeben'}: {args.email}")
    else:
        store.set_roles(engine, args.email, args.role)
        print(f"Rollen geändert: {args.email}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args, get_settings())
    except (CliError, store.StoreError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
