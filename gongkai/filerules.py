"""Which files an editor may put under ``docs_dir`` (docs/security.md, “编辑提交的文件”).

MkDocs copies every file of ``docs_dir`` into the site as it is, and a file there wins over the theme's file at the
same path: ``content/assets/gongkai/gongkai.js`` would replace gongkai's script on every page, with no message, and
pass the web server's Content-Security-Policy (same origin). So:

- a file whose site path is a file the theme (mkdocs-material, the site's ``custom_dir``, gongkai's templates) or
  gongkai's assets publish is an error: an editor's file never shadows a theme or plugin file;
- scripts, stylesheets and XSLT (``.js``, ``.mjs``, ``.css``, ``.xsl`` …) are refused unless ``mkdocs.yml`` names
  them (``extra_css``, ``extra_javascript``: the maintainers' own) or the site sets ``allow_scripts: true``;
- backup and editor files (``x.md~``, ``x.md.bak``, ``x.md `` with a trailing space) are refused: MkDocs would copy
  them raw, front matter included;
- two files whose names differ only in case or Unicode normalisation are a clash: they are one file on Windows
  and macOS, and two different pages that look the same on the site.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MARKDOWN = r"(?:md|markdown|mdown|mkdn|mkd)"
# "x.md~", "x.md.bak", "x.md.orig", "x.md " and "x.md." (Windows drops those silently), "x.md.swp", "x.md.old" …:
# a Markdown name with anything after the suffix (".md.txt" has its own message).
MARKDOWN_COPY_RE = re.compile(rf"\.{MARKDOWN}(?:[~ .]|\.[^/]*)$", re.I)
BACKUP_RE = re.compile(r"(?:~|\.bak|\.orig|\.swp|\.swo|\.tmp|\.old|\.rej)$|^#.*#$|^~\$", re.I)
TRAILING_RE = re.compile(r"[ .]$")
# Types a browser runs or applies as code when the site links or frames them: script, style, XSLT, WebAssembly.
SCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".css", ".xsl", ".xslt", ".wasm", ".swf", ".htc"})
# What MkDocs leaves out when it copies a theme's files (mkdocs.structure.files.Files.add_files_from_theme).
THEME_SKIP = (".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*")

SHADOW_FIX = "换一个文件名或文件夹（例如放到 images/、files/ 下）；要改网站外观的，请网站管理员在 overrides/ 中修改"
SCRIPT_FIX = ("删除该文件。内容文件夹中的脚本和样式会以本站名义运行；确需使用的，由网站管理员写进 mkdocs.yml 的 "
              "extra_css / extra_javascript，或在 gongkai/catalog 下设置 allow_scripts: true（见 docs/security.md）")


@dataclass(frozen=True)
class Refusal:
    message: str
    fix: str


def name_refusal(name: str) -> Refusal | None:
    """Backup copies, editor swap files and names with a trailing space or dot, which MkDocs publishes raw."""
    if MARKDOWN_COPY_RE.search(name) and not name.lower().endswith(".txt"):
        base = re.sub(rf"(\.{MARKDOWN}).*$", r"\1", name, flags=re.I)
        return Refusal(f"文件名“{name}”是 Markdown 文件的副本或备份（扩展名后还有字符），会被原样发布（含文件元数据）",
                       f"删除它；如果它就是要发布的文件，改名为 {base.strip()}")
    if BACKUP_RE.search(name):
        return Refusal(f"文件名“{name}”是编辑器或办公软件留下的备份/临时文件，会被原样发布",
                       "删除它（必要时把它加入 .gitignore）")
    if TRAILING_RE.search(name):
        return Refusal(f"文件名“{name}”以空格或“.”结尾（Windows 上无法打开，网址也看不出来）", "去掉文件名末尾的空格或“.”")
    return None


@functools.lru_cache(maxsize=8)
def _theme_files(dirs: tuple[str, ...], static_templates: tuple[str, ...]) -> frozenset[str]:
    """Site paths of the files a theme publishes from ``dirs`` (casefolded), as MkDocs chooses them."""
    found = set(static_templates)
    skip = THEME_SKIP + static_templates
    for folder in dirs:
        for dirpath, dirnames, names in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__"))]
            for name in names:
                rel = os.path.relpath(os.path.join(dirpath, name), folder).replace(os.sep, "/")
                if not any(fnmatch.fnmatch(rel.lower(), p) for p in skip):
                    found.add(rel)
    return frozenset(_key(p) for p in found)


def _key(src_uri: str) -> str:
    return unicodedata.normalize("NFC", src_uri).casefold()


def reserved_paths(config, assets_dir: Path) -> frozenset[str]:
    """Every site path the theme, the site's custom_dir, gongkai's templates or gongkai's assets publish."""
    theme = _theme_files(tuple(str(d) for d in config.theme.dirs), tuple(config.theme.static_templates))
    ours = {"assets/" + p.relative_to(assets_dir).as_posix() for p in assets_dir.rglob("*") if p.is_file()}
    return theme | {_key(p) for p in ours}


def editor_file_problems(files, config, *, assets_dir: Path, allow_scripts: bool) -> list[tuple[object, Refusal]]:
    """(file, refusal) for every editor's file that shadows a theme file, is a script or stylesheet the site did
    not name, or clashes with another by case or normalisation. ``files`` are MkDocs' Files at on_files."""
    docs_dir = os.path.abspath(config.docs_dir) + os.sep
    reserved = reserved_paths(config, assets_dir)
    # What mkdocs.yml names (maintainers' own): extra stylesheets and scripts (gongkai has added its own assets to
    # them by now: those stay reserved), and the theme's favicon and logo, which may sit at the theme's own path.
    named = {str(u).split("?", 1)[0].lstrip("/") for u in [*config.extra_css, *config.extra_javascript]}
    images = {config.theme[k] for k in ("favicon", "logo") if isinstance(config.theme.get(k), str)}
    found: list[tuple[object, Refusal]] = []
    seen: dict[str, str] = {}
    for file in sorted(files, key=lambda f: f.src_uri):
        if file.generated_by or not file.abs_src_path or not os.path.abspath(file.abs_src_path).startswith(docs_dir):
            continue
        key = _key(file.src_uri)
        if key in reserved and not file.is_documentation_page() and file.src_uri not in images:
            found.append((file, Refusal(f"与主题或 gongkai 自带的文件“{file.src_uri}”同名，会替换掉它（全站每个页面都会"
                                        "加载这个文件）", SHADOW_FIX)))
            continue
        suffix = os.path.splitext(file.src_uri)[1].lower()
        if suffix in SCRIPT_SUFFIXES and not allow_scripts and file.src_uri not in named:
            found.append((file, Refusal(f"内容文件夹中不能放脚本、样式表或 XSLT 文件（{suffix}）：它们以本站名义运行，"
                                        "可被正文中的标记调用", SCRIPT_FIX)))
            continue
        # The page a Markdown file becomes is what clashes: a.md and A.md, b/index.md and B.md.
        url_key = _key(file.dest_uri)
        if url_key in seen or key in seen:
            other = seen.get(url_key) or seen.get(key)
            found.append((file, Refusal(f"与“{other}”只差大小写或 Unicode 写法（看起来相同的字），在 Windows/macOS 上"
                                        "是同一个文件，在网站上是两个难以区分的网址", f"保留一个，删除或改名另一个（{other}）")))
            continue
        seen[url_key] = seen[key] = file.src_uri
    return found
