"""上线前待办: what `gongkai init` left for the county to fill in, found on the models.

`gongkai init` writes 待填写 (``gongkai.model.PLACEHOLDER``) wherever only the county can give the value: the
网站信息 of the footer (网站标识码, ICP备案编号 …), each 发布主体's 机构代码 and 指南 fields; and a site address
under the reserved ``.invalid`` domain (RFC 2606); and a 无障碍声明 (gongkai/accessibility) with neither a measured
result nor a dated 人工核验, which init leaves so, the demo's measurements not being the county's. Each one still there is a finding of the ``golive`` check. The
checks plugin grades these, with the 空白栏目 findings, by the site's ``live`` setting: a to-do item (提示) while
the site is being prepared, an error once it says it is live.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..accessibility import Statement
from ..catalog import GUIDE_FIELDS, ORG_FIELDS, SITE_FIELDS
from ..errors import TODO_CHECKS, SeverityPolicy
from ..model import Catalog, is_placeholder
from ..errors import Problem

# Checks whose errors are 上线前待办 items while the site is not live.
GO_LIVE_CHECKS = TODO_CHECKS


def _where(source: str, default: str) -> tuple[str, int | None]:
    file, _, line = source.rpartition(":")
    return (file, int(line)) if line.isdigit() else (source or default, None)


# The Git address gongkai/deploy/requirements.txt ships: a site made by `gongkai init` installs gongkai from it in CI
# until the county names the repository that really holds gongkai.
PLACEHOLDER_PACKAGE_HOST = "git.example.gov.cn"


def check_go_live(catalog: Catalog, site_file: str, orgs_file: str, site_url: str | None,
                  config_file: str = "mkdocs.yml", requirements: tuple[str, str] | None = None,
                  statement: Statement | None = None) -> list[Problem]:
    """``requirements``: (display path, text) of the site's requirements.txt, when it has one; ``statement``: the
    无障碍声明 of the gongkai/accessibility plugin, when the site has one."""
    found = []

    def todo(file, message, fix, line=None, field=None, severity="error"):
        found.append(Problem(file, message, line=line, field=field, check="golive", severity=severity, fix=fix))

    host = urlsplit(site_url or "").hostname or ""
    if host.endswith(".invalid"):
        todo(config_file, f"网站的正式网址还没有填写（site_url: {site_url}）", field="site_url",
             fix="把 mkdocs.yml 中的 site_url 改为网站的正式网址，如 https://www.linjiang.gov.cn/（订阅源、开放数据和"
                 "旧网址对照表都用它生成完整网址）")
    for f in SITE_FIELDS:
        if is_placeholder(getattr(catalog.site, f.attr)):
            todo(site_file, f"网站信息“{f.key}”还没有填写（页脚显示“待填写”）", field=f"网站信息 · {f.key}",
                 fix=f"在 {site_file} 中把“{f.key}: 待填写”改为实际内容（网站标识码、备案号等见网站开办时的批复和"
                     "备案材料）")
    org_keys = {f.attr: f.key for f in ORG_FIELDS if f.attr}
    for org in catalog.organizations.values():
        file, line = _where(org.source, orgs_file)
        for attr in ("name", "code"):
            if is_placeholder(getattr(org, attr)):
                key = org_keys[attr]
                fix = (f"填写本机关的 9 位组织机构代码或 18 位统一社会信用代码（加引号）；它是索引号的前缀，填写后"
                       f"才能发布该发布主体的文件，一经使用不得更改" if attr == "code" else f"填写{key}")
                todo(file, f"发布主体 {org.id} 的“{key}”还没有填写", line=line, field=f"发布主体 {org.id} · {key}",
                     fix=fix)
        missing = [f.key for f in GUIDE_FIELDS if is_placeholder(getattr(org.guide, f.attr))]
        if missing:
            todo(file, f"{org.name}的政府信息公开指南还有 {len(missing)} 项没有填写：{'、'.join(missing)}", line=line,
                 field=f"发布主体 {org.id} · 指南",
                 fix=f"在 {file} 发布主体 {org.id} 的“指南:”下逐项填写（条例第十二条：工作机构名称、办公地址、"
                     "办公时间、联系电话、传真号码、互联网联系方式）")
    if requirements is not None:
        file, text = requirements
        for number, line in enumerate(text.splitlines(), 1):
            if PLACEHOLDER_PACKAGE_HOST in line and not line.lstrip().startswith("#"):
                # A warning once live, never an error: it is about the CI machine, not what the site publishes, and
                # a build that runs at all has gongkai installed some other way.
                todo(file, "CI 安装 gongkai 的地址还是示例地址，CI 无法安装 gongkai、网站不能发布", line=number,
                     field="requirements.txt", severity="warning",
                     fix=f"把第 {number} 行的 {PLACEHOLDER_PACKAGE_HOST} 地址改为本单位（或上级单位）存放 gongkai 的 Git "
                         "仓库地址；或按该文件中的方式二至方式四改用 wheel 安装包、软件包镜像或离线安装")
    if statement is not None and not statement.results:
        todo(statement.source, "无障碍和适老化声明还没有任何测量或核验结果（声明页写着“尚未记录任何无障碍测量或人工核验结果”）",
             field="无障碍声明 · 人工核验",
             fix=f"上线前逐项核验无障碍和适老化要求，在 {statement.source} 的“人工核验”下记下每项的要求、结果和日期"
                 "（该文件的注释中有例子）")
    return found


def mark_pending(findings: list[Problem], live: bool) -> list[Problem]:
    """The go-live findings: 上线前待办 (提示) before the site is live; once live, each keeps its own severity
    (the ``live`` rule of ``gongkai.errors.SeverityPolicy``, which the build applies to every problem)."""
    policy = SeverityPolicy(live=live)
    return [policy.pending(f) for f in findings]
