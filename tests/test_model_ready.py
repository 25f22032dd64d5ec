"""The model-ready stage: editor tools load the catalog and documents through the build's own plugins and stop
there — no page rendered, no 申请表 DOCX, no feed, no scan, nothing written (issue 20, item 7).

"Before" is the whole ``on_files`` of a build (``load_site(..., model_only=False)``, what `gongkai new` and
`gongkai report-prefill` ran until now): the commands must give the same result either way."""

from __future__ import annotations

import functools
import io
import shutil
import sys
from pathlib import Path

import pytest
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from gongkai import cli
from gongkai.commands import new as new_command
from gongkai.commands import report_prefill as prefill_command
from gongkai.editor import site as editor_site
from gongkai.plugins.catalog import pages
from gongkai.plugins.catalog.model_ready import MODEL_READY
from gongkai.plugins.catalog.plugin import CatalogPlugin
from gongkai.plugins.checks.plugin import ChecksPlugin
from gongkai.plugins.feeds.plugin import FeedsPlugin
from gongkai.validity import status_on
from kit import ROOT, copy_site

INTERACTION = Path(__file__).parent / "fixtures" / "interaction"


@pytest.fixture
def demo_copy(tmp_path):
    """A writable copy of the demo site's sources."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root)
    for folder in ("catalog", "content", "overrides"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture
def no_output(monkeypatch):
    """Every step that makes output from the model fails the test if it runs."""
    def refuse(what):
        def refused(*args, **kwargs):
            raise AssertionError(f"{what} ran while loading the model")
        return refused

    monkeypatch.setattr(pages.SectionPages, "generate", refuse("the section's pages"))
    monkeypatch.setattr(pages, "form_docx", refuse("a 申请表 DOCX"))
    monkeypatch.setattr(Page, "render", refuse("a page's Markdown"))
    for plugin, what in ((ChecksPlugin, "the checks' scans"), (FeedsPlugin, "the feeds")):
        monkeypatch.setattr(plugin, "on_files", event_priority(plugin.on_files.mkdocs_priority)(refuse(what)))


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def run(root: Path, monkeypatch, capsys, *argv: str, stdin: str = ""):
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_stage_is_the_cores_generate_priority():
    """The cut falls where the core starts generating: its late on_files handler has that priority."""
    generate = CatalogPlugin.on_files.methods[1]
    assert generate.mkdocs_priority == MODEL_READY
    assert ChecksPlugin.on_files.mkdocs_priority < MODEL_READY and FeedsPlugin.on_files.mkdocs_priority < MODEL_READY


def test_new_loads_the_model_and_writes_only_the_new_file(demo_copy, no_output, monkeypatch, capsys):
    """On the demo: no page, form, feed or scan, nothing in site_dir or the build cache; the same 索引号, 文号 and
    file as the full load gave (999000001/2026-00904, 示政发〔2026〕9号, recorded before the change)."""
    before = tree(demo_copy)
    code, out, err = run(demo_copy, monkeypatch, capsys, "new", "szf", "gfxwj", "关于测试的通知", "--date", "2026-11-20")
    assert code == 0, err
    assert out.strip() == "content/wj/szf/2026/00904.md"
    assert "索引号 999000001/2026-00904，文号 示政发〔2026〕9号" in err
    after = tree(demo_copy)
    assert set(after) - set(before) == {"content/wj/szf/2026/00904.md"}
    assert {k: v for k, v in after.items() if k in before} == before
    assert not (demo_copy / "site").exists()
    # A 历史版本 file (cxdbbf/2025-12-12.md) is an earlier text, not a file with errors.
    assert "有错误" not in err


def test_the_model_is_the_builds_model():
    """Loaded to the model-ready stage or through every on_files handler: the same documents, numbers, links,
    有效性 and 历史版本, and no file taken for rejected."""
    def facts(site):
        day = site.today()
        linked = site.interaction.interaction
        return [(d.src_path, d.index_number, d.doc_number, d.title, d.publisher_id, tuple(d.column_ids), d.url,
                 status_on(d, day), tuple((v.date, v.url) for v in d.timeline.versions),
                 tuple(o.src_path for i in [linked.interpretation(d)] if i for o in i.originals),
                 tuple(i.document.src_path for i in linked.interpretations_of(d)),
                 tuple(n and n.src_path for n in site.core.index.neighbours.get(d.src_path, ())))
                for d in site.documents], [(r.path, r.index_number) for r in site.rejected]

    # MkDocs keeps one instance of each plugin per process: the facts are taken before the next load resets it.
    model = facts(editor_site.load_site(ROOT / "mkdocs.yml"))
    full = facts(editor_site.load_site(ROOT / "mkdocs.yml", model_only=False))
    assert len(model[0]) > 300 and any(f[7] != "有效" for f in model[0]) and any(f[8] for f in model[0])
    assert any(f[9] for f in model[0]) and any(f[11] for f in model[0])
    assert model == full
    assert model[1] == []


COMMANDS = [
    ("new", "szf", "行政规范性文件", "测试市人民政府关于印发测试市养老服务办法的通知", "--daizi", "测政发", "--date", "2026-11-30"),
    ("new", "解读", "999100001/2026-00001", "--form", "图解", "--date", "2026-11-30"),
    ("new", "征集", "jyj", "关于征求意见的通知", "--type", "行政规范性文件", "--date", "2026-11-30"),
    ("new", "反馈", "999100002/2026-00016", "--date", "2026-11-30"),
    ("report-prefill", "szf", "2025", "--stdout"),
]


@pytest.mark.build
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_same_result_as_the_full_load(argv, tmp_path, monkeypatch, capsys):
    """Each editor command gives the same exit code, messages and file from the model alone as from the full load."""
    results = []
    for model_only in (False, True):
        root = copy_site(tmp_path / str(model_only), INTERACTION)
        load = functools.partial(editor_site.load_site, model_only=model_only)
        monkeypatch.setattr(new_command, "load_site", load)
        monkeypatch.setattr(prefill_command, "load_site", load)
        before = set(tree(root))
        code, out, err = run(root, monkeypatch, capsys, *argv)
        written = {rel: (root / rel).read_text(encoding="utf-8") for rel in set(tree(root)) - before}
        results.append((code, out, err, written))
    assert results[0][0] == 0, results[0][2]
    assert results[1] == results[0]
    assert argv[0] != "new" or len(results[1][3]) == 1


@pytest.mark.build
@pytest.mark.parametrize("org", ["szf", "mzj"])
def test_prefill_on_the_demo_is_unchanged(org, monkeypatch, capsys):
    """The demo's 规章 and 行政规范性文件 are abolished and amended through 依据 on either side (joined by the
    model-ready stage, gongkai.validity): the prefilled 二 is the one the full load gives."""
    outputs = []
    for model_only in (False, True):
        monkeypatch.setattr(prefill_command, "load_site", functools.partial(editor_site.load_site, model_only=model_only))
        outputs.append(run(ROOT, monkeypatch, capsys, "report-prefill", org, "2025", "--stdout"))
    assert outputs[0][0] == 0, outputs[0][2]
    assert "本年制发" in outputs[0][1] or "本年废止" in outputs[0][1]
    assert outputs[1] == outputs[0]
