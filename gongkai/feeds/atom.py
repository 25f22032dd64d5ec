"""Atom feeds (RFC 4287) of documents, written by feedgen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from ..model import Document


@dataclass
class Feed:
    """One Atom feed: a scope (the site, a column, a 发布主体 or a 主题分类) and its newest documents."""

    key: str  # "site", "column:<id>", "org:<id>", "topic:<主题分类>"
    title: str  # feed title, e.g. 示例市人民政府门户网站 · 行政规范性文件
    label: str  # what a link to it says, e.g. 行政规范性文件
    src_uri: str  # e.g. dingyue/lanmu/gfxwj.xml
    url: str = ""  # site-relative, set when the file is placed
    page_url: str | None = None  # site-relative page the feed follows; None for a 主题分类
    documents: list[Document] = field(default_factory=list)  # newest first, already cut to the feed size
    total: int = 0  # documents in the scope, before the cut


def midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone)


def atom_xml(feed: Feed, *, absolute: Callable[[str], str], site_name: str, author: str, zone: ZoneInfo,
             updated: dt.date, describe: Callable[[Document], dict]) -> bytes:
    """The feed as Atom XML. ``updated`` is the newest date of the feed (or of the site for an empty one), so
    that an unchanged site builds byte-identical feeds."""
    fg = FeedGenerator()
    fg.id(absolute(feed.url))
    fg.title(feed.title)
    fg.author(name=author)
    fg.link(href=absolute(feed.url), rel="self", type="application/atom+xml")
    if feed.page_url is not None:
        fg.link(href=absolute(feed.page_url), rel="alternate", type="text/html")
    fg.language("zh-CN")
    fg.generator("gongkai")
    fg.updated(midnight(updated, zone))
    for doc in feed.documents:
        info = describe(doc)
        entry = fg.add_entry(order="append")  # documents come newest first
        entry.id(absolute(doc.url))
        entry.title(doc.title)
        entry.link(href=absolute(doc.url), rel="alternate", type="text/html")
        entry.published(midnight(doc.published, zone))
        entry.updated(midnight(max(doc.published, info.get("更新日期") or doc.published), zone))
        entry.author(name=info["发布机构"])
        entry.summary(info["摘要"])
        if info["主题分类订阅"]:  # not for 主题分类 "无": no category scheme exists for it
            entry.category(term=doc.topic, label=doc.topic, scheme=absolute(info["主题分类订阅"]))
    return fg.atom_str(pretty=True)
