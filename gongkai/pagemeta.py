"""Page options (页面选项): the front-matter keys MkDocs and mkdocs-material read themselves, on every page.

A document's front matter is read by ``gongkai.documents``; every other Markdown page (the site's home, the
编辑手册, a page outside the documents folder) by ``PageMeta`` here, with the same YAML reader, so that each
mistake names the file and the line. Both read the page options through ``read_page_options``:

- the values mkdocs-material prints (``title``, ``description``, ``subtitle``, ``author``, ``status``) must be text
  (a list or a mapping is an error naming the line), and are escaped once, in ``gongkai.templating``, because
  mkdocs-material prints them without escaping (<title>, <meta>, the header, the nav);
- ``template`` and ``icon`` name files of the theme: a wrong type, a path with ``..`` or a file that does not exist
  is an error, not a traceback while pages render;
- ``hide`` is a list of words, ``search`` a mapping.

A value refused is dropped from the page, so a build that goes on (``gongkai check``) renders without it.
"""

from __future__ import annotations

import os
import re

from markupsafe import escape

from . import yamlutil
from .errors import InputError, Problems
from .fields import BOOL, DECIMAL, MAPPING, TEXTS, Field, FieldReader, top_mapping
from .mdlimits import report_control_characters

GUIDE = "docs/schema.md"
DATE_KEYS = ("revision_date", "git_revision_date_localized", "git_creation_date_localized")
NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
ICON_RE = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*$")
TEMPLATE_RE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9_./-]+\.html$")
PAGE_FIELDS = (
    Field("title", plain=False, example="关于本站"),
    Field("description", plain=False, example="一句话说明本页内容"),
    Field("subtitle", plain=False, example="副标题"),
    Field("author", plain=False, example="示例市人民政府办公室"),
    Field("status", expected="状态名（字母、数字、连字符，如 new、deprecated）", example="new"),
    Field("icon", expected="图标名（如 material/home）", example="material/home"),
    Field("template", expected="模板文件名（如 main.html）", example="main.html"),
    # What mkdocs-material can hide (base.html, partials/footer.html, feedback.html, path.html, tags.html).
    Field("hide", TEXTS, choices=("navigation", "toc", "footer", "feedback", "path", "tags"), example="[navigation, toc]"),
    Field("search", MAPPING, shape="exclude、boost", example="\n  exclude: true"),
    # Printed raw by mkdocs-material's partials/source-file.html; git plugins set them as HTML later, an editor's
    # front matter may not.
    *(Field(key, plain=False, example="2025-06-01") for key in DATE_KEYS),
)
SEARCH_FIELDS = (Field("exclude", BOOL, example="true"), Field("boost", DECIMAL, example="2"))
KEYS = tuple(f.key for f in PAGE_FIELDS)


def read_page_options(reader: FieldReader, data: dict) -> dict:
    """The page options in ``data`` that are well formed; a problem (file, line, field) for each that is not."""
    options = {}
    for field in PAGE_FIELDS:
        if field.key not in data:
            continue
        value = reader.read(field)
        if value is None:
            continue
        if field.key == "status" and not NAME_RE.match(value):
            reader.error("status", f"状态名“{value}”只能由字母、数字和连字符组成", "写成 new 或 deprecated 这样的状态名")
            continue
        if field.key == "icon" and not ICON_RE.match(value):
            reader.error("icon", f"图标名“{value}”无效", "写成 material/home 这样的图标名（见 mkdocs-material 的图标列表）")
            continue
        if field.key == "template" and not TEMPLATE_RE.match(value):
            reader.error("template", f"模板名“{value}”无效，应为主题中的 .html 模板文件名", "写成 main.html 这样的模板名，"
                         "或删去 template 一行使用默认模板")
            continue
        if field.key == "search":
            inner = reader.within("search")
            inner.unknown_keys(tuple(f.key for f in SEARCH_FIELDS))
            value = {k: v for k, v in inner.read_all(SEARCH_FIELDS).items() if v is not None}
        options[field.key] = escape(value) if field.key in DATE_KEYS else value
    return options


def theme_file_exists(theme_dirs, name: str) -> bool:
    return any(os.path.isfile(os.path.join(d, name)) for d in theme_dirs)


def check_theme_references(options: dict, theme_dirs, problems: Problems, file: str, lines) -> dict:
    """Drop (with a problem) a ``template`` or ``icon`` the theme does not have: rendering would raise."""
    kept = dict(options)
    template = options.get("template")
    if isinstance(template, str):
        name = template.removeprefix("material/")
        material = [d for d in theme_dirs if os.path.basename(os.path.dirname(d)) == "material"
                    and os.path.basename(d) == "templates"]
        if not theme_file_exists(material if template.startswith("material/") else theme_dirs, name):
            problems.add(file, f"模板“{template}”不存在", line=lines("template"), field="template",
                         fix="改为主题中已有的模板（如 main.html），或删去 template 一行使用默认模板")
            kept.pop("template")
    icon = options.get("icon")
    if isinstance(icon, str) and not theme_file_exists(theme_dirs, f".icons/{icon}.svg"):
        problems.add(file, f"图标“{icon}”不存在", line=lines("icon"), field="icon",
                     fix="改为 mkdocs-material 图标列表中的名字（如 material/home），或删去 icon 一行")
        kept.pop("icon")
    return kept


class PageMeta:
    """The front matter of the Markdown pages that are not documents, read once with line numbers."""

    def __init__(self, problems: Problems):
        self.problems = problems
        self._read: dict[str, tuple[dict, dict]] = {}  # src_uri → (options and other keys, key → line)
        self.body_lines: dict[str, int] = {}  # src_uri → line of the file the Markdown handed to MkDocs starts at

    def read(self, src_uri: str, text: str, display: str) -> str:
        """The page's Markdown without its front matter (kept here, checked in ``apply``)."""
        from .documents import split_front_matter

        front, body, body_line = split_front_matter(text)
        if front is None:
            return text  # no YAML front matter (MkDocs still reads "key: value" lines at the top itself)
        try:
            data = yamlutil.load(front, display, line_offset=1)
        except InputError as exc:
            self.problems.items.extend(exc.problems)
            data = {}
        if data is None:
            data = {}
        data = top_mapping(self.problems, display, data, what="页面元数据", shape="title、description…", line=2,
                           fix="每行写成“字段: 值”（见 docs/schema.md）") or {}
        lines = dict(data.lines) if isinstance(data, yamlutil.Mapping) else {}
        self._read[src_uri] = (data, lines)
        self.body_lines[src_uri] = body_line - 1
        return "\n" + body  # the newline keeps a body starting with '---' from being read as metadata

    def document_options(self, doc, theme_dirs) -> dict:
        """A document's page options (read with its front matter), without a template or icon the theme lacks."""
        return check_theme_references(doc.page_options, theme_dirs, self.problems, doc.source or doc.src_path,
                                      lambda key: doc.where(key)[1])

    def apply(self, page, display: str, theme_dirs) -> None:
        """Validate the page's options, keep the page's other keys as they are."""
        data, lines = self._read.pop(page.file.src_uri, (None, {}))
        if data is None:
            data = dict(page.meta)  # MultiMarkdown-style "key: value" lines MkDocs read itself: always text
        reader = FieldReader(data, self.problems, display, lines=lines.get, line=None, guide=GUIDE)
        options = read_page_options(reader, data)
        options = check_theme_references(options, theme_dirs, self.problems, display, lines.get)
        report_control_characters(self.problems, display, page.markdown or "", self.body_lines.pop(page.file.src_uri, 1))
        meta = {k: v for k, v in data.items() if k not in KEYS}
        meta.update(options)
        page.meta.clear()
        page.meta.update(meta)
