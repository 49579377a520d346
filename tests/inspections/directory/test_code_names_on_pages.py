"""Region and industry codes are shown with their names on the staff pages (issue 17)."""

from django.template import Context, Template
from django.urls import reverse

from tests.conftest import log_in


def _render(text: str) -> str:
    return Template("{% load directory %}" + text).render(Context({}))


def test_a_known_code_reads_with_its_name_and_an_unknown_one_as_it_is():
    assert _render('{{ "220104"|region }}') == "朝阳区（220104）"
    assert _render('{{ "I6513"|industry }}') == "应用软件开发（I6513）"
    assert _render('{{ "999999"|region }}') == "999999"
    assert _render('{{ ""|industry }}') == ""


def test_the_directory_list_names_each_firms_region_and_industry(client, planner, make_firm):
    make_firm(region="220104", industry_code="I6513")
    log_in(client, planner)
    page = client.get(reverse("directory:firms")).content.decode()
    assert "朝阳区（220104）" in page and "应用软件开发（I6513）" in page
