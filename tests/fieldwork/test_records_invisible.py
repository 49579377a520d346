"""An inspection record's free text is stripped of bidi, zero-width and control characters
before its hash is computed, so the chain still verifies (issue 20, item 10)."""

from datetime import date

from fieldwork import chain
from fieldwork.models import RecordKind
from fieldwork.selectors.records import checkpoints_of, latest, payload_of
from fieldwork.services import records

RLO = "\u202e"


def test_record_free_text_is_stored_clean_and_the_chain_holds(inspection, team):
    first = team[0]
    records.issue_notice(
        actor=first, inspection=inspection, served_on=date.today(), delivery=f"{RLO}当面送达"
    )
    records.record_arrival(
        actor=first,
        inspection=inspection,
        method="onsite",
        officers_present=[m.certificate_number for m in inspection.members.all()],
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
        place=f"长春市{RLO}朝阳区\u200b某大厦12层",
        latitude="43.880000",
        longitude="125.320000",
    )
    for point in checkpoints_of(inspection):
        records.record_findings(actor=first, inspection=inspection, check_point=point, checked=True)
    records.record_result(actor=first, inspection=inspection, codes=["no-problem"])
    records.record_firm_opinion(
        actor=first,
        inspection=inspection,
        opinion=f"{RLO}无异议\r\n\t已签字\x1b",
        signatory="王\u200d经理",
        signed=True,
    )
    arrival = latest(inspection, RecordKind.ON_SITE)
    assert arrival.place == "长春市朝阳区某大厦12层"
    assert latest(inspection, RecordKind.NOTICE).content["delivery"] == "当面送达"
    opinion = latest(inspection, RecordKind.FIRM_OPINION).content
    assert opinion["opinion"] == "无异议\n\t已签字" and opinion["signatory"] == "王经理"
    rows = list(inspection.records.order_by("sequence"))
    assert (
        chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows) is None
    )
