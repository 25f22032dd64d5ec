"""What a new document file looks like: its front matter and a body skeleton for the column kind.

Guidance for the editor is written as HTML comments: it stays in the file and never shows on the page, so a
forgotten hint is not published.
"""

from __future__ import annotations

import yaml


def scalar(value) -> str:
    """One YAML value on one line, quoted only where YAML needs it (a title with a colon, a postcode)."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6, sort_keys=False)
    return text.removesuffix("\n...\n").strip()


def front_matter(fields: list[tuple[str, object, str]]) -> str:
    """``---``-delimited front matter from (key, value, comment) rows; dicts become indented blocks."""
    lines = ["---"]
    for key, value, comment in fields:
        note = f"   # {comment}" if comment else ""
        if isinstance(value, dict):
            lines.append(f"{key}:{note}")
            lines += [f"  {k}: {scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{key}: {scalar(value)}{note}")
    lines.append("---")
    return "\n".join(lines) + "\n"


BODIES = {
    "文件列表": """
<!-- 在下面写正文，可直接粘贴 Word 中的文字。主送机关单独成段，如“各镇人民政府、街道办事处，市政府各部门：”。
     页面上方的信息表已显示发布机构、成文日期和文号，正文末尾不必重复落款。附件写在文件元数据的“附件”中。 -->

""",
    "单页": """
<!-- 在下面写本栏目的内容（如机构职能、领导信息），内容变化时直接修改本文件并改“发布日期”。 -->

""",
    "意见征集": """
<!-- 第一段说明起草目的和征求意见的范围；然后是征求意见稿全文（或在“附件”中附上征求意见稿）。
     征集起止时间和反馈方式由文件元数据生成，显示在页面上方，正文中不必重复。 -->

## 征求意见稿

""",
    "反馈": """
<!-- 说明征求意见的时间、渠道和收到的意见，逐类说明采纳情况；未采纳的意见须说明理由。
     条数写在文件元数据中（收到意见数、采纳、部分采纳、未采纳），三项之和应等于收到意见数。 -->

## 意见收集情况

## 采纳情况

## 未采纳意见及理由

""",
}

INTERPRETATION_BODIES = {
    "文字": """
<!-- 用通俗的语言说明：为什么出台、主要内容、与以往相比有哪些变化、对谁适用、何时施行。 -->

## 一、出台背景和依据

## 二、主要内容

## 三、适用范围和施行时间

""",
    "图解": """
<!-- 把图片放在本文件旁（如 img/ 文件夹），用 ![说明](img/图解.png) 插入。
     图片下方写“文字版”，供读屏软件和不便看图的读者阅读。 -->

**文字版：**

""",
    "问答": """
<!-- 每个问题一段“**问：**……”，下一段“**答：**……”。 -->

**问：**

**答：**

""",
    "视频": """
<!-- 写视频的链接或嵌入说明，并在下方给出文字实录，供无法播放视频的读者阅读。 -->

**文字实录：**

""",
}
INTERPRETATION_BODIES["动漫"] = INTERPRETATION_BODIES["图解"]
INTERPRETATION_BODIES["H5"] = INTERPRETATION_BODIES["图解"]
INTERPRETATION_BODIES["图文"] = INTERPRETATION_BODIES["专家解读"] = INTERPRETATION_BODIES["媒体解读"] = \
    INTERPRETATION_BODIES["文字"]
INTERPRETATION_BODIES["发布会"] = INTERPRETATION_BODIES["在线访谈"] = INTERPRETATION_BODIES["音频"] = \
    INTERPRETATION_BODIES["视频"]


def body_for(kind: str, form: str | None = None) -> str:
    """The body skeleton of a new document in a column of ``kind`` (解读: of the 解读形式 ``form``)."""
    if kind == "政策解读":
        return INTERPRETATION_BODIES.get(form or "文字", INTERPRETATION_BODIES["文字"])
    return BODIES.get(kind, BODIES["文件列表"])
