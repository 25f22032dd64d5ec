"""个人信息 leaks: 身份证号, 手机号 and bank card numbers in documents and attachments (docs/domain.md).

A number is reported only when it has the shape *and* the internal consistency of the real thing, so that
索引号, 文号, dates, amounts and statistics tables do not raise false alarms:

- 身份证号 (18 digits): a known province code, a real birth date, and the MOD 11-2 check character (may be X).
- 身份证号 (old 15 digits): a known province code and a real 19YY birth date.
- 手机号: 11 digits 1[3-9]…, optionally +86 and grouped 3-4-4.
- 银行卡号: 16–19 digits passing the Luhn check, and either card words nearby (卡号, 账号, 银行 … on the line or in
  the table's header row) or a 16/19-digit number with a card prefix (62, 4, 51–55). Grouped forms
  (138 0013 8000, 6222 0212 …, 110101 19900307 1234) are read as one number.

Never reported: a number inside a longer digit run or an alphanumeric code (统一社会信用代码), one directly before
"/YYYY-" (an 索引号), one followed by a unit or decimals (an amount), one right after words naming another kind of
number (编号, 订单号, 注册号, 信用代码 …), one inside a URL, masked forms (110101********1234, 138****5678) and the
allow-list (public service numbers, the catalog's own phones and 机构代码).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
             53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Public numbers that are never personal: 政务服务便民热线, emergency and public-service hotlines. A site adds its
# own through the checks plugin's ``allow`` setting; the catalog's phones, faxes and 机构代码 are added too.
DEFAULT_ALLOW = frozenset({"12345", "12315", "12319", "12320", "12333", "12348", "12351", "12358", "12365",
                           "12366", "12369", "12388", "110", "119", "120", "122", "95598", "95588", "95533",
                           "95599", "95566", "95559", "95555", "95528"})

# A digit run, possibly grouped by single spaces or dashes; X allowed last (身份证号).
CANDIDATE_RE = re.compile(
    r"(?<![0-9])(?:"
    r"(?:\+?86[- ]?)?1[3-9]\d[- ]\d{4}[- ]\d{4}"  # 手机号 grouped 3-4-4
    r"|\d{6} \d{8} \d{3}[\dXx]"  # 身份证号 grouped 6-8-4
    r"|\d{4}(?:[- ]\d{4}){3}(?:[- ]\d{1,3})?"  # card grouped by 4
    r"|(?:\+?86[- ]?)?\d{11,19}[Xx]?"  # a plain run
    r")(?![0-9])")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')）]+")
UNIT_AFTER_RE = re.compile(r"^\s*(?:[.．]\d|元|万|亿|千|百|人|户|件|个|次|吨|台|辆|套|份|项|家|所|名|平方|亩|公顷|千克|公斤|"
                           r"公里|千米|米|%|％|‰)")
INDEX_AFTER_RE = re.compile(r"^[/／]\d{4}-")
CURRENCY_BEFORE_RE = re.compile(r"[¥￥$]\s*$")
# Words naming a number that is not personal, right before it.
OTHER_NUMBER_RE = re.compile(r"(?:编号|编码|编码为|单号|订单|合同|项目|标段|批次|批号|发票|代码|索引|注册号|文号|流水号|"
                             r"登记号|许可证|证书号|备案号|档案号|案号|序号|条码|工号|学号|No\.?|NO\.?)[^0-9\n]{0,6}$")
CARD_WORDS_RE = re.compile(r"卡号|银行卡|账号|帐号|账户|帐户|开户|银行|社保卡|储蓄卡|信用卡|借记卡|收款")
CARD_PREFIX_RE = re.compile(r"^(?:62|4|5[1-5])")
# A table column or row whose label names a quantity holds statistics, not personal numbers.
STATISTICS_RE = re.compile(r"元|金额|经费|资金|数量|人数|户数|件数|数值|合计|总计|小计|统计|产值|面积|总量|增加值|收入|支出")


@dataclass
class Hit:
    """One personal number found: kind, 1-based line, and a masked form safe to print in reports."""

    kind: str  # 身份证号 | 手机号 | 银行卡号
    line: int
    masked: str
    field: str | None = None  # where inside the line's container (工作表/单元格, PDF 页), when not the file's line


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def _date(y: int, m: int, d: int, latest: int) -> bool:
    if not 1900 <= y <= latest:
        return False
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def is_id18(s: str, latest_year: int | None = None) -> bool:
    latest = latest_year or dt.date.today().year
    if len(s) != 18 or not s[:17].isdigit() or int(s[:2]) not in PROVINCES:
        return False
    if not _date(int(s[6:10]), int(s[10:12]), int(s[12:14]), latest):
        return False
    return s[17].upper() == id_check_char(s[:17])


def is_id15(s: str) -> bool:
    if len(s) != 15 or not s.isdigit() or int(s[:2]) not in PROVINCES:
        return False
    return _date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]), 1999)


def is_mobile(s: str) -> bool:
    return len(s) == 11 and s.isdigit() and s[0] == "1" and s[1] in "3456789"


def luhn(s: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(s)):
        n = int(c)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def mask(kind: str, s: str) -> str:
    if kind == "身份证号":
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if kind == "手机号":
        return s[:3] + "****" + s[-4:]
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def _classify(digits: str, context: str, latest_year: int | None) -> str | None:
    if len(digits) == 18 and is_id18(digits, latest_year):
        return "身份证号"
    if len(digits) == 15 and is_id15(digits):
        return "身份证号"
    if is_mobile(digits):
        return "手机号"
    if 16 <= len(digits) <= 19 and digits.isdigit() and luhn(digits):
        if CARD_WORDS_RE.search(context) or (len(digits) in (16, 19) and CARD_PREFIX_RE.match(digits)):
            return "银行卡号"
    return None


def _cells(line: str, tabular: bool) -> list[tuple[int, int]]:
    """(start, end) of each cell of a table row: '|' cells in Markdown, ',' or tab cells in CSV/sheet rows."""
    if tabular:
        sep = "\t" if "\t" in line else ","
    elif line.lstrip().startswith("|"):
        sep = "|"
    else:
        return []
    spans, start = [], 0
    for i, ch in enumerate(line + sep):
        if i == len(line) or ch == sep:
            spans.append((start, i))
            start = i + 1
    return spans


def _cell_labels(line: str, header: str, pos: int, tabular: bool) -> str:
    """The header cell above ``pos`` and the row's first cell, where the line is a table row."""
    spans = _cells(line, tabular)
    if not spans or not header:
        return ""
    index = next((i for i, (a, b) in enumerate(spans) if a <= pos <= b), None)
    if index is None:
        return ""
    head = _cells(header, tabular)
    labels = [header[slice(*head[index])]] if index < len(head) and header != line else []
    first = next(((a, b) for a, b in spans if line[a:b].strip()), None)
    if first is not None and first != spans[index]:
        labels.append(line[slice(*first)])
    return " ".join(labels)


def _table_headers(lines: list[str], tabular: bool) -> list[str]:
    """For each line, the header row of the table it belongs to ('' outside tables).

    ``tabular`` (CSV, spreadsheet rows): the first line is the header of every line. Markdown: the first line of
    each block of '|' lines."""
    if tabular:
        return [lines[0] if lines else ""] * len(lines)
    headers, current = [], ""
    for line in lines:
        if line.lstrip().startswith("|"):
            current = current or line
        else:
            current = ""
        headers.append(current)
    return headers


def scan_text(text: str, *, allow: Iterable[str] = (), tabular: bool = False,
              latest_year: int | None = None) -> list[Hit]:
    """Every personal number in ``text``, with its 1-based line."""
    allowed = set(DEFAULT_ALLOW) | {re.sub(r"\D", "", a) or a for a in allow}
    lines = text.splitlines()
    headers = _table_headers(lines, tabular)
    hits: list[Hit] = []
    for number, line in enumerate(lines, start=1):
        if not re.search(r"\d{11}|\d{3}[- ]\d{4}", line):
            continue
        urls = [m.span() for m in URL_RE.finditer(line)]
        for m in CANDIDATE_RE.finditer(line):
            raw = m.group(0).rstrip(" -")
            start, end = m.start(), m.start() + len(raw)
            if any(a <= start < b for a, b in urls):
                continue
            before, after = line[:start], line[end:]
            # Part of an alphanumeric code (统一社会信用代码 with letters, serials like A2024…): not a person's number.
            if (before and before[-1].isascii() and before[-1].isalpha() and not re.search(r"(?:TEL|Tel|tel|"
                                                                                             r"PHONE|Phone)[:：]?$", before)) \
                    or (after and after[0].isascii() and after[0].isalnum()):
                continue
            if INDEX_AFTER_RE.match(after) or UNIT_AFTER_RE.match(after) or CURRENCY_BEFORE_RE.search(before):
                continue
            if OTHER_NUMBER_RE.search(before[-16:]):
                continue
            if headers[number - 1] and STATISTICS_RE.search(_cell_labels(line, headers[number - 1], start, tabular)):
                continue
            body = re.sub(r"^\+?86[- ]?(?=1[3-9])", "", raw) if re.match(r"^\+?86[- ]?1[3-9]", raw) and \
                len(re.sub(r"\D", "", raw)) == 13 else raw
            digits = re.sub(r"[- ]", "", body)
            if digits in allowed or digits.upper() in allowed:
                continue
            kind = _classify(digits, line + " " + headers[number - 1], latest_year)
            if kind:
                hits.append(Hit(kind, number, mask(kind, digits.upper())))
    return hits


def scan_file(path, display: str, *, allow: Iterable[str] = (), latest_year: int | None = None) -> list:
    """Findings for one file on disk (a document or an attachment); unreadable files are reported as info."""
    from pathlib import Path

    from .extract import Unreadable, chunks
    from .findings import Finding

    try:
        parts = chunks(Path(path))
    except Unreadable as exc:
        return [Finding(display, f"{exc}，请人工检查其中是否有个人信息", severity="info", check="pii")]
    findings = []
    for chunk in parts:
        for hit in scan_text(chunk.text, allow=allow, tabular=chunk.tabular, latest_year=latest_year):
            # line: the file's line, or the row of a worksheet / the line of a PDF page or Word paragraph list
            findings.append(Finding(
                display, f"疑似未打码的{hit.kind}“{hit.masked}”（报告中已打码）", line=hit.line, field=chunk.where, check="pii", severity="error",
                fix=f"删除或按规范打码（如{EXAMPLES[hit.kind]}）；若是公开的号码，加入检查插件的 allow 白名单"))
    return findings


EXAMPLES = {"身份证号": "110101********1234", "手机号": "138****5678", "银行卡号": "6222 **** **** 1234"}
