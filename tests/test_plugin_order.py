"""The plugins form one contract, not a sequence: any order in mkdocs.yml gives the same site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from kit import DEMO_CLOCK, ROOT, differences, mkdocs_build

pytestmark = pytest.mark.build

DEMO_PLUGINS = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]


def demo_with_plugins(tmp_path: Path, plugins: list) -> Path:
    """A copy of the demo whose mkdocs.yml lists ``plugins`` (each item as the demo writes it)."""
    root = tmp_path / "demo"
    for name in ("catalog", "content", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    block = yaml.safe_dump({"plugins": plugins}, allow_unicode=True, sort_keys=False)
    text = re.sub(r"^plugins:\n(?:  .*\n|\s*\n)+", block + "\n", text, flags=re.M)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert yaml.safe_load(text)["plugins"] == plugins
    return root


@pytest.mark.parametrize("order", ["reversed", "rotated"])
def test_any_plugin_order_builds_the_same_site(demo_site, tmp_path, order):
    plugins = DEMO_PLUGINS[::-1] if order == "reversed" else DEMO_PLUGINS[2:] + DEMO_PLUGINS[:2]
    assert plugins != DEMO_PLUGINS
    root = demo_with_plugins(tmp_path, plugins)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", env=DEMO_CLOCK)
    assert result.returncode == 0, result.stderr
    assert differences(demo_site, root / "site") == []


def plugin_name(item) -> str:
    return item if isinstance(item, str) else next(iter(item))


@pytest.mark.parametrize("disabled", [plugin_name(p) for p in DEMO_PLUGINS])
def test_every_plugin_can_be_disabled(tmp_path, disabled):
    plugins = []
    for item in DEMO_PLUGINS:
        name = plugin_name(item)
        options = {} if isinstance(item, str) else dict(item[name] or {})
        if name == disabled:
            options["enabled"] = False
        plugins.append({name: options} if options else name)
    root = demo_with_plugins(tmp_path, plugins)
    result = mkdocs_build(root / "mkdocs.yml", root / "site", strict=False, env=DEMO_CLOCK)
    assert "Traceback" not in result.stderr, result.stderr
    site = root / "site"
    if disabled == "gongkai/catalog":
        # Without the core nothing of the section is generated and the features stay inactive; the demo's
        # nav entry for the section then names a missing page, which its strict: true turns into a failure.
        assert "A reference to 'xxgk/' is included in the 'nav'" in result.stderr
        assert "ERROR" not in result.stderr
        assert not (site / "xxgk").exists()
    elif disabled in ("gongkai/checks", "gongkai/search", "gongkai/feeds", "gongkai/sitereport", "gongkai/accessibility"):
        assert result.returncode == 0, result.stderr
        assert (site / "xxgk" / "index.html").is_file()
        own = {"gongkai/feeds": "dingyue/index.html", "gongkai/sitereport": "wzbb/2025/index.html",
               "gongkai/accessibility": "wzasm/index.html"}.get(disabled)
        assert own is None or not (site / own).exists()
    else:
        # The demo's 解读/征集 fields and 年报 columns need their plugin: the build says so, file by file.
        assert result.returncode == 1
        assert "发现" in result.stderr and "个错误" in result.stderr
        assert not site.exists()
