"""Parts of mkdocs-material's page frame rendered once per distinct position instead of once per page.

Four blocks of material's ``base.html`` — ``styles``, ``libs``, ``scripts`` and ``config`` (the stylesheet links,
the polyfills, the script tags and the ``__config`` JSON with its translations), and ``analytics`` when no analytics
provider is set — depend on the build's settings
and on nothing of the page but where it is: every URL in them is made relative to the page by MkDocs' ``url`` and
``script_tag`` filters. They cost a page of a 10,000-document build as much as a twelfth of its template time.
gongkai's frame (``gongkai/frame/main.html``) renders them through ``FragmentMemo``, which keeps each block's
HTML under

- the block's name and the build's settings it reads (features, extra CSS and JavaScript, polyfills, the
  ``extra`` values the config block shows), and
- the page's position as the ``url`` filter sees it: ``base_url`` (the page's depth) and, when the page's first
  folder is also the first folder of a URL the blocks link to (``assets``, a site's extra CSS or JavaScript),
  the page's whole URL — a relative URL is then shorter than ``base_url`` makes it, so such a page shares with
  no other — or, for a template rendered without a page (404.html), that it has none.

A page elsewhere in the site gets ``"../" * depth + target`` for every such URL, the same for every page of its
depth: the HTML is byte for byte what the block renders for it (tests/test_fragments.py renders each block both
ways for every page of the demo). A site that overrides ``base.html`` or a partial these blocks read (its own
could read ``page``) gets no memo: material's blocks render as they do without gongkai.

The build cache records the templates a page loads (caching.py, ``PageRecorder``): a block taken from the memo
records the templates its first rendering loaded, as if it had loaded them again.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from .replay import site_template_dirs

BLOCKS = frozenset({"styles", "libs", "scripts", "config"})
# The analytics block too when the site names no analytics provider (a provider's partial may read the page);
# gongkai's sites name none: the site makes no request to another host.
QUIET = BLOCKS | {"analytics"}
# What a site's template folder may hold that these blocks render (base.html's own, the partials they include or
# import, the icons the styles block inlines): any of them there, and the memo is off for the build.
OVERRIDES = ("base.html", "partials/icons.html", "partials/language.html", "partials/languages", ".icons",
             "partials/integrations")


class FragmentMemo:
    """``BLOCKS`` of material's base.html, rendered once per position and settings (module docstring)."""

    def __init__(self):
        self.enabled = False
        self.html: dict[tuple, tuple[Markup, tuple[str, ...]]] = {}
        self.blocks = BLOCKS
        self._firsts: frozenset[str] = frozenset()
        self._settings: tuple = ()
        self._recorder = None
        self._env = None

    def reset(self, config, env) -> None:
        """A new build (the core's on_env): its settings, the site's own template folders, its environment."""
        site_dirs = site_template_dirs(config)
        self.html = {}
        self._env = env
        self._recorder = getattr(env, "gongkai_recorder", None)
        self.enabled = not any((Path(d) / name).exists() for d in site_dirs for name in OVERRIDES)
        extra = config.extra or {}
        self.blocks = BLOCKS if extra.get("analytics") else QUIET
        scripts = [str(s) for s in config.extra_javascript] + [str(s) for s in extra.get("polyfills") or ()]
        self._firsts = frozenset({"assets"} | {_first(s) for s in (*scripts, *map(str, config.extra_css))})
        self._settings = (tuple(config.theme.get("features") or ()), tuple(scripts), tuple(map(str, config.extra_css)),
                          repr([extra.get(k) for k in ("annotate", "tags", "version")]))

    def key(self, name: str, page, base_url: str) -> tuple | None:
        if not self.enabled or name not in self.blocks:
            return None
        if page is None:
            where = None
        else:
            url = page.url or ""
            where = url if _first(url) in self._firsts else ""
        return name, base_url, where, self._settings

    def __call__(self, name: str, page, base_url: str, caller) -> Markup:
        key = self.key(name, page, base_url)
        if key is None:
            return caller()
        found = self.html.get(key)
        recorder = self._recorder
        recording = recorder is not None and recorder.templates is not None
        if found is None:
            if not recording:
                html = caller()
                self.html[key] = (html, None)
                return html
            # Rendered once with the recorder watching on its own: the templates it loads are kept with the HTML;
            # a block that read a recorded view or a volatile value (a site's hook may add one) is never kept.
            templates, reads, volatile = recorder.templates, recorder.reads, recorder.volatile
            recorder.templates, recorder.reads = {}, ({} if reads is not None else None)
            recorder.volatile = False
            try:
                html = caller()
            finally:
                loaded, read, became = recorder.templates, recorder.reads, recorder.volatile
                recorder.templates, recorder.reads, recorder.volatile = templates, reads, volatile or became
                templates.update(loaded)
                if read:
                    reads.update(read)
            clean = not read and not became
            self.html[key] = (html, tuple(loaded)) if clean else (None, None)
            return html
        html, loaded = found
        if html is None or (recording and loaded is None):  # not kept, or kept while nothing was recorded
            return caller()
        if recording:
            for template in loaded:  # what the block's rendering loaded, recorded for this page too
                recorder.templates[template] = recorder.digest(template, self._env)
        return html


def _first(url: str) -> str:
    """The first folder of a site-relative URL (a page's, or a target's as written in the settings)."""
    return url.lstrip("./").split("/", 1)[0]
