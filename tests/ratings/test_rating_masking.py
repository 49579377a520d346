"""A rating's text with an ID or phone number is stored as written and masked wherever shown
(issue 16, security)."""

from django.urls import reverse
from rating_builders import ANSWERS, link_of

from ratings.models import Rating
from ratings.services import open_complaint, submit_rating
from tests.conftest import log_in

ID = "110101199003074514"
MOBILE = "13800138000"


def test_numbers_are_stored_and_masked_on_the_supervisor_s_pages_and_api(
    closed_inspections, client, supervisor, department_admin
):
    [inspection] = closed_inspections(1)
    submit_rating(
        token=link_of(inspection).token,
        **{
            **ANSWERS,
            "asked_for_favours": True,
            "favours_detail": f"让我打 {MOBILE} 联系",
            "comment": f"联系人身份证{ID}，电话138 0013 8000",
        },
    )
    rating = Rating.objects.get()
    assert ID in rating.comment and MOBILE in rating.favours_detail  # stored as written

    log_in(client, supervisor)
    pages = [
        client.get(reverse("ratings:list")).content.decode(),
        client.get(reverse("ratings:detail", args=[rating.pk])).content.decode(),
        client.get("/api/v1/ratings/").content.decode(),
    ]
    for body in pages:
        assert ID not in body and MOBILE not in body and "138 0013 8000" not in body
    assert "1101" in pages[1] and "*" in pages[1]  # masked, not removed

    complaint = open_complaint(actor=supervisor, rating=rating, subject=f"回电{MOBILE}核实")
    client.logout()
    log_in(client, department_admin)
    page = client.get(reverse("ratings:complaint", args=[complaint.pk])).content.decode()
    assert "回电" in page and MOBILE not in page
