"""The format registry: one place for every format, used by ladder charts, org charts, web, CLI."""

from __future__ import annotations

import pytest

from orgpath.org import demo_org
from orgpath.render import formats
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.render.orgchart import ChartError, org_chart


def test_lookup_by_name_and_by_suffix():
    assert formats.get("mmd").media_type == "text/vnd.mermaid; charset=utf-8"
    assert formats.by_suffix("ORG.GV").name == "dot"
    assert formats.by_suffix("team.mermaid", "ladder").name == "mmd"
    assert formats.by_suffix("team.mermaid", "org") is None
    assert formats.by_suffix("notes.txt") is None
    assert formats.lookup("graphml", "org") is None
    assert formats.lookup("graphml", "ladder").name == "graphml"


def test_org_and_ladder_formats():
    assert formats.names("org") == ("svg", "png", "pdf", "dot", "json", "pptx", "csv", "xlsx")
    assert formats.names("ladder") == ("svg", "png", "pdf", "dot", "json", "graphml", "mmd",
                                       "pptx")
    assert formats.names("matrix") == ("svg", "pdf", "csv", "xlsx")
    assert ORG_FORMATS == formats.names("org")


@pytest.mark.parametrize("kind", ["ladder", "org", "matrix"])
def test_every_writer_can_be_imported(kind):
    for f in formats.for_chart(kind):
        assert callable(f.writer(kind)), f.name


def test_a_format_an_org_chart_has_not():
    with pytest.raises(ValueError, match="org charts cannot be written as mmd"):
        formats.get("mmd").writer("org")
    with pytest.raises(ChartError, match="unknown format 'mmd'"):
        org_chart(demo_org(), "mmd")


@pytest.mark.parametrize("url", [
    "/ladders/account-management/chart.dot",
    "/ladders/account-management/chart.mmd",
    "/ladders/account-management/chart.svg",
    "/orgs/acme/chart.dot",
    "/orgs/acme/chart.svg",
])
def test_one_charset_parameter_over_http(org_client, url):
    r = org_client.get(url)
    assert r.status_code == 200
    fmt = formats.get(url.rsplit(".", 1)[1])
    assert r.headers["Content-Type"].count("charset") == 1
    assert r.mimetype == fmt.mimetype


def test_binary_formats_have_no_charset(org_client):
    for url in ("/ladders/account-management/chart.png", "/orgs/acme/chart.pdf"):
        r = org_client.get(url)
        assert r.status_code == 200
        assert "charset" not in r.headers["Content-Type"]
