"""Every public page ends with 主办单位, contact and the 备案 number from settings; a line whose
setting is unset is left out. The open-data notes are on their own page, not the citizens' home."""

import pytest


@pytest.mark.parametrize(
    "path", ["/", "/public/", "/public/firms/?q=x", "/public/procedures/", "/public/results/"]
)
def test_the_footer_shows_the_host_contact_and_filing_number(client, db, settings, path):
    settings.PORTAL_HOST_ORGANISATION = "某某市市场监督管理局"
    settings.PORTAL_CONTACT = "0431-12345678"
    settings.PORTAL_ICP_NUMBER = "吉ICP备12345678号"
    html = client.get(path).content.decode()
    assert "主办单位：某某市市场监督管理局" in html
    assert "联系方式：0431-12345678" in html
    assert 'href="https://beian.miit.gov.cn/"' in html and "吉ICP备12345678号" in html


def test_an_unset_line_is_left_out(client, db, settings):
    settings.PORTAL_HOST_ORGANISATION = "某某市市场监督管理局"
    settings.PORTAL_CONTACT = ""
    settings.PORTAL_ICP_NUMBER = ""
    html = client.get("/public/").content.decode()
    assert "主办单位：某某市市场监督管理局" in html
    assert "联系方式" not in html and "beian.miit.gov.cn" not in html


def test_with_nothing_set_there_is_no_footer(client, db, settings):
    settings.PORTAL_HOST_ORGANISATION = settings.PORTAL_CONTACT = settings.PORTAL_ICP_NUMBER = ""
    html = client.get("/public/").content.decode()
    assert 'data-testid="portal-footer"' not in html and "主办单位" not in html


def test_the_home_page_speaks_to_citizens_and_the_api_notes_are_on_their_own_page(client, db):
    home = client.get("/public/").content.decode()
    assert "429" not in home and "CORS" not in home and "跨域" not in home
    assert 'href="/public/open-data/"' in home
    notes = client.get("/public/open-data/").content.decode()
    assert "429" in notes and "CORS" in notes and "/api/v1/public/" in notes
    assert 'href="/api/docs/"' in notes
