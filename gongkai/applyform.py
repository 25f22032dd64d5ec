"""政府信息公开申请表: the form a 发布主体 receives 依申请公开 requests on, built from its 指南 data.

One ``ApplicationForm`` is drawn twice: as the printable HTML page (gongkai/apply-form.html) and as a DOCX file
made at build time with python-docx, so that the two never differ. The fields follow 《中华人民共和国政府信息公开
条例》第二十九条 (what a request contains: who asks and how to reach them, which information, in what form and
by what way); the 受理机构 block comes from the 发布主体's 指南 (第十二条).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from .model import Organization

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # every build writes the same bytes for the same data


@dataclass
class FormBlock:
    """A block of the form: a title and its rows (label, or label with the choices to tick)."""

    title: str
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    rowspan_title: bool = True  # the title spans its rows in the first column, as on printed forms


@dataclass
class ApplicationForm:
    organization: Organization
    blocks: list[FormBlock]
    notes: list[str]

    @property
    def title(self) -> str:
        return f"{self.organization.name}政府信息公开申请表"

    @property
    def receiver(self) -> list[tuple[str, str]]:
        """Where to hand the form in: the 指南's 工作机构 and its contacts."""
        g = self.organization.guide
        return [("受理机构", g.office), ("办公地址", f"{g.address}（邮编 {g.postcode}）"), ("办公时间", g.hours),
                ("联系电话", g.phone), ("传真", g.fax), ("电子邮箱", g.email)]


def application_form(org: Organization) -> ApplicationForm:
    """The 申请表 of one 发布主体 (条例第二十九条)."""
    person = FormBlock("申请人信息（公民）", [
        ("姓名", []), ("证件名称", []), ("证件号码", []), ("工作单位", []), ("联系电话", []), ("电子邮箱", []),
        ("通信地址", []), ("邮政编码", [])])
    body = FormBlock("申请人信息（法人或者其他组织）", [
        ("名称", []), ("统一社会信用代码", []), ("法定代表人或者主要负责人", []), ("联系人姓名", []),
        ("联系电话", []), ("电子邮箱", []), ("通信地址", []), ("邮政编码", [])])
    request = FormBlock("所需政府信息情况", [
        ("所需政府信息的名称、文号或者便于查询的其他特征性描述", []),
        ("所需政府信息的用途（选填）", []),
        ("获取信息的方式", ["纸质文本", "电子邮件", "光盘", "当场阅读、抄录"]),
        ("获取信息的途径", ["邮寄", "电子邮件", "传真", "自行领取"])])
    # No “是否申请减免费用” row: the 2019 条例 (第四十二条) charges no fee for a request, so there is nothing to waive;
    # only requests far beyond a reasonable number or frequency may bear a 信息处理费 (国办函〔2020〕109号).
    sign = FormBlock("申请人签名或者盖章", [("签名或者盖章", []), ("申请日期", [])], rowspan_title=False)
    notes = [
        "公民填写“公民”一栏，法人或者其他组织填写“法人或者其他组织”一栏，并附身份证明（身份证件或者营业执照等）复印件。",
        "一份申请表宜只申请一项政府信息；所需信息描述应尽量具体，写明名称、文号、发布时间等。",
        f"填好后通过信函、传真、电子邮件或者当面提交{org.guide.office}；以信函提交的，请在信封左下角注明“政府信息公开申请”。",
        "行政机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复，"
        "需要延长的最长不超过20个工作日（《中华人民共和国政府信息公开条例》第三十三条）。",
        "依申请提供政府信息不收取费用；申请公开政府信息的数量、频次明显超过合理范围的，行政机关可以收取信息处理费"
        "（《中华人民共和国政府信息公开条例》第四十二条）。",
    ]
    return ApplicationForm(org, [person, body, request, sign], notes)


def form_docx(form: ApplicationForm) -> bytes:
    """The form as a Word document (A4, one table), for visitors who fill it in on a computer."""
    from docx import Document as DocxDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.core_properties.title = form.title[:255]  # the core properties' limit (python-docx raises beyond it)
    doc.core_properties.author = form.organization.name[:255]

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(form.title)
    run.bold = True
    run.font.size = Pt(16)

    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for block in form.blocks:
        first = None
        for label, choices in block.rows:
            cells = table.add_row().cells
            cells[1].text = label
            cells[2].text = "　".join(f"□ {c}" for c in choices)
            if first is None:
                first = cells[0]
            last = cells[0]
        merged = first.merge(last) if first is not last else first
        merged.text = block.title
    for label, value in form.receiver:
        cells = table.add_row().cells
        cells[0].merge(cells[1]).text = label
        cells[2].text = value
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Mm(32), Mm(52), Mm(86)

    doc.add_paragraph("填表说明：").runs[0].bold = True
    for n, note in enumerate(form.notes, start=1):
        doc.add_paragraph(f"{n}. {note}")

    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_times(raw.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same archive with fixed member times, so a rebuild gives byte-identical output."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
