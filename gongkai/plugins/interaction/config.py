"""Settings of the 政策解读 / 意见征集 plugin (``- gongkai/interaction:`` in mkdocs.yml)."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...config_options import KeyedItems, Period
from ...interaction import CONSULTATION_KINDS


class InteractionConfig(Config):
    enabled = c.Type(bool, default=True)

    # A 解读 published more than this many working days after its 原文 is a warning (docs/domain.md: 3).
    interpretation_lag = c.Type(int, default=3)

    # Document.kind (文件类型) values that are expected to have at least one 解读; those without are listed.
    interpretation_required = c.ListOfItems(c.Type(str), default=["行政规范性文件"])

    # Minimum 征集 period per 征集类型, where local rules differ from the national ones (gongkai.interaction.KINDS):
    # "30日" (calendar days), "7个工作日", or 0 / null for none. Kinds not named keep the national period.
    min_periods = KeyedItems(Period(), CONSULTATION_KINDS, "征集类型", default={})

    # A 征集 closed for more than this many days without 反馈 is reported.
    feedback_overdue = c.Type(int, default=30)

    # Deprecated in 0.2.0 (gongkai.deprecations): the clock moved to gongkai/catalog (timezone, as_of). Still read,
    # with a warning, until 0.4.0; `gongkai upgrade` moves them.
    timezone = c.Optional(c.Type(str))
    today = c.Optional(c.Type((str, dt.date)))
