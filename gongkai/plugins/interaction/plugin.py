"""The 政策解读 / 意见征集 plugin: links 解读 ↔ 原文 and 征集 ↔ 反馈, checks them, and shows live 征集 status.

It reads the documents the core plugin (``gongkai/catalog``) parsed, never the Markdown files again; the
front-matter keys it owns are declared to the core, which keeps them in ``Document.extra``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from ... import templating
from ...interaction import FIELDS, Period, Settings, collect, consultation_order, parse_when
from ...interaction.parse import display_of, line_of
from .config import InteractionConfig
from .structure import InteractionView

log = logging.getLogger("mkdocs.plugins.gongkai.interaction")

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "interaction"
# Same URLs the core would give files under gongkai/assets/, so the core does not copy them twice.
SCRIPT = "assets/interaction/interaction.js"
STYLE = "assets/interaction/interaction.css"
DOCUMENT_PARTIAL = "gongkai/partials/document-extra-interaction.html"
BANNER = "gongkai/partials/interaction-banner.html"
PERIOD_RE = re.compile(r"^\s*(\d+)\s*(个)?\s*(日|天|工作日)\s*$")


def parse_period(kind: str, value) -> Period | None:
    """"30日" / "30天" → 30 calendar days, "7个工作日" → 7 working days, 0 / null → no minimum."""
    if value in (None, 0, "", "无"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return Period(value)
    match = PERIOD_RE.match(str(value))
    if not match:
        raise PluginError(f"gongkai/interaction: min_periods · {kind}: “{value}”无法识别，"
                          "应写成“30日”“7个工作日”或 null（不限）")
    return Period(int(match.group(1)), workdays=match.group(3) == "工作日")


class InteractionPlugin(BasePlugin[InteractionConfig]):
    """政策解读 and 意见征集 (Interpretation, Consultation, Feedback)."""

    def __init__(self):
        self.core = None
        self.interaction = None
        self.view: InteractionView | None = None
        self._banner = None

    # ------------------------------------------------------------------ configuration

    def on_config(self, config):
        if not self.config.enabled:
            return
        self.core = config.plugins.get("gongkai/catalog")
        if self.core is None:
            raise PluginError("gongkai/interaction 需要核心插件 gongkai/catalog：在 mkdocs.yml 的 plugins 中"
                              "把 gongkai/catalog 写在 gongkai/interaction 之前")
        try:
            zone = ZoneInfo(self.config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PluginError(f"gongkai/interaction: timezone “{self.config.timezone}”不是有效的时区名，"
                              "例如 Asia/Shanghai") from None
        periods = {kind: parse_period(kind, value) for kind, value in self.config.min_periods.items()}
        self.settings = Settings(lag_workdays=self.config.interpretation_lag, min_periods=periods,
                                 overdue_days=self.config.feedback_overdue, timezone=zone,
                                 needs_interpretation=tuple(self.config.interpretation_required))
        self.now = self._now(zone)
        self._banner = None
        self.core.declare_fields("gongkai/interaction", FIELDS)
        if DOCUMENT_PARTIAL not in self.core.document_partials:
            self.core.document_partials.append(DOCUMENT_PARTIAL)
        self.core.sorters["意见征集"] = self._column_order
        for url, target in ((SCRIPT, config.extra_javascript), (STYLE, config.extra_css)):
            if url not in [str(x) for x in target]:
                target.append(url)
        return config

    def _now(self, zone: ZoneInfo) -> dt.datetime:
        override = self.config.today or os.environ.get("GONGKAI_TODAY") or None
        if override is None:
            return dt.datetime.now(zone)
        when = parse_when(override, zone)
        if when is None:
            raise PluginError(f"gongkai/interaction: today “{override}”无法识别，应写成 2026-11-23 或 2026-11-23 17:00")
        return when[0]

    # ------------------------------------------------------------------ linking and checks

    @event_priority(-10)  # after other feature plugins registered their documents, before the core's -50
    def on_files(self, files, config):
        if not self.config.enabled:
            return files
        columns = self.core.catalog.columns if self.core.catalog else None
        self.interaction = collect(self.core.documents, self.settings, self.core.problems, columns=columns,
                                   display=self._display)
        for c in self.interaction.consultations:  # Markdown a template renders: no script in it either
            if c.drafting_note:
                self.core.check_markdown(c.drafting_note, self._display(c.document), field="起草说明",
                                         line=line_of(c.document, "起草说明"))
        today = self.now.date()
        for c in self.interaction.overdue(today):
            self.core.problems.add(
                self._display(c.document), f"意见征集已于 {c.last_day} 结束，{(today - c.last_day).days} 天仍未公布反馈"
                f"（超过 {self.settings.overdue_days} 天）", field="反馈",
                fix="发布意见收集和采纳情况：单独发一篇写“征集: 本征集索引号”的反馈，或在本文件加“反馈:”块",
                severity="warning")
        missing = self.interaction.missing_interpretation
        if missing:  # listed for the editors; many documents legitimately need none, so not a warning
            log.info("以下 %d 件%s没有政策解读：%s", len(missing), "、".join(self.settings.needs_interpretation),
                     "；".join(f"{self._display(d)}《{d.title}》" for d in missing))
        self.view = InteractionView(self.interaction, self.core, self.now)
        for url in (SCRIPT, STYLE):
            if files.get_file_from_path(url) is None:
                files.append(File.generated(config, url, abs_src_path=str(ASSETS / Path(url).name)))
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

    def on_page_context(self, context, page, config, nav):
        if self.view is not None:
            context["interaction"] = self.view
        return context
