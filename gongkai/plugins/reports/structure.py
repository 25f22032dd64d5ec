"""What the 年报 templates read: one small view object shared by the pages, and the history page structure."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from ...model import Column, Document, Organization
from ..catalog.structure import GeneratedPage
from ...reports.formats import FORMAT_NAMES
from ...reports.model import KEY_FIGURE_LABELS, KEY_FIGURES, AnnualReport


@dataclass
class ReportEntry:
    """One published report with the URLs of its page and its downloads."""

    report: AnnualReport
    organization: Organization
    document: Document
    csv_url: str
    json_url: str
    history_url: str

    @property
    def url(self) -> str:
        return self.document.url

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.report.format]


@dataclass
class HistoryPage(GeneratedPage):
    """历年数据: key figures of one 发布主体's reports by year, as a table and as inline SVG charts."""

    organization: Organization | None = None
    column: Column | None = None
    entries: list[ReportEntry] = field(default_factory=list)  # oldest first
    charts: list[tuple[str, Markup]] = field(default_factory=list)

    template = "gongkai/report-history.html"

    @property
    def figure_names(self):
        return [(name, KEY_FIGURE_LABELS[name]) for name in KEY_FIGURES]

    @property
    def sic_years(self) -> list[int]:
        """Years whose report is archived 原文如此 (figures kept as published though they do not agree)."""
        return [e.report.year for e in self.entries if e.report.sic]


class ReportsView:
    """Template context ``reports``: the entry of a document, if it is a report."""

    def __init__(self):
        self.by_src: dict[str, ReportEntry] = {}
        self.history: dict[str, HistoryPage] = {}

    def entry(self, doc: Document | None) -> ReportEntry | None:
        return self.by_src.get(doc.src_path) if doc is not None else None

    def history_of(self, org: Organization | None) -> HistoryPage | None:
        return self.history.get(org.id) if org is not None else None
