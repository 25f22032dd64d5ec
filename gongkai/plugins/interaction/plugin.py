"""The 政策解读 / 意见征集 plugin: links 解读 ↔ 原文 and 征集 ↔ 反馈, checks them, and shows live 征集 status.

It reads the documents the core plugin (``gongkai/catalog``) parsed, never the Markdown files again; the
front-matter keys it owns are declared to the core, which keeps them in ``Document.extra``.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import BasePlugin

from ... import templating
from ...interaction import DEFAULT_MIN_PERIODS, FIELDS, Period, Settings, collect, consultation_order
from ...interaction.parse import display_of, line_of
from ...stages import OnConfig, OnFiles, OnPageContent, OnPageContext, at
from ..catalog.plugin import active_core
from .config import InteractionConfig
from .structure import InteractionView, browser_rules

log = logging.getLogger("mkdocs.plugins.gongkai.interaction")

# Files under gongkai/assets/, which the core copies into every site.
SCRIPT = "assets/interaction/interaction.js"
RULES = "assets/interaction/rules.js"  # written by the build from the Python rules (structure.browser_rules)
STYLE = "assets/interaction/interaction.css"
DOCUMENT_PARTIAL = "gongkai/partials/document-extra-interaction.html"
BANNER = "gongkai/partials/interaction-banner.html"


SETTING = "本站设置 min_periods"


def min_periods(setting: dict) -> dict[str, Period | None]:
    """The national minimum of each 征集类型, with the site's own (validated ``(days, workdays)``) where set."""
    periods = dict(DEFAULT_MIN_PERIODS)
    for kind, value in setting.items():
        periods[kind] = None if value is None else Period(value[0], workdays=value[1], source=SETTING)
    return periods


class InteractionPlugin(BasePlugin[InteractionConfig]):
    """政策解读 and 意见征集 (Interpretation, Consultation, Feedback)."""

    def __init__(self):
        self.core = None
        self.interaction = None
        self.view: InteractionView | None = None
        self._banner = None

    # ------------------------------------------------------------------ configuration

    @at(OnConfig.DECLARE)
    def on_config(self, config):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        periods = min_periods(self.config.min_periods)
        self.settings = Settings(lag_workdays=self.config.interpretation_lag, min_periods=periods,
                                 overdue_days=self.config.feedback_overdue, timezone=self.core.clock.zone,
                                 needs_interpretation=tuple(self.config.interpretation_required))
        self.now = self.core.now
        self._banner = None
        self.core.declare_fields("gongkai/interaction", FIELDS)
        self.core.document_partials.append(DOCUMENT_PARTIAL)
        self.core.sorters["意见征集"] = self._column_order
        for url in (SCRIPT, RULES, STYLE):
            self.core.add_asset(url)
        return config

    # ------------------------------------------------------------------ linking and checks

    @at(OnFiles.RELATE)  # after other feature plugins registered their documents, before the core generates
    def on_files(self, files, config):
        if self.core is None:
            return files
        columns = self.core.catalog.columns if self.core.catalog else None
        self.interaction = collect(self.core.documents, self.settings, self.core.problems, columns=columns,
                                   display=self._display)
        for c in self.interaction.consultations:  # Markdown a template renders: no script in it either
            if c.drafting_note:
                self.core.check_markdown(c.drafting_note, self._display(c.document), field="起草说明",
                                         line=line_of(c.document, "起草说明"))
        today = self.now.date()
        for c in self.interaction.overdue(today):  # the one owner of this finding (the checks report it as is)
            self.core.problems.add(
                self._display(c.document), f"意见征集“{c.document.title}”已于 {c.last_day} 结束，"
                f"{(today - c.last_day).days} 天仍未公布反馈（超过 {self.settings.overdue_days} 天）",
                line=c.document.where("征集截止")[1], field="反馈",
                fix="发布意见收集和采纳情况：单独发一篇写“征集: 本征集索引号”的反馈，或在本文件加“反馈:”块",
                severity="warning")
        missing = self.interaction.missing_interpretation
        if missing:  # listed for the editors; many documents legitimately need none, so not a warning
            log.info("以下 %d 件%s没有政策解读：%s", len(missing), "、".join(self.settings.needs_interpretation),
                     "；".join(f"{self._display(d)}《{d.title}》" for d in missing))
        self.view = InteractionView(self.interaction, self.core, self.now)
        self.core.add_page(files, config, RULES, content=browser_rules())
        return files

    @staticmethod
    def _display(doc) -> str:
        return display_of(doc)

    def _column_order(self, doc):
        """意见征集 column: open first, then upcoming, then closed; a 反馈 document follows its 征集."""
        c = self.interaction.consultation(doc) if self.interaction else None
        if c is None and self.interaction:
            fb = self.interaction.feedback_document(doc)
            c = fb.consultation if fb else None
            if c is not None:
                return consultation_order(c, self.now) + (1,)
        if c is None:
            return (9, 0, 0)  # not a 征集 (a broken one is reported): last
        return consultation_order(c, self.now) + (0,)

    # ------------------------------------------------------------------ templates

    @at(OnPageContent.DECORATE)
    def on_page_content(self, html, page, config, files):
        """A 征集 shows its live status above the draft, where a visitor looks first."""
        if self.view is None:
            return html
        doc = self.core.doc_for_page(page)
        c = self.interaction.consultation(doc) if doc else None
        if c is None:
            return html
        if self._banner is None:  # page content is rendered before on_env: a theme environment of our own
            self._banner = templating.environment(config).get_template(BANNER)
        banner = self._banner.render(interaction=self.view, c=c, document=doc)
        return banner + html

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page, config, nav):
        if self.view is not None:
            context["interaction"] = self.view
        return context
