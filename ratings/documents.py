"""The firm's rating link on the 检查结果告知书 (fieldwork's documents, below this app, call it
through `register_result_notice_addition`): its address and QR code, once the inspection is
closed and the link issued."""

from django.urls import reverse

from fieldwork.documents.blocks import Block, Heading, Para, Qr
from fieldwork.documents.content import day
from fieldwork.models import Inspection
from ratings.models import RatingLink
from ratings.views import rating_url


def rating_link_blocks(request, inspection: Inspection) -> list[Block]:
    link = RatingLink.objects.filter(inspection=inspection).first()
    if link is None or request is None:
        return []
    url = rating_url(request, link.token)
    return [
        Heading("请对本次检查进行评价"),
        Qr(
            url=url,
            image_url=reverse("ratings:inspection-link-png", args=[inspection.pk]),
            caption=(
                f"请用手机扫描二维码或访问 {url}，对本次检查作出评价（{day(link.last_day)}前有效，"
                "只能评价一次）。评价直接报送执法监督机构（司法行政部门）；本机关看不到单个企业的"
                "评价，只能看到不少于5条评价的汇总。"
            ),
            testid="result-rating",
        ),
        Para("检查中如有索要财物、吃拿卡要等情况，可在评价中反映，或向执法监督机构投诉。"),
    ]
