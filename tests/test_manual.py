"""The 编辑手册 (content/bangzhu/): served by the demo for editors but not public (not in the nav, search, sitemap.xml;
noindex), its screenshots present, and the
examples it tells editors to copy accepted by gongkai's own loader."""

from __future__ import annotations

import re
import struct

import pytest

from kit import ROOT
from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader
from gongkai.errors import Problems
from gongkai.interaction import FIELDS

MANUAL = ROOT / "content" / "bangzhu"
PAGES = sorted(p.stem for p in MANUAL.glob("*.md"))


def test_every_manual_page_is_served_but_not_public(demo_site):
    assert PAGES == ["fabu", "fujian", "index", "jiancha", "jiedu", "nianbao", "qianyi", "youxiaoxing", "zhengji"]
    for public in ("index.html", "xxgk/index.html", "wzdt/index.html"):
        assert "bangzhu/" not in (demo_site / public).read_text(encoding="utf-8"), public
    assert "bangzhu" not in (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    assert not any("bangzhu" in p.read_text(encoding="utf-8") for p in (demo_site / "search").rglob("*.json"))
    for name in PAGES:
        html = (demo_site / "bangzhu" / ("" if name == "index" else name) / "index.html").read_text(encoding="utf-8")
        title = re.search(r"^title: (.+)$", (MANUAL / f"{name}.md").read_text(encoding="utf-8"), re.M).group(1)
        assert "<h1" in html and title in html
        assert '<meta name="robots" content="noindex">' in html


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", PAGES)
def test_screenshots_are_committed_and_served(demo_site, name):
    text = (MANUAL / f"{name}.md").read_text(encoding="utf-8")
    for image in re.findall(r"!\[[^\]]+\]\((img/[^)]+\.png)\)", text):
        source = (MANUAL / image).read_bytes()
        width, height = png_size(source)
        assert 400 <= width <= 1280 and 200 <= height <= 800, image  # a real screenshot, not a stand-in pixel
        folder = demo_site / "bangzhu" / ("" if name == "index" else name)
        assert (demo_site / "bangzhu" / image).read_bytes() == source
        assert f'src="{"" if name == "index" else "../"}{image}"' in (folder / "index.html").read_text(encoding="utf-8")


def examples(name: str) -> list[str]:
    return re.findall(r"```markdown\n(.*?)```", (MANUAL / f"{name}.md").read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("name", ["index", "fabu", "jiedu", "youxiaoxing"])
def test_the_documents_the_manual_shows_load_without_problems(name):
    catalog = load_catalog(ROOT / "catalog")
    found = examples(name)
    assert found
    for number, text in enumerate(found):
        problems = Problems()
        loader = DocumentLoader(catalog, problems, dict.fromkeys(FIELDS, "gongkai/interaction"))
        doc = loader.load(text.replace("……", "正文。"), f"wj/example/{name}-{number}.md", f"{name}.md 示例")
        assert problems.items == [] and doc is not None, [str(p) for p in problems.items]
