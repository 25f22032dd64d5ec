"""Jinja settings for gongkai's templates, and the escaping of what gongkai hands to mkdocs-material's.

MkDocs' Jinja environment does not autoescape, and mkdocs-material's templates rely on that: they print page
titles, nav titles and ``page.meta.description`` as HTML. So the two are kept apart:

- gongkai's own templates (every name under ``gongkai/``, and the few mkdocs-material partials gongkai ships in
  its template folders) are compiled with autoescape on; values that are HTML on purpose (``page.content``,
  rendered Markdown, charts) are ``Markup`` or marked ``|safe`` where they are printed.
- values gongkai gives mkdocs-material to print (``page.meta.title``, ``page.meta.description``, prev/next and
  nav titles) are plain text escaped into ``Markup`` once, here, so material's raw prints are safe.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

PACKAGE_DIR = Path(__file__).resolve().parent
OWN_PREFIX = "gongkai/"
# Template folders gongkai adds to the theme: the core's and those of feature plugins (gongkai/search).
TEMPLATE_DIRS = [PACKAGE_DIR / "templates", *sorted(PACKAGE_DIR.glob("plugins/*/templates"))]
# mkdocs-material partials that gongkai overrides (partials/copyright.html …): gongkai's code, so autoescaped too.
OWN_OVERRIDES = frozenset(
    path.relative_to(folder).as_posix()
    for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")
    if not path.relative_to(folder).as_posix().startswith(OWN_PREFIX))
# Page metadata that mkdocs-material prints without escaping (base.html, partials/header.html, nav-item.html;
# gongkai/pagemeta.py checks they are text).
PLAIN_META = ("title", "description", "subtitle", "author", "status")


def autoescape(name: str | None) -> bool:
    """Whether a template is gongkai's (autoescaped) rather than mkdocs-material's (printed raw)."""
    return bool(name) and (name.startswith(OWN_PREFIX) or name in OWN_OVERRIDES)


def configure(env: jinja2.Environment) -> jinja2.Environment:
    """Turn autoescape on for gongkai's templates in a theme environment (call before any template loads)."""
    env.autoescape = autoescape
    # One build's templates do not change while it runs (a change is a new build, with a new environment, even
    # under `mkdocs serve`): no modification-time check of every template a page includes, and a plain dict
    # instead of Jinja's LRU (whose every hit reorders a queue of 400). A page includes some twenty.
    env.auto_reload = False
    env.cache = {}  # also drops a template compiled before this, which would keep the old autoescape setting
    return env


def environment(config) -> jinja2.Environment:
    """A configured theme environment, for plugins that render a gongkai template into page content (which
    happens before MkDocs creates the environment of the page templates)."""
    return configure(config.theme.get_env())


def text(value) -> Markup:
    """Plain text as HTML, for a slot mkdocs-material prints raw."""
    return escape("" if value is None else value)


def escape_page_meta(page) -> None:
    """Escape the page's title, description, subtitle, author and status, which mkdocs-material prints raw.

    After this, ``page.title`` is HTML on every page, as MkDocs' own title from the first heading already is."""
    for key in PLAIN_META:
        value = page.meta.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            page.meta[key] = escape(value)
