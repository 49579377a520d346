"""The frequency caps' arithmetic (频次上限, issue 15 item 4): which inspections count toward a
cap, by level, type, exemption and calendar year, and when a firm is at it."""

from inspections.planning.frequency import (
    CITY,
    COMBINED,
    COUNTY,
    Cap,
    Entry,
    counts_per_firm,
    firms_at_cap,
    level_of_region,
)

CITY_BODY, COUNTY_BODY, OTHER_BODY = 1, 2, 3
FIELD, OTHER_FIELD = 10, 11
ALL = frozenset({"routine", "campaign", "case"})


def cap(level, limit, *, field=FIELD, kinds=ALL, exempt=True, pk=1):
    return Cap(pk, frozenset({CITY_BODY, COUNTY_BODY}), field, level, limit, kinds, exempt)


def entry(n, *, firm=100, body=CITY_BODY, field=FIELD, year=2025, kind="routine", higher=False):
    level = CITY if body == CITY_BODY else COUNTY
    return Entry(n, firm, body, level, field, year, kind, higher)


def test_a_body_level_comes_from_its_region_code():
    assert level_of_region("220100") == CITY
    assert level_of_region("220102") == COUNTY


def test_a_level_cap_counts_only_its_level_and_the_combined_cap_counts_both():
    entries = [entry(1), entry(2, body=COUNTY_BODY), entry(3, body=COUNTY_BODY)]
    assert counts_per_firm(cap(CITY, 2), entries, year=2025) == {100: 1}
    assert counts_per_firm(cap(COUNTY, 2), entries, year=2025) == {100: 2}
    assert counts_per_firm(cap(COMBINED, 4), entries, year=2025) == {100: 3}
    # At most 2 per level: the county is at its cap, the city is not; combined 3 is reached.
    assert set(firms_at_cap([cap(CITY, 2)], entries, year=2025)) == set()
    assert set(firms_at_cap([cap(COUNTY, 2)], entries, year=2025)) == {100}
    assert set(firms_at_cap([cap(COMBINED, 3)], entries, year=2025)) == {100}


def test_bodies_outside_the_system_and_other_fields_do_not_count():
    entries = [entry(1, body=OTHER_BODY), entry(2, field=OTHER_FIELD), entry(3)]
    assert counts_per_firm(cap(COMBINED, 1), entries, year=2025) == {100: 1}
    everything = cap(COMBINED, 1, field=None)
    assert counts_per_firm(everything, entries, year=2025) == {100: 2}


def test_an_inspection_with_two_items_of_the_field_counts_once():
    entries = [entry(1), entry(1)]
    assert counts_per_firm(cap(CITY, 2), entries, year=2025) == {100: 1}


def test_types_not_counted_and_campaigns_of_a_higher_level_are_exempt():
    entries = [entry(1, kind="case"), entry(2, kind="campaign", higher=True), entry(3)]
    assert counts_per_firm(cap(CITY, 9), entries, year=2025) == {100: 2}
    assert counts_per_firm(cap(CITY, 9, exempt=False), entries, year=2025) == {100: 3}
    routine_only = cap(CITY, 9, kinds=frozenset({"routine"}))
    assert counts_per_firm(routine_only, entries, year=2025) == {100: 1}
    # A campaign of the body's own level counts.
    own = [entry(4, kind="campaign", higher=False)]
    assert counts_per_firm(cap(CITY, 9), own, year=2025) == {100: 1}


def test_the_calendar_year_is_counted_alone():
    entries = [entry(1, year=2024), entry(2, year=2024), entry(3, year=2025)]
    assert set(firms_at_cap([cap(CITY, 2)], entries, year=2024)) == {100}
    assert set(firms_at_cap([cap(CITY, 2)], entries, year=2025)) == set()


def test_a_cap_of_zero_excludes_every_firm_the_ledger_names_and_leaving_one_out_counts_the_rest():
    entries = [entry(1), entry(2, firm=200)]
    assert counts_per_firm(cap(CITY, 0), entries, year=2025, without=2) == {100: 1}
    assert set(firms_at_cap([cap(CITY, 0)], entries, year=2025)) == {100, 200}
