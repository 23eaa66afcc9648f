"""Consultations in the staff app: open by code (normalised, rate-limited, claimed by the first
office), the consultation page, profile editing against the vocabulary, starting without a
code, the office's list, the search over HTTP and the comparison, the access log, retention and
the deletion rule (unclaimed: deleted; claimed: anonymised). Real SQLite database made by the
migrations; the bot's own client stores the handovers."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from appdb import handover_codes
from appdb.deletion import delete_app_rows
from appdb.schema import consultation_lookup_failures, consultations, staff_access_log
from staff import housekeeping
from tests.staff.consultation_helpers import (
    CHAT_LINE,
    SEARCH_ITEM,
    expire_all,
    fake_search,
    hand_over,
    row,
)
from tests.staff.staff_helpers import StaffWorld


def _open(world: StaffWorld, client, code: str):
    token = world.page_token(client, "/staff/consultations/open")
    return client.post("/staff/consultations/open", data={"csrf_token": token, "code": code})


def _log(world: StaffWorld) -> list[tuple[str, int, str]]:
    with world.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                staff_access_log.c.record_kind,
                staff_access_log.c.record_id,
                staff_access_log.c.action,
            ).order_by(staff_access_log.c.id)
        ).all()
    return [tuple(r) for r in rows]


def test_the_stored_row_holds_only_the_hash_of_the_code(world: StaffWorld) -> None:
    code = hand_over(world)
    stored = row(world, 1)
    assert stored.code_hash == handover_codes.code_hash(code)
    assert code.replace("-", "") not in json.dumps([str(v) for v in stored])
    assert stored.expires_at == world.clock() + dt.timedelta(days=7)
    assert stored.office_id is None and stored.claimed_at is None


def test_open_by_code_claims_and_shows_the_handover(world: StaffWorld) -> None:
    code = hand_over(world)
    anna = world.add_account("anna@example.de", "counsellor")
    client = world.session_client(anna)
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    answer = _open(world, client, typed)
    assert answer.status_code == 303 and answer.headers["location"] == "/staff/consultations/1"
    stored = row(world, 1)
    assert stored.claimed_by == anna.id and stored.office_id == anna.office.id
    page = client.get("/staff/consultations/1")
    assert page.status_code == 200
    for shown in ("Verkäuferin", "62102", "Haar", "Umschulung Pflegefachfrau (Testangebot)",
                  "Führt zum Zielberuf", "Bildungsgutschein", CHAT_LINE):  # fmt: skip
        assert shown in page.text, shown
    assert "/request_consultation" not in page.text  # button payloads are no chat text
    assert _log(world) == [("consultation", 1, "claim"), ("consultation", 1, "view")]
    listed = client.get("/staff/consultations")
    assert "Beratung Nr. 1" in listed.text


def test_chat_text_only_when_the_citizen_agreed(world: StaffWorld) -> None:
    hand_over(world, with_chat=False)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    assert json.loads(row(world, 1).snapshot)["chat"] == []
    code = hand_over(world, sender="sender-2", with_chat=False)
    page = client.get(_open(world, client, code).headers["location"])
    assert CHAT_LINE not in page.text and "nicht übergeben" in page.text


def test_another_office_gets_the_same_answer_as_an_unknown_code(world: StaffWorld) -> None:
    code = hand_over(world)
    anna = world.session_client(world.add_account("anna@example.de", "counsellor"))
    jens = world.session_client(world.add_account("jens@example.de", "counsellor", office="jc"))
    assert _open(world, anna, code).status_code == 303
    taken = _open(world, jens, code)
    unknown = _open(world, jens, "AAAAA-AAAAA")
    assert taken.status_code == unknown.status_code == 400
    assert taken.text.replace(world.page_token(jens), "") == unknown.text.replace(
        world.page_token(jens), ""
    )
    assert jens.get("/staff/consultations/1").status_code == 404
    assert "Verkäuferin" not in jens.get("/staff/consultations").text
    assert _open(world, anna, code).status_code == 303  # the claiming office may reopen it


def test_expired_codes_do_not_open(world: StaffWorld) -> None:
    code = hand_over(world)
    world.clock.advance(days=7, seconds=1)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    assert _open(world, client, code).status_code == 400
    assert row(world, 1).claimed_at is None


def test_lookups_are_rate_limited_per_account_and_per_address(world: StaffWorld) -> None:
    code = hand_over(world)
    anna = world.session_client(world.add_account("anna@example.de", "counsellor"))
    for _ in range(10):
        assert _open(world, anna, "ZZZZZ-ZZZZZ").status_code == 400
    locked = _open(world, anna, code)  # even the right code
    assert locked.status_code == 429 and "vorübergehend gesperrt" in locked.text
    # another account at the same address is locked too; at another address it is not
    bernd = world.add_account("bernd@example.de", "counsellor")
    assert _open(world, world.session_client(bernd), code).status_code == 429
    assert _open(world, world.session_client(bernd, "198.51.100.7"), code).status_code == 303
    world.clock.advance(minutes=16)
    assert _open(world, anna, code).status_code == 303
    housekeeping.run_once(world.engine, world.settings, world.clock())
    with world.engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(consultation_lookup_failures))
        assert left.scalar_one() == 0


def test_the_code_field_needs_the_csrf_token(world: StaffWorld) -> None:
    code = hand_over(world)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    answer = client.post("/staff/consultations/open", data={"csrf_token": "wrong", "code": code})
    assert answer.status_code == 403 and row(world, 1).claimed_at is None


def test_profile_is_validated_against_the_vocabulary(world: StaffWorld) -> None:
    hand_over(world)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    token = world.page_token(client)
    client.post("/staff/consultations/open", data={"csrf_token": token, "code": "x"})
    code = hand_over(world, sender="sender-2")
    location = _open(world, client, code).headers["location"]
    form = client.get(f"{location}/profile")
    assert form.status_code == 200 and 'value="62102"' in form.text
    bad = client.post(
        f"{location}/profile",
        data={
            "csrf_token": token,
            "goal": "lottogewinn",
            "target_kldb": "99999x",
            "municipality": "Atlantis",
        },  # fmt: skip
    )
    assert bad.status_code == 400 and bad.text.count('aria-invalid="true"') == 3
    good = client.post(
        f"{location}/profile",
        data={
            "csrf_token": token,
            "goal": "weiterbildung",
            "municipality": "Unterhaching",
            "current_kldb": "62102",
            "employment_status": "beschaeftigt",
            "foreign_qualification": "true",
        },  # fmt: skip
    )
    assert good.status_code == 303
    stored = row(world, 2)
    profile = json.loads(stored.profile)
    assert profile["goal"] == "weiterbildung" and profile["foreign_qualification"] is True
    assert json.loads(stored.snapshot)["profile"]["goal"] == "umschulung"  # snapshot unchanged
    assert ("consultation", 2, "update") in _log(world)


def test_start_without_a_code(world: StaffWorld) -> None:
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    token = world.page_token(client, "/staff/consultations/new")
    answer = client.post(
        "/staff/consultations/new",
        data={
            "csrf_token": token,
            "current_occupation": "Elektroniker",
            "current_kldb": "26212",
            "goal": "aufstieg",
            "municipality": "Garching b.München",
        },  # fmt: skip
    )
    assert answer.status_code == 303
    stored = row(world, 1)
    assert stored.origin == "staff" and stored.code_hash is None and stored.sender_id is None
    page = client.get(answer.headers["location"])
    assert "Elektroniker" in page.text and "Ohne Code begonnen" in page.text


def test_search_sends_every_filter_and_shows_reasons(world: StaffWorld, clock) -> None:
    code = hand_over(world)
    account = world.add_account("anna@example.de", "counsellor")
    with fake_search([SEARCH_ITEM, {**SEARCH_ITEM, "offer_id": "demo-2", "title": "Zweites"}]) as s:
        searching = StaffWorld(world.db_url, clock, search_url=s.url)
        client = searching.session_client(account)
        _open(searching, client, code)
        first = client.get("/staff/consultations/1/search")
        assert first.status_code == 200 and s.bodies == []  # the form only, prefilled
        assert 'value="Haar" selected' in first.text or "<option selected>Haar" in first.text
        query = (
            "run=1&query=Pflege&municipality=Haar&max_distance_km=30&include_outside_reach=1"
            "&municipalities=Haar&municipalities=Unterhaching&formats=praesenz&formats=hybrid"
            "&time_models=teilzeit&course_types=umschulung&kldb_prefix=813"
            "&title_keywords=Pflege&fundable=true&limit=5"
        )
        page = client.get(f"/staff/consultations/1/search?{query}")
        assert page.status_code == 200
        body = s.bodies[-1]
        assert body["municipalities"] == ["Haar", "Unterhaching"]
        assert body["formats"] == ["praesenz", "hybrid"] and body["time_models"] == ["teilzeit"]
        assert body["course_types"] == ["umschulung"] and body["kldb_prefix"] == "813"
        assert body["max_distance_km"] == 30 and body["include_outside_reach"] is True
        assert body["fundable"] is True and body["title_keywords"] == ["Pflege"]
        assert (
            body["profile"]["current_kldb"] == "62102"
            and "current_occupation" not in body["profile"]
        )
        assert "Umschulung Pflegefachfrau (Testangebot)" in page.text and "Teilzeit" in page.text
        compare = client.get(
            f"/staff/consultations/1/compare?{query}&offer=demo-pflege-1&offer=demo-2"
        )
        assert compare.status_code == 200 and "<table" in compare.text
        assert "Zweites" in compare.text and "36 Monate" in compare.text
        bad = client.get("/staff/consultations/1/search?run=1&formats=teleport&limit=500")
        assert bad.status_code == 400 and len(s.bodies) == 2  # invalid filters never sent


def test_search_service_down_is_a_message(world: StaffWorld, clock) -> None:
    code = hand_over(world)
    account = world.add_account("anna@example.de", "counsellor")
    down = StaffWorld(world.db_url, clock, search_url="http://127.0.0.1:9")
    client = down.session_client(account)
    _open(down, client, code)
    page = client.get("/staff/consultations/1/search?run=1&query=Pflege&limit=5")
    assert page.status_code == 503 and "nicht erreichbar" in page.text


def test_retention_and_the_deletion_rule(world: StaffWorld) -> None:
    hand_over(world, sender="unclaimed")
    claimed_code = hand_over(world, sender="claimed")
    hand_over(world, sender="expiring")
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _open(world, client, claimed_code)
    assert delete_app_rows(world.engine, "unclaimed") == 1 and row(world, 1) is None
    delete_app_rows(world.engine, "claimed")
    kept = row(world, 2)
    assert kept.sender_id is None and kept.anonymised_at is not None
    assert kept.includes_chat_text is False and CHAT_LINE not in kept.snapshot
    assert json.loads(kept.profile)["current_occupation"] is None
    assert json.loads(kept.profile)["current_kldb"] == "62102"
    page = client.get("/staff/consultations/2")
    assert page.status_code == 200 and "gelöscht" in page.text and CHAT_LINE not in page.text
    expire_all(world)
    result = housekeeping.run_once(world.engine, world.settings, world.clock())
    assert result.consultations == 1 and row(world, 3) is None and row(world, 2) is not None


def test_logs_hold_no_code_and_no_profile(world: StaffWorld, caplog) -> None:
    caplog.set_level("DEBUG")
    code = hand_over(world)
    client = world.session_client(world.add_account("anna@example.de", "counsellor"))
    _open(world, client, "ZZZZZ-ZZZZZ")
    _open(world, client, code)
    client.get("/staff/consultations/1")
    text = caplog.text
    assert code not in text and code.replace("-", "") not in text and "Verkäuferin" not in text
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(consultations)).scalar_one()


def test_consultations_on_postgresql(clock) -> None:
    """The same queries on PostgreSQL: handover, claim, lock, edit, anonymise, purge."""
    from appdb import migrate
    from appdb.engine import dispose_all
    from tests.pg_support import fresh_database, url_of

    with fresh_database("bl_consult", "postgresql+psycopg") as name:
        url = url_of(name, "postgresql+psycopg")
        migrate.upgrade(url)
        try:
            world = StaffWorld(url, clock)
            world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
            code = hand_over(world, sender="pg-sender")
            hand_over(world, sender="pg-other")
            client = world.session_client(world.add_account("anna@example.de", "counsellor"))
            for _ in range(3):
                assert _open(world, client, "ZZZZZ-ZZZZZ").status_code == 400
            assert _open(world, client, code).status_code == 303
            assert CHAT_LINE in client.get("/staff/consultations/1").text
            delete_app_rows(world.engine, "pg-sender")
            assert (
                row(world, 1).anonymised_at is not None and CHAT_LINE not in row(world, 1).snapshot
            )
            expire_all(world)
            assert housekeeping.run_once(world.engine, world.settings, clock()).consultations == 1
        finally:
            dispose_all()


def test_claimed_consultations_end_with_their_last_plan(world: StaffWorld) -> None:
    """Retention of the office's record: a claimed consultation without plans goes
    STAFF_CONSULTATION_RETENTION_DAYS (90) after its last change; one with a plan stays while the
    plan stays (the plan's own retention counts from its last change)."""
    from appdb.schema import plans
    from tests.staff.plan_helpers import add_consultation

    idle = add_consultation(world)
    with_plan = add_consultation(world)
    now = world.clock()
    with world.engine.begin() as conn:
        office_id = conn.execute(sa.text("SELECT id FROM offices WHERE code = 'bb'")).scalar_one()
        conn.execute(
            plans.insert().values(consultation_id=with_plan, office_id=office_id, title="Plan",
                                  created_at=now, updated_at=now)
        )  # fmt: skip
    world.clock.advance(days=89)
    housekeeping.run_once(world.engine, world.settings, world.clock())
    assert row(world, idle) is not None and row(world, with_plan) is not None
    world.clock.advance(days=2)  # 91 days: the plan goes first, then its consultation too
    housekeeping.run_once(world.engine, world.settings, world.clock())
    assert row(world, idle) is None
    housekeeping.run_once(world.engine, world.settings, world.clock())
    assert row(world, with_plan) is None
