"""Event order: the handlers MkDocs calls for each event, in the order it calls them, stay exactly as recorded.

The plugins name their priorities with stages (gongkai/stages.py); this file pins what those names resolve to, so a
renamed or regrouped stage cannot move a handler, and checks that the event timeline in docs/architecture.md is the
code's.
"""

from __future__ import annotations

import os

import yaml
from mkdocs.config import load_config

from kit import ROOT

# Every event a gongkai plugin handles: the handlers in the order MkDocs calls them for the demo's mkdocs.yml, as
# plugin.method@priority. Recorded from the code before the priorities were named (commit 207b30a).
EXPECTED_ORDER = {
    "startup": ["catalog.on_startup@0"],
    "serve": ["catalog.on_serve@0"],
    "config": ["catalog._setup@100", "interaction.on_config@0", "reports.on_config@0", "checks.on_config@0",
               "feeds.on_config@0", "sitereport.on_config@0", "accessibility.on_config@0", "search.on_config@0",
               "catalog._finish_config@-100"],
    "files": ["catalog._load_documents@50", "reports.on_files@0", "search.on_files@0", "interaction.on_files@-10",
              "sitereport.on_files@-20", "accessibility.on_files@-20", "catalog._generate@-50", "checks.on_files@-60",
              "feeds.on_files@-70"],
    "nav": ["catalog.on_nav@0"],
    "env": ["catalog.on_env@0", "checks.on_env@0", "feeds.on_env@0", "sitereport.on_env@0",
            "accessibility.on_env@0", "search.on_env@0"],
    "post_build": ["catalog._pages_written@100", "search.on_post_build@0", "checks.on_post_build@-100",
                   "catalog._publish@-1000"],
    "build_error": ["catalog.on_build_error@0"],
    "post_template": ["checks.on_post_template@-100"],
    "page_read_source": ["catalog.on_page_read_source@0"],
    "page_markdown": ["catalog.on_page_markdown@0"],
    "page_content": ["catalog._check_body@100", "search.on_page_content@50", "checks.on_page_content@40",
                     "interaction.on_page_content@0", "reports.on_page_content@0", "catalog._page_rendered@-1000"],
    "page_context": ["catalog.on_page_context@0", "interaction.on_page_context@0", "reports.on_page_context@0",
                     "feeds.on_page_context@0", "sitereport.on_page_context@0", "accessibility.on_page_context@0",
                     "search.on_page_context@0"],
    "post_page": ["catalog._keep_page@1000", "checks.on_post_page@-100", "catalog._page_written@-1000"],
}


def resolved_order(config_file, **overrides) -> dict[str, list[str]]:
    """What MkDocs' PluginCollection will call for each event, in order (nothing is built)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(config_file), **overrides)
    order = {}
    for event, handlers in config.plugins.events.items():
        names = []
        for handler in handlers:
            plugin = handler.__self__
            short = type(plugin).__module__.split(".")[-2]  # gongkai.plugins.<feature>.plugin
            priority = getattr(handler, "mkdocs_priority", 0)
            assert type(priority) is int, (event, handler, priority)  # what MkDocs sorts: a plain number
            names.append(f"{short}.{handler.__name__}@{priority}")
        if names:
            order[event] = names
    return order


def test_every_event_calls_its_handlers_in_the_recorded_order():
    assert resolved_order(ROOT / "mkdocs.yml") == EXPECTED_ORDER


def test_the_order_does_not_depend_on_the_plugins_order_in_mkdocs_yml():
    """Reversed in mkdocs.yml, only handlers of one priority change places (MkDocs keeps ties in file order)."""
    plugins = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"][::-1]
    reversed_order = resolved_order(ROOT / "mkdocs.yml", plugins=plugins)
    assert reversed_order != EXPECTED_ORDER

    def by_priority(names):
        return [sorted(n for n in names if n.rsplit("@", 1)[1] == p)
                for p in dict.fromkeys(n.rsplit("@", 1)[1] for n in names)]

    assert {e: by_priority(n) for e, n in reversed_order.items()} == {e: by_priority(n) for e, n in EXPECTED_ORDER.items()}
