"""The accounts CLI (python -m staff): passwords only from a prompt or STAFF_NEW_PASSWORD,
never from the command line; no default passwords; office and role checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from staff import __main__ as cli
from staff import passwords, sessions, store
from staff.db import staff_engine, utcnow
from staff.settings import get_settings

REPO = Path(__file__).resolve().parents[2]
GOOD = "ein-langes-Test-Passwort"  # invented, test only


@pytest.fixture
def db(staff_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("APP_DB_URL", staff_db_url)
    monkeypatch.delenv(cli.PASSWORD_VARIABLE, raising=False)
    get_settings.cache_clear()
    yield staff_db_url
    get_settings.cache_clear()


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "staff", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_the_real_command_reads_the_password_from_the_environment_only(
    db: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["offices", "add", "--code", "bb", "--name", "BB (Test)", "--kind", "vhs"]) == 0
    argv = ["users", "add", "--email", "anna@example.de", "--office", "bb", "--role", "counsellor"]
    on_line = _run(*argv, "--password", GOOD, APP_DB_URL=db)
    assert on_line.returncode == 2 and "unrecognized arguments" in on_line.stderr
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)  # e.g. a cron job without a value
    assert cli.main(argv) == 1 and "STAFF_NEW_PASSWORD" in capsys.readouterr().err
    assert store.list_accounts(staff_engine(db)) == []
    done = _run(*argv, "--role", "admin", APP_DB_URL=db, STAFF_NEW_PASSWORD=GOOD)
    assert done.returncode == 0, done.stderr
    assert "Konto angelegt: anna@example.de (bb, admin, counsellor)" in done.stdout
    assert GOOD not in done.stdout + done.stderr
    assert cli.main(["users", "list"]) == 0
    assert "anna@example.de  bb  admin,counsellor  Passwort  aktiv" in capsys.readouterr().out
    found = store.local_account(staff_engine(db), "anna@example.de")
    assert found is not None and found[1].startswith("$argon2id$") and GOOD not in found[1]
    assert passwords.verify(GOOD, found[1])[0]


def test_the_prompt_asks_twice(db: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    store.add_office(staff_engine(db), "bb", "Bildungsberatung (Test)", "bildungsberatung")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter([GOOD, GOOD + "x", GOOD, GOOD])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    argv = ["users", "add", "--email", "anna@example.de", "--office", "bb", "--role", "editor"]
    assert cli.main(argv) == 1 and "stimmen nicht überein" in capsys.readouterr().err
    assert cli.main(argv) == 0
    assert store.local_account(staff_engine(db), "anna@example.de") is not None


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("kurz", "mindestens 12 Zeichen"),
        ("a" * 20, "einzigen wiederholten Zeichen"),
        ("anna@example.de", "nicht die E-Mail-Adresse"),
        ("x" * 129, "höchstens 128 Zeichen"),
    ],
)
def test_weak_passwords_are_refused(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys, password: str, why: str
) -> None:
    store.add_office(staff_engine(db), "bb", "Bildungsberatung (Test)", "bildungsberatung")
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, password)
    argv = ["users", "add", "--email", "anna@example.de", "--office", "bb", "--role", "editor"]
    assert cli.main(argv) == 1
    assert why in capsys.readouterr().err
    assert store.list_accounts(staff_engine(db)) == []


def test_unknown_office_duplicate_account_and_office(db: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, GOOD)
    assert cli.main(["offices", "add", "--code", "bb", "--name", "BB (Test)", "--kind", "vhs"]) == 0
    assert cli.main(["offices", "add", "--code", "bb", "--name", "Doppelt", "--kind", "vhs"]) == 1
    add = ["users", "add", "--email", "anna@example.de", "--role", "editor", "--office"]
    assert cli.main([*add, "xx"]) == 1
    assert cli.main([*add, "bb"]) == 0
    assert cli.main([*add, "bb"]) == 1
    err = capsys.readouterr().err
    assert "keine Stelle mit dem Kürzel 'xx'" in err and "gibt es schon" in err


def test_password_change_role_change_and_disabling_end_the_sessions(db: str, monkeypatch) -> None:
    engine = staff_engine(db)
    store.add_office(engine, "bb", "BB (Test)", "bildungsberatung")
    account = store.add_account(engine, "anna@example.de", "", "bb", ["counsellor"], "x", utcnow())
    monkeypatch.setenv(cli.PASSWORD_VARIABLE, GOOD)
    settings = get_settings()
    for argv in (
        ["users", "set-password", "--email", "anna@example.de"],
        ["users", "roles", "--email", "anna@example.de", "--role", "admin"],
        ["users", "disable", "--email", "anna@example.de"],
    ):
        token = sessions.create(engine, account.id, "local", utcnow())
        assert cli.main(argv) == 0, argv
        assert sessions.load(engine, token, utcnow(), settings.timeouts)[0] is None, argv
    (after,) = store.list_accounts(engine)
    assert after.roles == {"admin"} and not after.active
    assert store.local_account(engine, "anna@example.de") is None  # disabled: cannot sign in
    assert cli.main(["users", "enable", "--email", "anna@example.de"]) == 0
    found = store.local_account(engine, "anna@example.de")
    assert found is not None and passwords.verify(GOOD, found[1])[0]
