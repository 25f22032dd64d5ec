"""Settings of the 政策解读 / 意见征集 plugin (``- gongkai/interaction:`` in mkdocs.yml)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class InteractionConfig(Config):
    enabled = c.Type(bool, default=True)

    # A 解读 published more than this many working days after its 原文 is a warning (docs/domain.md: 3).
    interpretation_lag = c.Type(int, default=3)

    # Document.kind (文件类型) values that are expected to have at least one 解读; those without are listed.
    interpretation_required = c.ListOfItems(c.Type(str), default=["行政规范性文件"])

    # Minimum 征集 period per 征集类型, where local rules differ from the national ones (gongkai.interaction.KINDS):
    # "30日" (calendar days), "7个工作日", or 0 / null for none. Kinds not named keep the national period.
    min_periods = c.Type(dict, default={})

    # A 征集 closed for more than this many days without 反馈 is reported.
    feedback_overdue = c.Type(int, default=30)

    # 征集开始 / 征集截止 without a zone are read in this zone; the page's live status uses it too.
    timezone = c.Type(str, default="Asia/Shanghai")

    # Build as if it were this day or instant ("2026-11-23" or "2026-11-23 17:00"); for tests only.
    # When unset, the GONGKAI_TODAY environment variable is used, else the real clock.
    today = c.Optional(c.Type((str, dt.date)))
