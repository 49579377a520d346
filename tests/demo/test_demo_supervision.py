"""The demo's supervisor (sf_supervisor) lands on warnings (the six employers at the bureau's
cap) and an opinion waiting for the bureau's answer; a second `seed_demo` adds nothing."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from backend.accounts.models import User
from inspections.planning.models import FrequencyCap
from supervision.models import SupervisionOpinion
from tests.conftest import log_in


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", quiet_accounts=True, stdout=out)
    return out.getvalue()


def test_the_demo_supervisor_sees_warnings_and_an_opinion_awaiting_its_answer(db, client):
    _seed()
    second = _seed()
    assert "【行政执法监督】已就绪，本次新建：检查频次上限 0，监督意见 0" in second
    assert FrequencyCap.objects.count() == 1 and SupervisionOpinion.objects.count() == 1

    log_in(client, User.objects.get(username="sf_supervisor"))
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("supervision:warnings")
    page = home.content.decode()
    assert "高频检查 <strong>6</strong> 条" in page
    assert "2021年已被检查1次，已达到市科学技术局设定的检查频次上限" in page
    overdue = client.get(reverse("supervision:warnings"), {"kind": "overdue"}).content.decode()
    assert "所选范围内没有预警" in overdue
    opinions = client.get(reverse("supervision:opinions")).content.decode()
    assert "待答复" in opinions

    log_in(client, User.objects.get(username="kj_admin"))
    page = client.get(reverse("supervision:department-opinions")).content.decode()
    opinion = SupervisionOpinion.objects.get()
    assert opinion.number in page and "待答复" in page
