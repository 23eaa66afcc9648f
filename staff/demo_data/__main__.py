"""Command line of the demo data (app env; the running bot, database ``APP_DB_URL``)::

    DEMO_DATA_SECRET=… python -m staff.demo_data generate --conversations 200 [--seed 7]
    python -m staff.demo_data remove

``generate`` drives the real bot over its REST channel at the internal address
``DEMO_DATA_RASA_URL`` (default ``http://127.0.0.1:$RASA_PORT``, port 5005; loopback is exempt
from the public limits through ``CHANNEL_UNLIMITED``) with simulated citizens
(:mod:`staff.demo_data.citizens`). Each message is signed with ``DEMO_DATA_SECRET`` (the same
secret in the bot's environment), so the bot flags its demand rows as simulated; the secret is
read from the environment only, never from the command line, and the command refuses to run
without it. ``remove`` deletes every simulated demand row and monthly count.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import httpx

from bot.channels import simulation
from staff.db import staff_engine
from staff.demo_data import citizens, conversations, removal
from staff.settings import get_settings

MAX_CONVERSATIONS = 2000
URL_VARIABLE = "DEMO_DATA_RASA_URL"


def rasa_url(env: dict[str, str] | None = None) -> str:
    found = dict(os.environ if env is None else env)
    given = found.get(URL_VARIABLE, "").strip()
    return given or f"http://127.0.0.1:{found.get('RASA_PORT', '').strip() or '5005'}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m staff.demo_data",
        description="Demo-Daten für das Bildungsmonitoring: simulierte Gespräche mit dem Bot "
        f"(Geheimnis aus {simulation.SECRET_VARIABLE}, nie von der Kommandozeile) und ihr Entfernen.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="simulierte Gespräche mit dem laufenden Bot führen")
    gen.add_argument("--conversations", type=int, default=50, help="Anzahl (Standard 50)")
    gen.add_argument("--seed", type=int, default=None, help="Zufallsstartwert (reproduzierbar)")
    gen.add_argument("--parallel", type=int, default=2, help="gleichzeitige Gespräche")
    gen.add_argument("--max-turns", type=int, default=conversations.MAX_TURNS)
    sub.add_parser("remove", help="alle simulierten Nachfragezeilen löschen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    engine = staff_engine(get_settings().resolved_app_db_url)
    if args.command == "remove":
        done = removal.remove_simulated(engine)
        print(f"entfernt: {done.rows} simulierte Nachfragezeilen, {done.monthly} Monatswerte")
        return 0
    secret = simulation.secret_from_env()
    if secret is None:
        print(
            f"{simulation.SECRET_VARIABLE} fehlt (mindestens {simulation.MIN_SECRET_CHARS} "
            "Zeichen, dasselbe Geheimnis wie im Bot): ohne Signatur würden die Gespräche als "
            "echte Nachfrage gezählt.",
            file=sys.stderr,
        )
        return 2
    if not 1 <= args.conversations <= MAX_CONVERSATIONS:
        print(f"--conversations: 1 bis {MAX_CONVERSATIONS}", file=sys.stderr)
        return 2
    before = removal.count_simulated(engine)
    people = citizens.population(args.conversations, args.seed)
    try:
        found = conversations.run_all(rasa_url(), secret, people, args.parallel)
    except httpx.HTTPError as exc:
        print(f"der Bot antwortet nicht ({type(exc).__name__})", file=sys.stderr)
        return 1
    reached = sum(o.reached for o in found)
    flagged = removal.count_simulated(engine) - before
    print(
        f"{len(found)} simulierte Gespräche, {reached} mit Empfehlung; "
        f"{flagged} neue simulierte Nachfragezeilen"
    )
    if reached and not flagged:
        print(
            "Warnung: keine Zeile ist als simuliert markiert – hat der Bot dasselbe "
            f"{simulation.SECRET_VARIABLE}?",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
