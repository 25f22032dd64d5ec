"""A complete site repository for a county (区、县级市、旗) that builds at once (`gongkai init`, gongkai/commands/).

The site is made from the package's template (``gongkai/sitekit/template/``): files ending in ``.j2`` are rendered
with Jinja (the county's names, its 发布主体), the others are copied as they are (the 编辑手册); the CI and nginx
files come from ``gongkai/deploy/``, whatever that folder holds. Values only the county can give are written
``待填写`` (``gongkai.model.PLACEHOLDER``): the checks list each as a 上线前待办 item until the site says it is live.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from .. import __version__
from ..catalog import ID_RE
from ..model import PLACEHOLDER
from ..reports.prefill import count, draft_yaml

TEMPLATE = resources.files("gongkai.sitekit") / "template"
DEPLOY = resources.files("gongkai") / "deploy"

# 行政级别 of a county-level division → the word the names use (本县、县政府) and the letter of its ids (xzf).
LEVELS = {"县": "x", "自治县": "x", "区": "q", "市": "s", "县级市": "s", "旗": "q", "自治旗": "q", "特区": "t", "林区": "l"}
# Where the CI files of gongkai/deploy/ go in the site; any other file there goes to deploy/.
CI_FILES = {"gitlab-ci.yml": ".gitlab-ci.yml", "github-actions.yml": ".github/workflows/site.yml",
            "requirements.txt": "requirements.txt"}
PLACEHOLDER_URL = "https://daitianxie.invalid/"  # RFC 2606: .invalid never resolves; a 上线前待办 item


class InitError(Exception):
    """What the editor asked for cannot be made; the message says why, in Chinese."""


@dataclass
class Org:
    """A 发布主体 as organizations.yml is written."""

    id: str
    name: str
    kind: str
    code: str = PLACEHOLDER
    parent: str | None = None
    short_name: str | None = None

    @property
    def code_yaml(self) -> str:
        return PLACEHOLDER if self.code == PLACEHOLDER else f'"{self.code}"'


@dataclass
class County:
    name: str  # 临江县
    level: str  # 县
    orgs: list[Org]
    site_url: str

    @property
    def word(self) -> str:
        """县、区、市、旗 as in 县人民政府, 全县."""
        return {"自治县": "县", "县级市": "市", "自治旗": "旗"}.get(self.level, self.level)

    @property
    def gov_name(self) -> str:
        return f"{self.name}人民政府"

    @property
    def site_name(self) -> str:
        return f"{self.gov_name}门户网站"


def org_kind(name: str) -> str:
    """The 发布主体 type a name implies: 镇、乡、苏木 and 街道 are 乡镇（街道）, another 人民政府 a government."""
    if re.search(r"(镇|乡|苏木)人民政府$|街道办事处$|街道$", name):
        return "乡镇（街道）"
    if name.endswith("人民政府"):
        return "人民政府"
    return "政府部门"


def parse_level(name: str, level: str | None) -> tuple[str, str]:
    """(full name, 行政级别): the level is given or read from the name's last character(s)."""
    name = name.strip()
    if level is not None:
        if level not in LEVELS:
            raise InitError(f"--level“{level}”不是县级行政区的级别，可选：{'、'.join(LEVELS)}")
        word = {"县级市": "市"}.get(level, level)
        return (name if name.endswith(word) else name + word), level
    for suffix in sorted(LEVELS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name, suffix
    raise InitError(f"从名称“{name}”看不出行政级别：请写全称（如 临江县、东湖区、青山市），或加 --level 县")


def make_orgs(county_name: str, level: str, code: str | None, extra: list[str]) -> list[Org]:
    letter = LEVELS[level]
    word = {"自治县": "县", "县级市": "市", "自治旗": "旗"}.get(level, level)
    gov = Org(f"{letter}zf", f"{county_name}人民政府", "人民政府", code or PLACEHOLDER, short_name=f"{word}政府")
    orgs = [gov, Org(f"{letter}zfb", f"{county_name}人民政府办公室", "政府部门", parent=gov.id,
                     short_name=f"{word}政府办")]
    for text in extra:
        org_id, sep, org_name = text.partition("=")
        org_id, org_name = org_id.strip(), org_name.strip()
        if not sep or not org_id or not org_name:
            raise InitError(f"--org“{text}”应写成 id=名称，如 --org jyj={county_name}教育局")
        if not ID_RE.match(org_id):
            raise InitError(f"--org“{text}”：id“{org_id}”应以小写字母开头，只用小写字母、数字和连字符（如 jyj、dcjd）")
        if any(o.id == org_id for o in orgs):
            raise InitError(f"--org“{text}”：发布主体 id“{org_id}”重复")
        short = word + org_name[len(county_name):] if org_name.startswith(county_name) else None
        orgs.append(Org(org_id, org_name, org_kind(org_name), parent=gov.id, short_name=short))
    return orgs


def _comment_unless(text: str, keep: bool) -> str:
    """A block of the template kept, or turned into YAML comments (columns no 发布主体 of the site has yet)."""
    if keep:
        return text
    return "\n".join(("# " + line) if line.strip() else line for line in text.split("\n"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["comment_unless"] = _comment_unless
    return env


def _walk(folder, prefix: str = ""):
    """(relative path, resource) of every file below a package folder."""
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            if item.name != "__pycache__":
                yield from _walk(item, rel + "/")
        else:
            yield rel, item


def site_files(county: County, today: dt.date) -> dict[str, bytes]:
    """Every file of the new site, by path relative to its root."""
    env = _environment()
    year = today.year - 1  # the 年报 and 报表 due this year
    values = {"name": county.name, "level": county.word, "gov_name": county.gov_name, "site_name": county.site_name,
              "site_url": county.site_url, "orgs": county.orgs, "year": year, "version": __version__,
              "township": any(o.kind == "乡镇（街道）" for o in county.orgs)}
    out: dict[str, bytes] = {}
    for rel, item in _walk(TEMPLATE):
        if rel.endswith(".j2"):
            out[rel[:-3]] = env.from_string(item.read_text(encoding="utf-8")).render(values).encode("utf-8")
        elif rel == "gitignore":  # a dot file would be left out of the package
            out[".gitignore"] = item.read_bytes()
        else:
            out[rel] = item.read_bytes()
    for rel, item in _walk(DEPLOY):
        out[CI_FILES.get(rel, f"deploy/{rel}")] = item.read_bytes()
    if "requirements.txt" not in out:
        out["requirements.txt"] = (
            "# 构建网站所需的软件：CI 按本文件安装（也是构建缓存的键）。升级 gongkai 时改这里的版本。\n"
            "# 安装来源（公共软件源、本单位的 Git 服务器或内网镜像）见 gongkai 的部署说明。\n"
            f"gongkai[checks,import]=={__version__}\n").encode("utf-8")
    for org in county.orgs:  # a blank 年报 per 发布主体: 草稿 (draft), which the build reads but never publishes
        text = draft_yaml(org.id, org.name, year, count([], org.id, year))
        lines = text.split("\n")
        lines[:3] = [f"# {org.name}{year}年政府信息公开工作年度报告 —— gongkai init 生成的空白草稿。",
                     "# 按国家格式逐项填写数字和文字（说明见编辑手册“年报和网站工作年度报表”）；旧网站上已有本年度年报的，",
                     "# 照原报告填写。“草稿: true”这一行在时，网站不发布本文件；核对完毕后删去这一行。"]
        out[f"content/reports/{org.id}/{year}.yml"] = "\n".join(lines).encode("utf-8")
    return out


def write_site(target: Path, files: dict[str, bytes], force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} 已存在，且不是文件夹")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InitError(f"文件夹 {target} 不是空的，未写入任何文件。请换一个新文件夹；确实要在其中生成（同名文件会被"
                        "覆盖，其他文件保留）时加 --force")
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
