"""The core's part in the theme: gongkai's template folder, its stylesheets and scripts, and the Jinja setup."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2
import material.templates as material_templates
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from gongkai import htmlread

PACKAGE_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# gongkai's main.html (skip link, 无障碍 bar, tabs around every page). Kept apart from TEMPLATES_DIR on purpose:
# templates are autoescaped by name (gongkai/templating.py), and a site's own overrides/main.html, which prints
# page.content the way mkdocs-material's does, must stay unescaped; this main.html prints no value itself.
FRAME_DIR = PACKAGE_DIR / "frame"
ASSETS_DIR = PACKAGE_DIR / "assets"
CORE_ASSETS = ("assets/gongkai/gongkai.css", "assets/gongkai/gongkai.js")


def add_template_dir(config: MkDocsConfig, path: Path, *, first: bool = False) -> None:
    """Search ``path`` after the site's custom_dir (so a site can override any template) and before the theme.

    ``first`` puts it before gongkai's own folder too (a plugin's replacement of one of the theme's partials).
    """
    dirs = config.theme.dirs
    if str(path) in dirs:
        return
    position = 1 if config.theme.custom_dir else 0
    if not first and str(TEMPLATES_DIR) in dirs:
        position = dirs.index(str(TEMPLATES_DIR)) + (path != TEMPLATES_DIR)
    dirs.insert(position, str(path))


def place_assets(config: MkDocsConfig, urls: list[str]) -> None:
    """Link gongkai's stylesheets and scripts in one canonical order (core first, then by path).

    Feature plugins declare theirs in their own on_config; sorting here keeps every page byte-identical
    whatever order mkdocs.yml lists the plugins in.
    """
    ordered = [u for u in CORE_ASSETS if u in urls] + sorted(u for u in urls if u not in CORE_ASSETS)
    for key, suffix in (("extra_css", ".css"), ("extra_javascript", ".js")):
        mine = [u for u in ordered if u.endswith(suffix)]
        others = [x for x in config[key] if str(x) not in mine]
        config[key][:] = mine + others if key == "extra_css" else others + mine


def add_asset_files(files: Files, config: MkDocsConfig) -> None:
    """Copy everything under gongkai/assets/ into the site, unless the site ships its own file at that path."""
    for path in sorted(ASSETS_DIR.rglob("*")):
        if path.is_file():
            src_uri = "assets/" + path.relative_to(ASSETS_DIR).as_posix()
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, abs_src_path=str(path)))


# mkdocs-material labels a nested nav by the label that only holds its expand icon, so every nested nav of a
# section with an index page is named "" and screen readers cannot tell them apart (axe: landmark-unique).
_NESTED_NAV_RE = re.compile(r'(<nav class="md-nav" data-md-level="\d+") aria-labelledby="[^"]*"([^>]*>\s*'
                            r'<label class="md-nav__title"[^>]*>)(.*?)</label>', re.S)


def name_nested_navs(html: str) -> Markup:
    """Name each nested nav after its section title instead of the icon-only label.

    The pattern only finds where mkdocs-material's own markup is to be changed; the title is read from the label
    by the HTML parser (gongkai/htmlread.py), so a title with "&" or "<" is named as it shows, escaped once."""
    def named(m):
        title = " ".join(htmlread.body_text(htmlread.parse_body(m.group(3))).split())
        return f'{m.group(1)} aria-label="{Markup.escape(title)}"{m.group(2)}{m.group(3)}</label>'
    return Markup(_NESTED_NAV_RE.sub(named, str(html)))


def add_material_prefix(env: jinja2.Environment) -> None:
    """mkdocs-material's templates as "material/…", so that an override in gongkai/templates can wrap the original."""
    if getattr(env.loader, "gongkai_material_prefix", False):
        return
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader(
        {"material": jinja2.FileSystemLoader(os.path.dirname(material_templates.__file__))})])
    env.loader.gongkai_material_prefix = True
