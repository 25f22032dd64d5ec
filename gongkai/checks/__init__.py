"""Pre-publication checks (发布前检查): what inspections punish, caught before it is published.

One module per check, each a function over the model objects (or over the built site, for links) that returns
``gongkai.errors.Problem`` objects (``Finding`` is the older name of the same class);
``gongkai.plugins.checks`` runs them inside ``mkdocs build`` and hands them to the build's one reporter, and
``gongkai check`` runs that build and prints the reporter's list.
"""

from .findings import SEVERITIES, Finding, apply_severities, summarize

__all__ = ["Finding", "SEVERITIES", "apply_severities", "summarize"]
