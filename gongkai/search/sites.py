"""Other gongkai sites searched together with this one (``sites:`` of gongkai/search; docs/search.md, 联合检索).

A city's portal and its counties' sites are separate gongkai sites. Listing them makes the results page read
their published indexes too, with the same client code: no server, and a request to another host only because the
site owner named it here. Each entry is a mapping ``{名称: …, 地址: …}`` (``搜索页`` when that site moved its
results page); addresses are root-relative (``/xian/``, a site published under the same host) or absolute
``https://`` (``http://`` only for this machine, ``localhost`` or ``127.0.0.1``, as browsers treat those as
secure).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

KEYS = ("名称", "地址", "搜索页")
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
NAME_LIMIT = 40


class SiteError(ValueError):
    """A wrong ``sites:`` entry; the message says which entry, which key and how to fix it."""


@dataclass(frozen=True)
class OtherSite:
    """联合检索的其他网站: a gongkai site whose published index the results page also reads."""

    name: str  # 名称, shown beside each of its hits
    address: str  # its home page: "/xian/" or "https://www.xian.gov.cn/" (always with a trailing slash)
    page: str = "search"  # its gongkai/search ``page`` (the index is at <address><page>/data/)

    @property
    def index(self) -> str:
        return f"{self.address}{self.page}/data/"

    @property
    def origin(self) -> str | None:
        """scheme://host[:port] of an absolute address (what a Content-Security-Policy must allow), else None."""
        parts = urlsplit(self.address)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme else None


def _address(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SiteError(f"{where}缺少“地址”，应写对方网站首页的地址，如 地址: /xian/ 或 地址: https://www.xian.gov.cn/")
    text = value.strip()
    if any(ch.isspace() for ch in text):
        raise SiteError(f"{where}的 地址“{text}”中有空格，请删去")
    if text.startswith("//"):
        raise SiteError(f"{where}的 地址“{text}”缺少协议，请写成 https:{text}")
    parts = urlsplit(text)
    if parts.query or parts.fragment:
        raise SiteError(f"{where}的 地址“{text}”不应带“?”或“#”后面的部分，请只写网站首页的地址")
    if not parts.scheme:
        if not text.startswith("/"):
            raise SiteError(f"{where}的 地址“{text}”应以 / 开头（从本网站所在主机的根目录算起，如 /{text.lstrip('./')}），"
                            "或写完整的 https:// 地址")
    elif parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")):
        if not parts.netloc:
            raise SiteError(f"{where}的 地址“{text}”缺少主机名，应写成 https://www.xian.gov.cn/ 这样")
        text = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    elif parts.scheme == "http":
        raise SiteError(f"{where}的 地址“{text}”须以 https:// 开头：https 网页中的浏览器不会向 http 地址读取数据"
                        "（只有本机测试可用 http://localhost 或 http://127.0.0.1）")
    else:
        raise SiteError(f"{where}的 地址“{text}”应以 / 或 https:// 开头")
    return text if text.endswith("/") else text + "/"


def parse_sites(value) -> list[OtherSite]:
    """The ``sites:`` setting as ``OtherSite`` objects, or SiteError naming the entry, the key and the fix."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise SiteError("应为列表，每项写一个网站，如：\n  sites:\n    - {名称: 示例县人民政府, 地址: /xian/}")
    sites: list[OtherSite] = []
    names: dict[str, int] = {}
    addresses: dict[str, int] = {}
    for n, item in enumerate(value, 1):
        where = f"第 {n} 项"
        if not isinstance(item, dict):
            raise SiteError(f"{where}应为 {{名称: …, 地址: …}}，现在是“{item}”")
        unknown = [str(k) for k in item if k not in KEYS]
        if unknown:
            raise SiteError(f"{where}的“{'、'.join(unknown)}”不是可用的键，应为：{' / '.join(KEYS)}")
        name = item.get("名称")
        if not isinstance(name, str) or not name.strip():
            raise SiteError(f"{where}缺少“名称”，应写对方网站的名称，如 名称: 示例县人民政府（显示在它的每条结果旁）")
        name = name.strip()
        if len(name) > NAME_LIMIT:
            raise SiteError(f"{where}的 名称 太长（{len(name)} 个字），请写 {NAME_LIMIT} 个字以内的简称")
        address = _address(item.get("地址"), where)
        page = item.get("搜索页", "search")
        if not isinstance(page, str) or not page.strip("/ ") or ":" in page or "?" in page or "#" in page \
                or ".." in page.split("/"):
            raise SiteError(f"{where}的 搜索页“{page}”应为对方网站搜索结果页的路径，如 search（对方 gongkai/search 的 page 设置）")
        if name in names:
            raise SiteError(f"{where}的 名称“{name}”与第 {names[name]} 项相同，请用不同的名称区分")
        if address in addresses:
            raise SiteError(f"{where}的 地址“{address}”与第 {addresses[address]} 项相同，请删去重复的一项")
        names[name], addresses[address] = n, n
        sites.append(OtherSite(name=name, address=address, page=page.strip("/ ")))
    return sites
