"""政府信息公开工作年度报告: the model, its YAML loader, the statutory formats, checks and rendering.

``formats`` holds every label of the national tables; ``loader`` reads a report file once into an
``AnnualReport``; ``validate`` checks it; ``render`` draws it. The MkDocs side is gongkai/plugins/reports.
"""

from .formats import FORMAT_2019, FORMAT_2021, FORMAT_TONGJIBIAO, FORMATS, format_for_year
from .loader import load_report_text
from .model import COLUMN_KIND, NOT_APPLICABLE, YEAR_EXTRA, AnnualReport
from .validate import DEFAULT_DEADLINES, deadline, deadline_for, validate

__all__ = ["AnnualReport", "FORMATS", "FORMAT_2019", "FORMAT_2021", "FORMAT_TONGJIBIAO", "DEFAULT_DEADLINES",
           "COLUMN_KIND", "NOT_APPLICABLE", "YEAR_EXTRA", "deadline", "deadline_for", "format_for_year",
           "load_report_text", "validate"]
