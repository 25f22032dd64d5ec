"""Settings of the 无障碍声明 plugin (``- gongkai/accessibility`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class AccessibilityConfig(Config):
    enabled = c.Type(bool, default=True)
    # Folder below docs_dir with shengming.yml (the editor's part) and results.json (the tests' measurements);
    # also the statement page's URL.
    data_dir = c.Type(str, default="wzasm")
