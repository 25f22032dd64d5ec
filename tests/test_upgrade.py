"""A site written for the previous release (0.1.0) still builds, says what to run, and `gongkai upgrade` rewrites
it to the current names: tests/fixtures/previous-site uses every name 0.2.0 renamed (docs/upgrading.md)."""

from __future__ import annotations

import contextlib
import re
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from gongkai import deprecations, upgrade
from gongkai.commands import upgrade as upgrade_command
from kit import build, copy_site

PREVIOUS = Path(__file__).parent / "fixtures" / "previous-site"
# The old variable, and none of the new: a CI written for 0.1.0.
OLD_CI = {"GONGKAI_AS_OF": "", "GONGKAI_TODAY": "2026-11-30", "GONGKAI_CACHE": "0"}
DEPRECATION_WORDS = ("已更名", "已移到", "gongkai upgrade")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "site" not in p.relative_to(root).parts[:1] and ".cache" not in p.parts}


def run_upgrade(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = upgrade_command.main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.build
def test_a_previous_site_builds_says_what_to_run_and_builds_clean_after_upgrade(tmp_path, monkeypatch):
    root = copy_site(tmp_path, PREVIOUS)
    before = build(root, env=OLD_CI)
    assert before.returncode == 0, before.stderr[-3000:]
    log = before.stderr
    # every old name is named with its new one and the command that rewrites it
    for old, new in deprecations.TONGJIBIAO_ROWS.items():
        assert f"指标名“{old}”已更名为“{new}”" in log
    assert "gongkai/interaction 的选项 today（构建所按的日期）已移到 gongkai/catalog 的 as_of：本次仍按它构建" in log
    assert "mkdocs.yml:14: gongkai/interaction 的选项 timezone" in log
    assert "gongkai/checks 的选项 as_of（检查所按的日期）已移到 gongkai/catalog 的 as_of：本次以 gongkai/interaction 的 today 为准" in log
    assert "$GONGKAI_TODAY=2026-11-30 已更名为 $GONGKAI_AS_OF" in log
    deprecations_logged = [line for line in log.splitlines() if "已更名" in line or "已移到" in line]
    assert len(deprecations_logged) == 8
    assert all("运行 gongkai upgrade" in line for line in deprecations_logged)
    assert not any("未列" in line for line in deprecations_logged)  # never: it would publish "—" for the figures
    assert "截至 2026-11-30" in log  # the old setting still pins the day
    # the printed figures are published under the new labels
    csv = (root / "site" / "xxgk" / "szf" / "ndbg" / "szf-2018-nianbao.csv").read_text(encoding="utf-8")
    assert "5.不属于本行政机关公开数,统计数,件,17" in csv and "8.告知通过其他途径办理数,统计数,件,2" in csv
    # a column id that starts with a digit, accepted by 0.1.0, keeps its address
    assert (root / "site" / "xxgk" / "jyj" / "2024zt" / "index.html").is_file()
    # a 机构代码 0.1.0 accepted keeps its published 索引号, with a warning that says not to change it
    assert "机构代码“99910000-3”含有连字符或空格" in log and "已用它编发过索引号的不要改" in log
    assert "99910000-3/2025-00001" in (root / "site" / "xxgk" / "dcjd" / "mulu" / "index.html").read_text("utf-8")

    monkeypatch.delenv("GONGKAI_TODAY", raising=False)
    untouched = snapshot(root)
    code, diff, _ = run_upgrade(str(root), "--dry-run")
    assert code == 0 and snapshot(root) == untouched
    assert "-      today: 2026-11-30    # 0.1.0: the day the build is made for" in diff
    assert "+      as_of: 2026-11-30    # 0.1.0: the day the build is made for" in diff
    assert "+    不属于本行政机关公开数: 17" in diff and '+      GONGKAI_AS_OF: "2026-11-30"' in diff
    assert "+      - run: GONGKAI_AS_OF=2026-11-30 gongkai check --json check.json" in diff

    code, _, err = run_upgrade(str(root))
    assert code == 0 and "已改写 3 个文件" in err
    upgraded = snapshot(root)
    code, _, err = run_upgrade(str(root))
    assert code == 0 and "无需改写" in err and snapshot(root) == upgraded  # idempotent

    after = build(root, env={"GONGKAI_AS_OF": "", "GONGKAI_CACHE": "0"})
    assert after.returncode == 0, after.stderr[-3000:]
    assert not any(word in after.stderr for word in DEPRECATION_WORDS), after.stderr[-3000:]
    assert "截至 2026-11-30" in after.stderr  # as_of moved to gongkai/catalog
    assert (root / "site" / "xxgk" / "szf" / "ndbg" / "szf-2018-nianbao.csv").read_text(encoding="utf-8") == csv


def test_upgrade_keeps_comments_order_and_quoting():
    text = ("plugins:\n"
            "  - search\n"
            "  - gongkai/catalog   # the core\n"
            "  - gongkai/interaction:\n"
            "      today: '2026-11-23 17:00'  # pinned\n"
            "  - gongkai/checks:\n"
            "      as_of: 2026-11-01\n"
            "      allow: [\"12345\"]\n"
            "markdown_extensions:\n"
            "  - toc\n")
    after, done = upgrade.upgrade_config(text)
    assert after == ("plugins:\n"
                     "  - search\n"
                     "  - gongkai/catalog:   # the core\n"
                     "      as_of: '2026-11-23 17:00'  # pinned\n"
                     "  - gongkai/interaction\n"
                     "  - gongkai/checks:\n"
                     "      allow: [\"12345\"]\n"
                     "markdown_extensions:\n"
                     "  - toc\n")
    assert done[0] == "gongkai/interaction 的 today → gongkai/catalog 的 as_of"
    assert "以它为准" in done[1]
    assert upgrade.upgrade_config(after) == (after, [])


def test_upgrade_reads_plugins_written_as_a_mapping_and_keeps_crlf():
    text = "plugins:\r\n  gongkai/catalog:\r\n    section: xxgk\r\n  gongkai/interaction:\r\n    timezone: Asia/Urumqi\r\n"
    after, _ = upgrade.upgrade_config(text)
    assert after == ("plugins:\r\n  gongkai/catalog:\r\n    section: xxgk\r\n    timezone: Asia/Urumqi\r\n"
                     "  gongkai/interaction\r\n")


def test_upgrade_renames_old_rows_in_untouched_lines_and_in_the_absent_list():
    text = ("发布机构: szf\n年度: 2018\n发布日期: 2019-03-22\n正文: |\n  不属于本行政机关公开: 这是正文，不改\n"
            "未列: [申请信息不存在, 回应解读情况]   # 原表没有\n"
            "统计表:\n  依申请公开情况:\n    不属于本行政机关公开: 17   # 原表第5行\n    \"告知作出更改补充\": 4\n")
    after, done = upgrade.upgrade_report(text, "r.yml")
    assert after == ("发布机构: szf\n年度: 2018\n发布日期: 2019-03-22\n正文: |\n  不属于本行政机关公开: 这是正文，不改\n"
                     "未列: [申请信息不存在数, 回应解读情况]   # 原表没有\n"
                     "统计表:\n  依申请公开情况:\n    不属于本行政机关公开数: 17   # 原表第5行\n    \"告知作出更改补充数\": 4\n")
    assert len(done) == 3 and upgrade.upgrade_report(after, "r.yml") == (after, [])
    block = "发布机构: szf\n未列:\n  - 依申请公开情况·告知作出更改补充\n  - 回应解读情况\n统计表: {}\n"
    assert upgrade.upgrade_report(block, "r.yml")[0] == block.replace("告知作出更改补充", "告知作出更改补充数")


def fake_config(tmp_path, interaction=None, checks=None):
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("plugins:\n  - gongkai/catalog\n", encoding="utf-8")
    plugins = {}
    if interaction is not None:
        plugins["gongkai/interaction"] = SimpleNamespace(config=interaction)
    if checks is not None:
        plugins["gongkai/checks"] = SimpleNamespace(config=checks)
    return SimpleNamespace(get=lambda key: str(config_file), plugins=plugins)


def test_the_old_date_variable_is_honoured_with_a_warning_unless_the_new_one_is_set(tmp_path, monkeypatch):
    config = fake_config(tmp_path)
    monkeypatch.delenv("GONGKAI_AS_OF", raising=False)
    monkeypatch.setenv("GONGKAI_TODAY", "2026-11-23")
    as_of, zone, [problem] = deprecations.clock_settings(config, None, "Asia/Shanghai", "Asia/Shanghai")
    assert as_of == "2026-11-23" and zone == "Asia/Shanghai" and problem.severity == "warning"
    assert problem.message == "$GONGKAI_TODAY=2026-11-23 已更名为 $GONGKAI_AS_OF：本次仍按它构建"
    monkeypatch.setenv("GONGKAI_AS_OF", "2026-12-01")
    as_of, _, [problem] = deprecations.clock_settings(config, None, "Asia/Shanghai", "Asia/Shanghai")
    assert as_of is None  # the clock reads $GONGKAI_AS_OF itself
    assert "本次以 $GONGKAI_AS_OF 为准，它不起作用" in problem.message


def test_old_timezone_applies_only_when_the_core_keeps_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv("GONGKAI_TODAY", raising=False)
    monkeypatch.delenv("GONGKAI_CHECK_AS_OF", raising=False)
    config = fake_config(tmp_path, interaction={"timezone": "Asia/Urumqi", "today": None}, checks={"as_of": None})
    assert deprecations.clock_settings(config, None, "Asia/Shanghai", "Asia/Shanghai")[1] == "Asia/Urumqi"
    assert deprecations.clock_settings(config, None, "Asia/Hong_Kong", "Asia/Shanghai")[1] == "Asia/Hong_Kong"


@pytest.mark.build
def test_the_build_summary_counts_what_gongkai_check_counts(tmp_path):
    """The build said “1 个警告” where `gongkai check` said 10: the core's input warnings are findings too."""
    from kit import gongkai_check

    root = copy_site(tmp_path, PREVIOUS)
    built = build(root, env=OLD_CI)
    checked = gongkai_check(root, env=OLD_CI)
    [summary] = [line.split("INFO    -  ", 1)[1] for line in built.stderr.splitlines() if "发布前检查（截至" in line]
    assert summary == checked.stdout.splitlines()[0] == "发布前检查（截至 2026-11-30）：0 个错误，10 个警告，5 个提示"


@pytest.mark.build
def test_a_relative_config_path_names_files_that_exist(tmp_path):
    """`mkdocs build -f mkdocs.yml` (as CI runs it): report messages named reports/szf/2018.yml, which does not
    exist; every message names files relative to the folder of mkdocs.yml."""
    import os
    import subprocess
    import sys

    root = copy_site(tmp_path, PREVIOUS)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml", "-d", "out"], cwd=root,
                            capture_output=True, text=True, env={**os.environ, **OLD_CI, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    named = set(re.findall(r"([\w./-]+\.yml):\d+", result.stderr))
    assert "content/reports/szf/2018.yml" in named and "catalog/organizations.yml" in named
    assert all((root / path).is_file() for path in named), named


def test_upgrade_renames_the_site_report_key_as_the_form_prints_it():
    text = "年度: 2025\n安全防护:\n  安全检测评估次数: 4\n  是否明确网站安全责任人: 是   # 填报人核对\n"
    after, done = upgrade.upgrade_site_report(text, "content/wzbb/2025.yml")
    assert after == "年度: 2025\n安全防护:\n  安全检测评估次数: 4\n  是否明确网站安全负责人: 是   # 填报人核对\n"
    assert done == ["安全防护 · 是否明确网站安全责任人 → 是否明确网站安全负责人"]
    assert upgrade.upgrade_site_report(after, "x.yml") == (after, [])


@pytest.mark.build
def test_the_demo_builds_from_another_folder_with_a_relative_config_path(tmp_path):
    """`mkdocs build -f sites/county/mkdocs.yml` from a parent folder: the 无障碍声明 plugin crashed on the relative
    path, and the build cache compared the site's hook modules with a relative folder."""
    import os
    import shutil
    import subprocess
    import sys

    from kit import ROOT

    root = tmp_path / "sites" / "county"
    for name in ("catalog", "content", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "sites/county/mkdocs.yml",
                             "-d", "out"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "GONGKAI_AS_OF": "2026-12-01 12:00"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "sites" / "county" / "out" / "wzasm" / "index.html").is_file()


# ---- CI files copied from gongkai/deploy/ ----------------------------------------------------------------------

EARLIER_CI = Path(__file__).parent / "fixtures" / "earlier-ci"  # gongkai/deploy/ before the kept site (59fbdf8)
DEPLOY = Path(upgrade.__file__).parent / "deploy"


def ci_site(tmp_path: Path, gitlab: str, github: str) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: 测试\nplugins:\n  - gongkai/catalog\n", encoding="utf-8")
    (tmp_path / ".gitlab-ci.yml").write_bytes(gitlab.encode("utf-8"))
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/site.yml").write_bytes(github.encode("utf-8"))
    return tmp_path


def test_an_unedited_earlier_ci_file_is_replaced_by_the_current_one(tmp_path):
    """A site whose CI files are still as `gongkai init` copied them gets the current ones (they keep the published
    site for the next run); line ends as the site had them (a Windows checkout); then nothing more to do."""
    gitlab = (EARLIER_CI / "gitlab-ci.yml").read_text(encoding="utf-8")
    github = (EARLIER_CI / "github-actions.yml").read_text(encoding="utf-8")
    root = ci_site(tmp_path, gitlab, github.replace("\n", "\r\n"))
    code, diff, err = run_upgrade(str(root), "--dry-run")
    assert code == 0 and "+      kept=.cache/gongkai-site" in diff and "将改写 2 个文件" in err
    assert (root / ".gitlab-ci.yml").read_text(encoding="utf-8") == gitlab  # a dry run changes nothing
    code, _, err = run_upgrade(str(root))
    assert code == 0 and "已改写 2 个文件" in err and "原文件是未改动过的旧版副本" in err
    assert (root / ".gitlab-ci.yml").read_bytes() == (DEPLOY / "gitlab-ci.yml").read_bytes()
    assert (root / ".github/workflows/site.yml").read_bytes() == \
        (DEPLOY / "github-actions.yml").read_bytes().replace(b"\n", b"\r\n")
    code, _, err = run_upgrade(str(root))
    assert code == 0 and "无需改写" in err and "注意" not in err


def test_an_edited_earlier_ci_file_is_left_with_a_note(tmp_path):
    """A CI file the site changed (here: the scp route of docs/deploy/README.md) is the site's: not replaced, and
    the upgrade says what the current file adds and where to read how."""
    gitlab = (EARLIER_CI / "gitlab-ci.yml").read_text(encoding="utf-8").replace("rsync -rlpz", "rsync -rlpzv")
    github = (DEPLOY / "github-actions.yml").read_text(encoding="utf-8").replace("branches: [main]", "branches: [zhu]")
    root = ci_site(tmp_path, gitlab, github)
    code, _, err = run_upgrade(str(root))
    assert code == 0 and "无需改写" in err
    assert (root / ".gitlab-ci.yml").read_text(encoding="utf-8") == gitlab
    (note,) = [line for line in err.splitlines() if line.startswith("注意")]
    assert note.startswith("注意：.gitlab-ci.yml：改动过的 CI 文件，未改写；请对照 gongkai/deploy/gitlab-ci.yml 加入")
    assert "保留已发布的网站" in note  # the docs' section; the edited current GitHub file needs nothing


def test_every_earlier_version_of_the_ci_files_is_known():
    """Each version of gongkai/deploy's CI files in this repository's history is the current file or one that
    `gongkai upgrade` replaces: changing a CI file without listing its old digest fails here."""
    import hashlib
    import subprocess

    root = Path(upgrade.__file__).parents[1]
    for name, known in upgrade.SHIPPED_CI.items():
        log = subprocess.run(["git", "log", "--format=%H", "--follow", "--", f"gongkai/deploy/{name}"], cwd=root,
                             capture_output=True, text=True)
        if log.returncode != 0 or not log.stdout.strip():
            pytest.skip("not a git checkout")
        current = hashlib.sha256((DEPLOY / name).read_bytes()).hexdigest()
        for commit in log.stdout.split():
            for path in (f"gongkai/deploy/{name}", f"docs/deploy/{name}"):
                shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True)
                if shown.returncode == 0:
                    digest = hashlib.sha256(shown.stdout).hexdigest()
                    assert digest == current or digest in known, (name, commit)
                    break
