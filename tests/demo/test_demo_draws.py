"""The demo performs last year's joint task's two draws once; both verify, and the public sees
them."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.plans import joint_task_code
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawStatus


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())


def test_the_joint_task_has_a_verifiable_firms_draw_of_six_and_a_teams_draw(demo, client):
    firms, teams = Draw.objects.filter(task__code=joint_task_code()).order_by("id")
    assert (firms.purpose, teams.purpose) == ("firms", "teams")
    assert {firms.status, teams.status} == {DrawStatus.PERFORMED}
    assert len(dr1.parse_firms_result(bytes(firms.result))) == 6
    for draw in (firms, teams):
        out = StringIO()
        call_command("verify_draw", draw.public_id, stdout=out, stderr=StringIO())
        assert "验证通过" in out.getvalue()
        assert client.get(f"/public/draws/{draw.public_id}/").status_code == 200


def test_seeding_again_draws_nothing_more(demo):
    before = list(Draw.objects.values_list("public_id", "seed"))
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    assert list(Draw.objects.values_list("public_id", "seed")) == before
