"""Event order: the handlers MkDocs calls for each event, in the order it calls them, stay exactly as recorded.

The plugins name their priorities with stages (gongkai/stages.py); this file pins what those names resolve to, so a
renamed or regrouped stage cannot move a handler, and checks that the event timeline in docs/architecture.md is the
code's.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml
from mkdocs.config import load_config

from gongkai.stages import STAGES, OnFiles, OnPageContent, at, stage_named
from kit import ROOT

# Every event a gongkai plugin handles: the handlers in the order MkDocs calls them for the demo's mkdocs.yml, as
# plugin.method@priority. Recorded from the code before the priorities were named (commit 207b30a).
EXPECTED_ORDER = {
    "startup": ["catalog.on_startup@0"],
    "serve": ["catalog.on_serve@0"],
    "shutdown": ["catalog.on_shutdown@0"],
    "pre_build": ["checks.on_pre_build@0"],
    "config": ["catalog._setup@100", "interaction.on_config@0", "reports.on_config@0", "checks.on_config@0",
               "feeds.on_config@0", "sitereport.on_config@0", "accessibility.on_config@0", "search.on_config@0",
               "catalog._finish_config@-100"],
    "files": ["catalog._load_documents@50", "reports.on_files@0", "search.on_files@0", "interaction.on_files@-10",
              "sitereport.on_files@-20", "accessibility.on_files@-20", "catalog._generate@-50", "checks.on_files@-60",
              "feeds.on_files@-70"],
    "nav": ["catalog.on_nav@0"],
    "env": ["catalog.on_env@0", "checks.on_env@0", "feeds.on_env@0", "sitereport.on_env@0",
            "accessibility.on_env@0", "search.on_env@0"],
    "post_build": ["catalog._pages_written@100", "checks._pages_read@50", "search.on_post_build@0",
                   "checks._post_build@-100", "catalog._publish@-1000"],
    "build_error": ["catalog.on_build_error@0", "checks.on_build_error@0"],
    "post_template": ["checks.on_post_template@-100"],
    "page_read_source": ["catalog.on_page_read_source@0"],
    "page_markdown": ["catalog.on_page_markdown@0"],
    "page_content": ["catalog._check_body@100", "search.on_page_content@50", "checks.on_page_content@40",
                     "interaction.on_page_content@0", "reports.on_page_content@0", "catalog._page_rendered@-1000"],
    "page_context": ["catalog._page_context@0", "interaction.on_page_context@0", "reports.on_page_context@0",
                     "feeds.on_page_context@0", "sitereport.on_page_context@0", "accessibility.on_page_context@0",
                     "search.on_page_context@0", "catalog._page_reads@-1000"],
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


# ---- the stages and the documented timeline ----------------------------------------------------------------------

PLUGIN_NAMES = {"core": "catalog"}  # the table's name → the plugin package
ROW_RE = re.compile(r"^\| `on_(\w+)` \| (—|`(\w+\.\w+)` \((−?\d+)\)) \| ([^|]+) \|")


def documented_timeline() -> list[tuple[str, int, str, set[str]]]:
    """(event, priority, stage name or "", plugins) for each row of the table in docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("### Event timeline", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `on_"):
            match = ROW_RE.match(line)
            assert match, f"a timeline row this test cannot read: {line}"
            event, _, stage, number, plugins = match.groups()
            priority = int(number.replace("−", "-")) if number else 0
            names = {PLUGIN_NAMES.get(p.strip(), p.strip()) for p in plugins.split(",")}
            rows.append((event, priority, stage or "", names))
    return rows


def test_the_documented_timeline_is_the_codes():
    rows = documented_timeline()
    documented = {(event, priority, plugin) for event, priority, _, plugins in rows for plugin in plugins}
    in_code = {(event, int(h.rsplit("@", 1)[1]), h.split(".", 1)[0])
               for event, handlers in resolved_order(ROOT / "mkdocs.yml").items() for h in handlers}
    assert sorted(documented - in_code) == [], "documented in docs/architecture.md, not in the code"
    assert sorted(in_code - documented) == [], "in the code, missing from docs/architecture.md's timeline"
    for event, priority, name, _ in rows:
        if name:
            stage = stage_named(name)
            assert (stage.event(), int(stage)) == (event, priority), f"{name} is on_{stage.event()} at {int(stage)}"
        else:
            assert priority == 0 and event not in {s.event() for s in STAGES}, \
                f"on_{event}: a staged event's row names its stage"
    # Within an event, the rows follow the order MkDocs runs the handlers in.
    for event in {r[0] for r in rows}:
        priorities = [r[1] for r in rows if r[0] == event]
        assert priorities == sorted(priorities, reverse=True), f"on_{event} rows out of order: {priorities}"


def test_every_handler_of_a_staged_event_runs_at_a_named_stage_of_that_event():
    config = load_config(str(ROOT / "mkdocs.yml"))
    staged = {s.event(): s for s in STAGES}
    checked = 0
    for event, handlers in config.plugins.events.items():
        for handler in handlers:
            stage = getattr(handler, "gongkai_stage", None)
            where = f"{type(handler.__self__).__module__}.{handler.__name__} (on_{event})"
            if event in staged:
                assert isinstance(stage, staged[event]), f"{where}: no stage of {staged[event].__name__}"
                assert handler.mkdocs_priority == int(stage)
                checked += 1
            else:
                assert stage is None and getattr(handler, "mkdocs_priority", 0) == 0, \
                    f"{where}: on_{event} has no stages; its order does not matter"
    assert checked == sum(len(v) for k, v in EXPECTED_ORDER.items() if k in staged)


def test_a_stage_is_a_documented_number_of_one_event():
    for kind in STAGES:
        assert kind.event() in EXPECTED_ORDER
        for stage in kind:
            assert stage.__doc__ and stage.__doc__ != kind.__doc__, f"{stage} says nothing of what it guarantees"
    assert OnFiles.LOAD > OnFiles.REGISTER > OnFiles.RELATE > OnFiles.DERIVE > OnFiles.GENERATE > OnFiles.CHECK \
        > OnFiles.EXPORT
    assert stage_named("OnPageContent.SCAN") is OnPageContent.SCAN
    with pytest.raises(TypeError):
        at(-60)
