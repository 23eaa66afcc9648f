"""Search terms that found nothing: the query over demand rows and monthly counts, and the
protected table (terms only from k requests on, the rest as "unbekannter Begriff")."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from appdb.schema import demand_monthly
from staff.monitoring import filters as flt
from staff.monitoring import queries
from staff.monitoring.terms import OTHER, terms_table
from tests.staff.monitoring_support import insert, row
from tests.staff.staff_helpers import FakeClock, StaffWorld

TERMS = ("kldb:82102", "feld:pflege", "aufstieg:meister", "kldb:52122", "unbekannt")


def test_terms_below_k_count_as_unknown_and_rows_are_ordered_by_label() -> None:
    table = terms_table({"kldb:82102": 7, "feld:pflege": 12, "kldb:52122": 3, "unbekannt": 4}, 5)
    labels = [r.label for r in table.rows]
    assert labels[-1] == OTHER and len(labels) == 3
    assert labels[:2] == sorted(labels[:2], key=str.casefold)
    by_label = {r.label: r.values[0] for r in table.rows}
    assert by_label[OTHER] == 7  # 3 + 4: the rare term and the unknown ones together
    assert table.footer is not None and table.footer.values == (26,)


def test_a_small_unknown_row_is_suppressed_with_the_next_smallest() -> None:
    table = terms_table({"kldb:82102": 7, "feld:pflege": 12, "unbekannt": 2}, 5)
    values = [r.values[0] for r in table.rows]
    assert values.count(None) == 2  # the 2 and (so it cannot be derived from the total) the 7
    assert table.footer is not None and table.footer.values == (21,)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(TERMS), st.integers(0, 40)), st.integers(5, 8))
def test_no_count_below_k_and_no_suppressed_cell_derivable(counts: dict[str, int], k: int) -> None:
    table = terms_table(counts, k)
    shown = [r.values[0] for r in table.rows]
    assert all(v is None or v == 0 or v >= k for v in shown)
    assert shown.count(None) != 1 or (table.footer is not None and table.footer.values[0] is None)
    for r in table.rows:
        assert r.label == OTHER or ":" not in r.label  # labels, never ids or typed text


def test_query_counts_raw_rows_without_offer_and_monthly_counts(
    staff_db_url: str, clock: FakeClock
) -> None:
    world = StaffWorld(staff_db_url, clock)
    day = dt.date(2026, 11, 3)
    insert(
        world.engine,
        [row(day, offers_found=0, search_term="kldb:52122")] * 6
        + [row(day, offers_found=0, search_term="unbekannt")] * 2
        + [row(day, offers_found=4, search_term=None)] * 9
        + [row(day, offers_found=0, search_term=None)],  # written before revision 0006
    )
    with world.engine.begin() as conn:
        conn.execute(
            sa.insert(demand_monthly).values(
                month=dt.date(2026, 10, 1),
                search_term="kldb:52122",
                requests=5,
                unmet=5,
                no_offer=5,
                human=0,
            )  # fmt: skip
        )
    months = flt.parse(
        {"einheit": "month", "von": "2026-10", "bis": "2026-11"}, dt.date(2026, 12, 7)
    )
    assert queries.terms_without_offer(world.engine, months) == {"kldb:52122": 11, "unbekannt": 2}
    weeks = flt.parse(
        {"einheit": "week", "von": "2026-11-02", "bis": "2026-11-08"}, dt.date(2026, 12, 7)
    )
    assert queries.terms_without_offer(world.engine, weeks) == {"kldb:52122": 6, "unbekannt": 2}
