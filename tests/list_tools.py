"""What every staff list page offers (issue 17, backend/listing.py): checked the same way on
each list. `check_list` opens the list filtered, reads its total and rows, opens its reset link
and its export of the same filter, and returns the exported rows (openpyxl) for the caller's own
assertions."""

import io
import re
from urllib.parse import urlencode

from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from backend.excel import XLSX_CONTENT_TYPE

_TOTAL = re.compile(r'data-testid="list-total">共 (\d+) ')


def total_of(body: str) -> int:
    found = _TOTAL.search(body)
    assert found, "the list says how many it holds (共 N 条)"
    return int(found[1])


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = book.worksheets[0]
    return [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]


def check_list(
    client,
    url: str,
    *,
    params: dict,
    shown: list[str],
    hidden: list[str],
    total: int,
    audit_action: str = "list.export",
):
    """The list at `url` filtered by `params`: it shows `shown`, not `hidden`, says 共 `total`;
    its 重置 is the bare address, whose total is at least as large; its export (if it offers
    one) is of the same filter, audited once. Returns the exported rows (header first), or None
    for a list without an export."""
    response = client.get(url, params)
    assert response.status_code == 200, url
    body = response.content.decode()
    for text in shown:
        assert text in body, text
    for text in hidden:
        assert text not in body, text
    assert total_of(body) == total
    assert 'data-testid="list-search">查询</button>' in body
    assert f'<a class="button" href="{url}" data-testid="list-reset">重置</a>' in body
    bare = client.get(url).content.decode()
    assert total_of(bare) >= total
    export = re.search(r'href="([^"]+)" data-testid="list-export"', body)
    if export is None:
        return None
    href = export[1].replace("&amp;", "&")
    assert href.endswith("?" + urlencode(params)), href
    before = AuditEvent.objects.filter(action=audit_action).count()
    rows = workbook_rows(client.get(href))
    assert AuditEvent.objects.filter(action=audit_action).count() == before + 1
    return rows
