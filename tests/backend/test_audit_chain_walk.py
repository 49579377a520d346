"""The fast walk of the audit chain computes exactly what AuditEvent.canonical_content()
defines, on SQLite (in Python) and on PostgreSQL (in SQL, re-checked in Python)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.audit import chain_walk
from backend.audit.models import AuditEvent
from backend.audit.services import record_event
from backend.audit.verification import verify_chain
from tests.checkpoint_attacks import as_dba

pytestmark = pytest.mark.django_db

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)  # control characters, quotes, backslashes, 汉字 and emoji; not NUL, which PostgreSQL refuses
scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | text
details = st.dictionaries(
    text,
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=8,
    ),
    max_size=5,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(detail=details, action=text, object_id=text)
def test_the_fast_walk_hashes_every_event_as_the_model_defines(planner, detail, action, object_id):
    event = record_event(
        action=action or "x", actor=planner, object_type="t", object_id=object_id, detail=detail
    )
    row = next(chain_walk.rows(after_id=event.id - 1, upto_id=event.id))

    stored = AuditEvent.objects.get(id=event.id)
    assert chain_walk.canonical_row(row) == (stored.canonical_content())


def test_the_walk_in_the_database_agrees_with_the_walk_in_python(planner):
    for n in range(30):
        record_event(action="test.walk", actor=planner, detail={"n": n, "名": ["甲", {"b": 1.5}]})
    assert chain_walk.walk() == chain_walk.walk_in_python()
    assert verify_chain().ok


def test_an_edited_event_is_found_wherever_it_is(planner):
    events = [record_event(action="test.walk", actor=planner, detail={"n": n}) for n in range(12)]
    with as_dba():
        AuditEvent.objects.filter(id=events[7].id).update(detail={"n": "edited"})
    report = verify_chain()
    assert report.first_break.event_id == events[7].id and report.checked == 7
    with pytest.raises(chain_walk.Broken) as broken:
        chain_walk.walk(after_id=events[2].id, prev_hash=events[2].hash)
    assert broken.value.event_id == events[7].id


def test_the_links_alone_are_checked_in_one_pass_of_the_database(planner):
    events = [record_event(action="test.walk", actor=planner) for _ in range(8)]
    assert chain_walk.walk_links() == (8, events[-1].id, events[-1].hash)
    assert chain_walk.walk_links(prev_hash=events[2].hash, after_id=events[2].id) == (
        5,
        events[-1].id,
        events[-1].hash,
    )
    with pytest.raises(chain_walk.Broken):  # not the head the walk was told to start from
        chain_walk.walk_links(prev_hash=events[3].hash, after_id=events[2].id)
    with as_dba():
        AuditEvent.objects.filter(id=events[5].id).delete()
    with pytest.raises(chain_walk.Broken) as broken:
        chain_walk.walk_links()
    assert (broken.value.event_id, broken.value.checked) == (events[6].id, 5)


def test_a_missing_event_breaks_its_successors_link(planner):
    events = [record_event(action="test.walk", actor=planner) for _ in range(6)]
    with as_dba():
        AuditEvent.objects.filter(id=events[3].id).delete()
    report = verify_chain()
    assert report.first_break.event_id == events[4].id
    assert "前一条哈希不符" in report.first_break.reason


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_walk_split_over_processes_finds_the_same_head_and_the_same_break(planner, monkeypatch):
    monkeypatch.setattr(chain_walk, "PARALLEL_FROM", 1)
    events = [record_event(action="test.walk", actor=planner, detail={"n": n}) for n in range(40)]
    assert chain_walk.walk() == chain_walk.walk_in_python() == (40, events[-1].id, events[-1].hash)
    with as_dba():
        AuditEvent.objects.filter(id=events[33].id).update(detail={"n": "edited"})
    with pytest.raises(chain_walk.Broken) as broken:
        chain_walk.walk()
    assert (broken.value.event_id, broken.value.checked) == (events[33].id, 33)
    with as_dba():
        AuditEvent.objects.filter(id=events[20].id).delete()  # a link across the parts' border
    with pytest.raises(chain_walk.Broken) as broken:
        chain_walk.walk()
    assert broken.value.event_id == events[21].id
