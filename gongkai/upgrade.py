"""Rewrite a site written for the previous release to the current names (`gongkai upgrade`, gongkai/commands/).

Every rename is in ``gongkai.deprecations``; this module only edits files. Edits are made line by line on the text
as written (never a YAML dump), so comments, key order, quoting and blank lines stay as they were. Running it
twice changes nothing the second time.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import deprecations, yamlutil
from .errors import InputError
from .reports.formats import normalise

CI_FILES = (".gitlab-ci.yml", "Makefile", "Jenkinsfile", ".drone.yml", ".woodpecker.yml")
CI_GLOBS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitea/workflows/*.yml", ".gitea/workflows/*.yaml")
SKIP_DIRS = {".git", ".cache", "site", ".venv", "node_modules", "__pycache__"}
ENV_RE = re.compile(r"\b(" + "|".join(map(re.escape, deprecations.RENAMED_ENV)) + r")\b")

# The CI files of gongkai/deploy/ and where a site has them (`gongkai init`, gongkai/sitekit/init.py; Gitea's own
# folder by hand, docs/deploy/README.md).
DEPLOY_CI = {".gitlab-ci.yml": "gitlab-ci.yml", ".github/workflows/site.yml": "github-actions.yml",
             ".gitea/workflows/site.yml": "github-actions.yml"}
# SHA-256 of every earlier version of those files as gongkai shipped them (UTF-8, LF line ends), oldest first. A
# site's copy that is still one of them was never edited, so `gongkai upgrade` replaces it with the current file;
# an edited copy is left to the site (``notes``). Changing a file of gongkai/deploy/? Add its old digest here
# (tests/test_upgrade.py checks the git history).
SHIPPED_CI = {
    "gitlab-ci.yml": frozenset({
        "eec2a6b0effd1fd5f0d844ac4e40952370327d157fb792f80548569efc065428",
        "039079f9f420b1a45e0aa19aa345da1845816c0eacbe3b49fef907cb0f25ca44",
        "58f39a24d56a5f2f7783eefc1819ea5d81e5d6fc7c89c257daf9a6aa02599916",
        "d0d48802fed9a3d74b83720940ce3f8353207d5cbb1cb83ea4db8d38736017b0",
        "737c1def773ad9b92d6ec64de73e751b8a59cc21d3638287a138bbb7a0431a0f",
        "25348689b9978e1e56944460b2f8727ddf1db942cd7d4ee2a8b59cfa13398413",
        "96b34904cad78444530881f67247b90c768d2d33efb95ffd6ae4a8b15ab5b3d5",
    }),
    "github-actions.yml": frozenset({
        "cb5f9de294545b7814d35d3be6134818bddfa9078e54deb69f7f37ff547b7d09",
        "664ff112a914d3a41a34687b67cc069884e432c660f708a56d2eb207661f85c4",
        "66069fadee7ac692b027e6d36eac9a4a4184cbb9f37451cde868319fa2d4ac03",
        "2c63d6c90d16b24f863364c264cf0478ad0b7f93d65b4f715a6c5765062a25bb",
        "e243cc5ee138cbd2b1606b85b1512d5d61ca62f3cf26755eed591ecda6d14683",
        "884ec366cd50e80f238a7730a572bbd43c2dce0c1b3c26c21fe8684d64a3eaad",
    }),
}
# What a CI file of the current version has that an earlier one lacks, and what the site loses without it.
CI_NEEDS = (".cache/gongkai-site", "随构建缓存保留已发布的网站，下次构建整站沿用或只生成改了正文的页面")


# ---- plugin blocks in mkdocs.yml -------------------------------------------------------------------------------


@dataclass
class Block:
    """One plugin's entry under ``plugins:``: its line, the lines of its options (``start`` < i < ``end``)."""

    start: int  # index of the plugin's line
    end: int  # index of the first line after its options
    indent: int  # column of the plugin's name
    bare: bool  # written without options (“- gongkai/catalog”)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def plugin_block(lines: list[str], plugin: str) -> Block | None:
    """Where ``plugin`` is configured in mkdocs.yml's ``plugins:`` (list or mapping form), or None."""
    try:
        top = next(i for i, line in enumerate(lines) if re.match(r"^plugins\s*:", line))
    except StopIteration:
        return None
    name = re.escape(plugin)
    item_re = re.compile(rf"^(\s*)(-\s+)?([\"']?){name}\3\s*(:)?\s*(#.*)?$")
    for i in range(top + 1, len(lines)):
        line = lines[i].rstrip("\r\n")
        if not _blank(line) and _indent(line) == 0 and not line.startswith("-"):
            return None  # the next top-level key: the plugin is not listed
        match = item_re.match(line)
        if not match:
            continue
        indent = len(match.group(1)) + len(match.group(2) or "")
        parent = len(match.group(1))
        end = i + 1
        while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > parent):
            end += 1
        while end > i + 1 and _blank(lines[end - 1]):  # trailing blank and comment lines belong to what follows
            end -= 1
        return Block(i, end, indent, bare=match.group(4) is None)
    return None


def _option(lines: list[str], block: Block, option: str) -> tuple[int, int, str] | None:
    """(first line, end, value as written) of ``option:`` in the block; the value keeps its comment."""
    indent = _option_indent(lines, block)
    for i in range(block.start + 1, block.end):
        match = re.match(rf"^(\s*)([\"']?){re.escape(option)}\2\s*:[ \t]*(.*?)\s*$", lines[i])
        if match and len(match.group(1)) == indent:
            end = i + 1
            while end < block.end and not _blank(lines[end]) and _indent(lines[end]) > indent:
                end += 1
            return i, end, match.group(3)
    return None


def _newline(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def _option_indent(lines: list[str], block: Block) -> int:
    for i in range(block.start + 1, block.end):
        if not _blank(lines[i]):
            return _indent(lines[i])
    return block.indent + 2


def upgrade_config(text: str) -> tuple[str, list[str]]:
    """mkdocs.yml with every moved plugin option moved (gongkai.deprecations.MOVED_OPTIONS); what was done."""
    lines = text.splitlines(keepends=True)
    nl = _newline(lines)
    done: list[str] = []
    for moved in deprecations.MOVED_OPTIONS:
        old_block = plugin_block(lines, moved.plugin)
        found = _option(lines, old_block, moved.option) if old_block else None
        if found is None:
            continue
        first, end, value = found
        value_lines = lines[first + 1:end]
        del lines[first:end]
        old_block = plugin_block(lines, moved.plugin)
        if old_block and all(_blank(line) for line in lines[old_block.start + 1:old_block.end]):
            # no option left: “- gongkai/interaction:” → “- gongkai/interaction”, its comment kept
            lines[old_block.start] = re.sub(r"\s*:(\s*(#.*)?)$", r"\1", lines[old_block.start].rstrip("\r\n")) + nl
        target = plugin_block(lines, moved.new_plugin)
        if target is None:
            done.append(f"删去 {moved.old}（未找到 {moved.new_plugin}，请手工在其下写 {moved.new_option}: {value}）")
            continue
        if _option(lines, target, moved.new_option) is not None:
            done.append(f"删去 {moved.old}（{moved.new} 已设置，以它为准）")
            continue
        indent = " " * _option_indent(lines, target)
        if target.bare:
            lines[target.start] = re.sub(r"^(\s*(?:-\s+)?[\"']?[^\s:#\"']+[\"']?)(\s*#.*)?$", r"\1:\2",
                                         lines[target.start].rstrip("\r\n")) + nl
        lines[target.end:target.end] = [f"{indent}{moved.new_option}: {value}{nl}", *value_lines]
        done.append(f"{moved.old} → {moved.new}")
    return "".join(lines), done


# ---- report data -----------------------------------------------------------------------------------------------


def _rename_key(lines: list[str], i: int, old: str, new: str) -> bool:
    """Rename the mapping key ``old`` that starts line ``i`` (quoted or not), keeping indent, quotes and the rest."""
    replaced = re.sub(rf"^(\s*)([\"']?){re.escape(old)}\2(\s*:)", rf"\g<1>\g<2>{new}\g<2>\g<3>", lines[i], count=1)
    if replaced == lines[i]:
        return False
    lines[i] = replaced
    return True


def upgrade_report(text: str, display: str) -> tuple[str, list[str]]:
    """Report YAML with the 统计表 rows renamed (gongkai.deprecations.TONGJIBIAO_ROWS), in 统计表 and 未列."""
    try:
        data = yamlutil.load(text, display)
    except InputError:
        return text, []
    if not isinstance(data, yamlutil.Mapping) or not isinstance(data.get("统计表"), yamlutil.Mapping):
        return text, []
    lines = text.splitlines(keepends=True)
    done: list[str] = []
    table = data["统计表"]
    for gkey, group in table.items():
        if normalise(str(gkey)) != normalise(deprecations.TONGJIBIAO_GROUP) or not isinstance(group, yamlutil.Mapping):
            continue
        for key in group:
            new = deprecations.TONGJIBIAO_ROWS.get(str(key).strip())
            line = group.line_of(key)
            if new is None or line is None:
                continue
            if _rename_key(lines, line - 1, str(key).strip(), new):
                done.append(f"统计表 · {key} → {new}")
    absent = data.get("未列")
    line = data.line_of("未列") if absent else None
    if line:
        start = line - 1
        end = start + 1
        while end < len(lines) and (lines[end].strip() == "" or _indent(lines[end]) > _indent(lines[start])
                                    or lines[end].lstrip().startswith("- ")):
            end += 1
        for i in range(start, end):
            for old, new in deprecations.TONGJIBIAO_ROWS.items():
                replaced = re.sub(rf"(?<=[\[,\s\"'·]){re.escape(old)}(?=[\"']?\s*(?:[,\]#]|$))", new, lines[i])
                if replaced != lines[i]:
                    lines[i] = replaced
                    done.append(f"未列 · {old} → {new}")
    return "".join(lines), done


def upgrade_site_report(text: str, display: str) -> tuple[str, list[str]]:
    """政府网站工作年度报表 data with its renamed keys (gongkai.deprecations.SITEREPORT_KEYS)."""
    try:
        data = yamlutil.load(text, display)
    except InputError:
        return text, []
    if not isinstance(data, yamlutil.Mapping):
        return text, []
    lines = text.splitlines(keepends=True)
    done = []
    for (block_key, old), (_, new) in deprecations.SITEREPORT_KEYS.items():
        block = data.get(block_key)
        if not isinstance(block, yamlutil.Mapping) or old not in block or new in block:
            continue
        if _rename_key(lines, block.line_of(old) - 1, old, new):
            done.append(f"{block_key} · {old} → {new}")
    return "".join(lines), done


# ---- the site --------------------------------------------------------------------------------------------------


@dataclass
class Change:
    path: Path
    before: str
    after: str
    what: list[str] = field(default_factory=list)

    def diff(self, root: Path) -> str:
        name = self.path.relative_to(root).as_posix()
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"a/{name}", f"b/{name}"))


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _docs_dir(config_text: str) -> str:
    match = re.search(r"^docs_dir\s*:\s*[\"']?([^\s\"'#]+)", config_text, re.M)
    return match.group(1) if match else "docs"


def plan(root: Path, config_file: str = "mkdocs.yml") -> list[Change]:
    """Every file of the site that needs rewriting, with its new text."""
    changes: list[Change] = []
    config_path = root / config_file
    config_text = _read(config_path)
    if config_text is None:
        raise FileNotFoundError(config_path)
    after, what = upgrade_config(config_text)
    if what:
        changes.append(Change(config_path, config_text, after, what))
    docs = root / _docs_dir(config_text)
    for path in sorted(docs.rglob("*")) if docs.is_dir() else []:
        if path.suffix not in (".yml", ".yaml") or not path.is_file() \
                or SKIP_DIRS.intersection(path.relative_to(root).parts):
            continue
        text = _read(path)
        if text is None:
            continue
        display = path.relative_to(root).as_posix()
        after, what = upgrade_report(text, display) if "统计表" in text else (text, [])
        if any(old in after for (_, old) in deprecations.SITEREPORT_KEYS):
            after, more = upgrade_site_report(after, display)
            what += more
        if what:
            changes.append(Change(path, text, after, what))
    ci = [root / name for name in CI_FILES] + [p for pattern in CI_GLOBS for p in sorted(root.glob(pattern))]
    for path in ci:
        text = _read(path) if path.is_file() else None
        if text is None:
            continue
        shipped = shipped_ci(root, path, text)
        if shipped is not None:
            changes.append(Change(path, text, shipped, [f"换用当前 gongkai 的 CI 文件 gongkai/deploy/"
                                                        f"{DEPLOY_CI[_site_path(root, path)]}（原文件是未改动过的旧版副本）：{CI_NEEDS[1]}"]))
            continue
        if not ENV_RE.search(text):
            continue
        found = sorted(set(ENV_RE.findall(text)))
        after = ENV_RE.sub(lambda m: deprecations.RENAMED_ENV[m.group(1)], text)
        changes.append(Change(path, text, after, [f"${old} → ${deprecations.RENAMED_ENV[old]}" for old in found]))
    return changes


# ---- CI files copied from gongkai/deploy/ ----------------------------------------------------------------------


def _site_path(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _current_ci(name: str) -> str:
    return (resources.files("gongkai") / "deploy" / name).read_text(encoding="utf-8")


def shipped_ci(root: Path, path: Path, text: str) -> str | None:
    """The current version of the CI file at ``path`` when the site's copy is an unedited earlier version (line ends
    as the site's copy has them), else None."""
    name = DEPLOY_CI.get(_site_path(root, path))
    if name is None:
        return None
    lf = text.replace("\r\n", "\n")
    if hashlib.sha256(lf.encode("utf-8")).hexdigest() not in SHIPPED_CI[name]:
        return None
    current = _current_ci(name)
    return current.replace("\n", "\r\n") if "\r\n" in text else current


def notes(root: Path) -> list[str]:
    """What `gongkai upgrade` cannot rewrite and the site should do by hand: a CI file copied from gongkai/deploy/
    and edited since, without what the current version adds."""
    found = []
    for rel, name in DEPLOY_CI.items():
        path = root / rel
        text = _read(path) if path.is_file() else None
        if text is None or shipped_ci(root, path, text) is not None or CI_NEEDS[0] in text:
            continue
        if "gongkai" not in text or "mkdocs build" not in text:
            continue  # not a file made from gongkai's
        found.append(f"{rel}：改动过的 CI 文件，未改写；请对照 gongkai/deploy/{name} 加入“恢复上次发布的网站”“保留本次"
                     f"发布的网站”两步（{CI_NEEDS[1]}；docs/deploy/README.md“保留已发布的网站”）")
    return found
