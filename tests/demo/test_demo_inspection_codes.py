"""Every demo inspection has its 检查码, and its public verification page shows no personal
data: the demo's inspections are closed, so each page is read both as it is (检查已办结) and as
if the code were valid today (the full page), and searched for every forbidden value."""

from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from fieldwork.models import CodeStatus, Inspection, InspectionCode


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _forbidden(inspection: Inspection) -> set[str]:
    """The firm's identity and people, the officers' ID and phone, and what the team wrote."""
    firm = inspection.firm
    values = {inspection.firm_uscc, inspection.firm_name, firm.address, firm.legal_representative}
    for member in inspection.members.select_related("officer"):
        values |= {member.officer.citizen_id, member.officer.phone}
    for record in inspection.records.all():
        values.add(record.place)
        for key in ("signatory", "note", "notes", "findings", "opinion", "reason", "recipient"):
            values |= set(_strings(record.content.get(key)))
    return {v for v in values if v and len(v) >= 4}


def test_every_demo_inspection_has_a_code_whose_public_page_shows_no_personal_data(
    db, client, monkeypatch
):
    cache.clear()  # the public pages are rate-limited per address
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    inspections = list(Inspection.objects.select_related("firm").order_by("code"))
    assert inspections
    codes = {c.inspection_id: c for c in InspectionCode.objects.all()}
    assert set(codes) == {i.pk for i in inspections}

    pages = {}
    for inspection in inspections:
        url = reverse("public:inspection-code", args=[codes[inspection.pk].token])
        pages[inspection.pk] = [client.get(url).content.decode()]
    monkeypatch.setattr(InspectionCode, "status", lambda self, today: CodeStatus.VALID)
    for inspection in inspections:
        url = reverse("public:inspection-code", args=[codes[inspection.pk].token])
        page = client.get(url).content.decode()
        assert "检查码有效" in page
        pages[inspection.pk].append(page)

    for inspection in inspections:
        forbidden = _forbidden(inspection)
        assert inspection.firm_uscc in forbidden
        for page in pages[inspection.pk]:
            leaked = [value for value in forbidden if value in page]
            assert not leaked, (inspection.code, leaked)
