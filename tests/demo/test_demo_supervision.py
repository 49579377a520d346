"""The demo's supervisor (sf_supervisor) lands on warnings (this year's employer at the science
bureau's cap of 2) and an opinion waiting for the bureau's answer; a second `seed_demo` adds
nothing."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from demo.rules_2025 import capped_firm
from supervision.models import SupervisionOpinion
from tests.conftest import log_in


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", quiet_accounts=True, stdout=out)
    return out.getvalue()


def test_the_demo_supervisor_sees_warnings_and_an_opinion_awaiting_its_answer(db, client):
    _seed()
    second = _seed()
    assert "【行政执法监督】已就绪，本次新建：监督意见 0" in second
    assert SupervisionOpinion.objects.count() == 1

    log_in(client, User.objects.get(username="sf_supervisor"))
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("supervision:warnings")
    page = home.content.decode()
    # One employer, inspected twice this year by the bureau (two 个案): at the city cap of 2.
    assert "高频检查 <strong>1</strong> 条" in page
    year = timezone.localdate().year
    assert capped_firm().name in page
    assert f"{year}年已被检查2次，已达到市科学技术局设定的检查频次上限" in page
    # The emergency start was approved afterwards, in time: nothing overdue.
    overdue = client.get(reverse("supervision:warnings"), {"kind": "overdue"}).content.decode()
    assert "所选范围内没有预警" in overdue
    opinions = client.get(reverse("supervision:opinions")).content.decode()
    assert "待答复" in opinions

    log_in(client, User.objects.get(username="kj_admin"))
    page = client.get(reverse("supervision:department-opinions")).content.decode()
    opinion = SupervisionOpinion.objects.get()
    assert opinion.number in page and "待答复" in page
