"""Pre-publication checks (发布前检查): what inspections punish, caught before it is published.

One module per check, each a function over the model objects (or over the built site, for links) that returns
``Finding`` objects; ``gongkai.plugins.checks`` runs them inside ``mkdocs build`` and ``gongkai check`` runs
that build and prints the report.
"""

from .findings import SEVERITIES, Finding, apply_severities, summarize

__all__ = ["Finding", "SEVERITIES", "apply_severities", "summarize"]
