"""The demo: two firms have rated their closed inspections and one complaint is open; seeding
again adds nothing. The public rating pages of every demo inspection show no personal data."""

from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.plans import current_task_code
from fieldwork.models import Inspection
from ratings.models import Complaint, ComplaintState, Rating, RatingLink


def _forbidden(inspection: Inspection) -> set[str]:
    """The firm's identity and people, and the officers' ID and phone numbers."""
    firm = inspection.firm
    values = {inspection.firm_uscc, inspection.firm_name, firm.address, firm.legal_representative}
    for member in inspection.members.select_related("officer"):
        values |= {member.officer.citizen_id, member.officer.phone, member.officer.name}
    return {v for v in values if v and len(v) >= 2}


def test_the_demo_has_two_ratings_one_open_complaint_and_public_pages_without_personal_data(
    db, client
):
    cache.clear()  # the public pages are rate-limited per address
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    assert Rating.objects.count() == 2
    complaint = Complaint.objects.get()
    assert (
        complaint.state == ComplaintState.OPEN and complaint.opened_by.username == "sf_supervisor"
    )
    assert complaint.department == complaint.rating.department

    out = StringIO()
    call_command("seed_demo", quiet_accounts=True, stdout=out)
    assert "【企业评价】已就绪，本次新建：企业评价 0。" in out.getvalue()
    assert "【投诉】已就绪，本次新建：投诉 0。" in out.getvalue()
    assert (Rating.objects.count(), Complaint.objects.count()) == (2, 1)

    links = RatingLink.objects.select_related("inspection__firm").order_by("inspection__code")
    assert links.count() == 6  # every closed demo inspection
    # Last year's closed last summer (demo.clock): the links not used have expired since. This
    # year's first inspection was closed while its task runs: its link is open, once.
    today = timezone.localdate()
    current = [link for link in links if link.is_valid_on(today)]
    assert [link.inspection.task.code for link in current] == [current_task_code()]
    pages = [client.get(reverse("public:rating-statistics")).content.decode()]
    for link in links:
        page = client.get(reverse("public:rating", args=[link.token])).content.decode()
        if link in current:
            assert 'data-testid="rating-form"' in page
        else:
            assert "链接无效或已过期" in page
        pages.append(page)
    forbidden = set()
    for link in links:
        forbidden |= _forbidden(link.inspection)
    for page in pages:
        leaked = [value for value in forbidden if value in page]
        assert leaked == []


def test_the_demo_supervisor_and_department_open_their_pages(db, client):
    from django.contrib.auth import get_user_model

    from tests.conftest import log_in

    cache.clear()
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    users = get_user_model().objects
    complaint = Complaint.objects.get()
    log_in(client, users.get(username="sf_supervisor"))
    pages = [
        reverse("ratings:list"),
        reverse("ratings:detail", args=[complaint.rating_id]),
        reverse("ratings:complaints"),
        reverse("ratings:complaint", args=[complaint.pk]),
        reverse("ratings:statistics"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert " style=" not in response.content.decode(), url
    stats = client.get(reverse("ratings:statistics")).content.decode()
    assert complaint.department.name in stats
    client.logout()
    log_in(client, users.get(username="kj_admin"))
    assert complaint.number in client.get(reverse("ratings:complaints")).content.decode()
    summary = client.get(reverse("ratings:summary")).content.decode()
    assert "评价数不足5条，不予显示" in summary  # two ratings only
