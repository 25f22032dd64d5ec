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

Text is read as editors type it: full-width digits (１３８…) and separators (全角空格, －, —) count as their ASCII
forms, and an 身份证号 may be split 6+12, 6+8+4 or 6+4+4+4 by spaces, hyphens, dots or underscores. A label for an
identity document or a person (证件编号, 身份证号码, 联系人 …) wins over a word for another kind of number before it, so
that "证件编号：<ID>" and "项目联系人张三<ID>" are reported while "项目编号：<ID-shaped number>" is not.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
import datetime as dt
import html
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

# Editors' full-width digits, letters and separators, mapped one character to one so that positions still hold.
NORMALIZE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "x", "＋": "+",
                           "－": "-", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "﹣": "-",
                           "＿": "_", "．": ".", "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " "})
# Any character NORMALIZE replaces: most text holds few, and a regex replaces them far faster than str.translate
# reads every character of a Chinese text (a dictionary lookup each: two thirds of a scan's time).
_NORMALIZED = {chr(code): value for code, value in NORMALIZE.items()}
_NORMALIZE_RE = re.compile("[" + "".join(map(re.escape, _NORMALIZED)) + "]")


def normalize(text: str) -> str:
    """``text.translate(NORMALIZE)``."""
    return _NORMALIZE_RE.sub(_normalized, text)


def _normalized(match: re.Match) -> str:
    return _NORMALIZED[match.group()]


# Between the groups of a split number: up to three spaces, or one of - _ . with a space either side.
SEP = r"(?: {1,3}| ?[-_.] ?)"
# A digit run, possibly grouped; X allowed last (身份证号). Split 身份证号 forms come first, so that their groups are not
# read as separate shorter numbers.
CANDIDATE_RE = re.compile(
    r"(?<![0-9])(?:"
    rf"\d{{6}}{SEP}(?:\d{{8}}{SEP}?|\d{{4}}{SEP}\d{{4}}{SEP})\d{{3}}[\dXx]"  # 身份证号 6+12, 6+8+4, 6+4+4+4
    # Weaker checks (no check character, or 11 digits): one space or hyphen only, not columns of a text table.
    r"|\d{6}[- ]\d{9}|\d{6}-\d{6}-\d{3}"  # old 15-digit 身份证号 6+9, 6+6+3 (hyphens)
    r"|(?:\+?86[- ]?)?1[3-9]\d[- ]\d{4}[- ]\d{4}"  # 手机号 grouped 3-4-4
    r"|\d{4}(?:[- ]\d{4}){3}(?:[- ]\d{1,3})?"  # card grouped by 4
    r"|(?:\+?86[- ]?)?\d{11,19}[Xx]?"  # a plain run
    r")(?![0-9])", re.ASCII)
# A line worth looking at: 11 digits in a row, or digit groups joined by a separator.
PREFILTER_RE = re.compile(r"\d{11}|\d{3}[-_. ]{1,3}\d{4}", re.ASCII)
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')）]+")
UNIT_AFTER_RE = re.compile(r"^\s*(?:[.．]\d|元|万|亿|千|百|人|户|件|个|次|吨|台|辆|套|份|项|家|所|名|平方|亩|公顷|千克|公斤|"
                           r"公里|千米|米|%|％|‰)")
INDEX_AFTER_RE = re.compile(r"^[/／]\d{4}-")
CURRENCY_BEFORE_RE = re.compile(r"[¥￥$]\s*$")
# Words naming a number that is not personal, right before it.
OTHER_WORD = (r"编号|编码|编码为|单号|订单|合同|项目|标段|批次|批号|发票|代码|索引|注册号|文号|流水号|登记号|许可证|"
              r"证书号|备案号|档案号|案号|序号|条码|工号|学号|No\.?|NO\.?")
OTHER_NUMBER_RE = re.compile(rf"(?:{OTHER_WORD})[^0-9\n]{{0,6}}$")
OTHER_WORD_RE = re.compile(OTHER_WORD)
# Words naming an identity document or a person: nearer to the number than an OTHER_WORD, they make it personal again
# (证件编号, 项目联系人张三<ID>).
PERSON_WORD_RE = re.compile(r"(?:居民|公民)?身份(?:证|号码)(?:号码|编号|号)?|证件(?:号码|编号|号)?|"
                            r"联系人|联系电话|联系方式|电话|手机|姓名|本人|申请人|负责人|法定代表人|户主|监护人|经办人|"
                            r"收款人|持卡人|开户人")
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


def _classify(digits: str, card_context, latest_year: int | None) -> str | None:
    """The kind of personal number ``digits`` is, or None; ``card_context()`` says whether card words are near."""
    if len(digits) == 18 and is_id18(digits, latest_year):
        return "身份证号"
    if len(digits) == 15 and is_id15(digits):
        return "身份证号"
    if is_mobile(digits):
        return "手机号"
    if 16 <= len(digits) <= 19 and digits.isdigit() and luhn(digits):
        if (len(digits) in (16, 19) and CARD_PREFIX_RE.match(digits)) or card_context():
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
    for part in line.split(sep):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return spans


def _cell_labels(line: str, spans: list[tuple[int, int]], header: str, head: list[tuple[int, int]], pos: int) -> str:
    """The header cell above ``pos`` and the row's first cell, where the line is a table row."""
    if not spans or not header:
        return ""
    index = bisect.bisect_right(spans, (pos, len(line) + 1)) - 1  # the cell that starts at or before pos
    if index < 0 or not spans[index][0] <= pos <= spans[index][1]:
        return ""
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


def _other_number(before: str) -> bool:
    """Whether the words right before a number name another kind of number (订单号, 项目编号 …) and no identity
    document or person is named after them (证件编号, 项目联系人张三)."""
    window = before[-16:]
    if not OTHER_NUMBER_RE.search(window):
        return False
    other = max(m.end() for m in OTHER_WORD_RE.finditer(window))
    person = max((m.end() for m in PERSON_WORD_RE.finditer(window)), default=-1)
    return other > person


def is_path(entry: str) -> bool:
    """An ``allow`` entry naming a file (checked by hand) rather than a number."""
    return "/" in entry or "\\" in entry or re.search(r"\.[A-Za-z][A-Za-z0-9]{0,4}$", entry) is not None


@functools.lru_cache(maxsize=16)
def _allowed(allow: frozenset) -> frozenset:
    """The numbers never reported: the defaults and the ``allow`` entries that are numbers, as digits. Once per
    allow list, not once per text (a build scans thousands of texts with the same list)."""
    return DEFAULT_ALLOW | {re.sub(r"\D", "", a) or a for a in allow if not is_path(a)}


@functools.lru_cache(maxsize=16)
def _allowed_paths(allow: frozenset) -> tuple[str, ...]:
    """The ``allow`` entries that name files (checked by hand)."""
    return tuple(sorted(a for a in allow if is_path(a)))


def scan_text(text: str, *, allow: Iterable[str] = (), tabular: bool = False,
              latest_year: int | None = None) -> list[Hit]:
    """Every personal number in ``text``, with its 1-based line. Linear in the text: a huge one-line file (a
    minified HTML page, a sheet row) only costs its length."""
    allowed = _allowed(allow if isinstance(allow, frozenset) else frozenset(allow))
    lines = normalize(text).splitlines()
    headers = _table_headers(lines, tabular)
    head_spans: dict[str, list[tuple[int, int]]] = {}
    hits: list[Hit] = []
    for number, written in enumerate(lines, start=1):
        # The line as written, then as a reader sees it (markup, entities, emphasis and invisible characters gone):
        # what the second finds beyond the first is added.
        variants = _as_written_and_shown(written)
        found = _scan_line(variants[0], number, headers[number - 1], head_spans, tabular, allowed, latest_year)
        hits += found
        if len(variants) > 1:
            known = Counter((h.kind, h.masked) for h in found)
            for hit in _scan_line(variants[1], number, headers[number - 1], head_spans, tabular, allowed, latest_year):
                if known[(hit.kind, hit.masked)] > 0:
                    known[(hit.kind, hit.masked)] -= 1
                else:
                    hits.append(hit)
    return hits


# What a page or document shows as one number, though the source splits it: zero-width characters, a soft hyphen
# and the word joiner are not shown; thin, narrow and other typographic spaces show as a space; tags (<span>),
# character references (&#49;, &nbsp;) and Markdown emphasis (**, ~~, `) around digits are not shown as written.
INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060\u2061-\u2064\ufeff]")
THIN_SPACES = str.maketrans(dict.fromkeys("\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f", " "))
INLINE_TAG_RE = re.compile(r"<[A-Za-z/!][^<>]{0,200}>")
EMPHASIS_RE = re.compile(r"(?<=[\d ])(?:\*{1,3}|_{2,3}|~~|`)|(?:\*{1,3}|_{2,3}|~~|`)(?=[\d ])")
SHOWN_TRIGGER_RE = re.compile("[<&*_~`\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u2004-\u200a\u202f\u205f]")


def _as_written_and_shown(line: str) -> list[str]:
    if not SHOWN_TRIGGER_RE.search(line):
        return [line]
    shown = INLINE_TAG_RE.sub("", line) if "<" in line else line
    if "&" in shown:
        shown = html.unescape(shown)
    shown = normalize(INVISIBLE_RE.sub("", shown).translate(THIN_SPACES))
    shown = EMPHASIS_RE.sub("", shown)
    return [line] if shown == line else [line, shown]


def _scan_line(line: str, number: int, header: str, head_spans: dict, tabular: bool, allowed: set,
               latest_year: int | None) -> list[Hit]:
    hits: list[Hit] = []
    if not PREFILTER_RE.search(line):
        return hits
    spans = _cells(line, tabular) if header else []
    if header and header not in head_spans:
        head_spans[header] = _cells(header, tabular)
    card_words: list[bool] = []  # computed once per line, when a Luhn-valid number needs it

    def card_context() -> bool:
        if not card_words:
            card_words.append(bool(CARD_WORDS_RE.search(line) or CARD_WORDS_RE.search(header)))
        return card_words[0]

    urls = [m.span() for m in URL_RE.finditer(line)]
    for m in CANDIDATE_RE.finditer(line):
        raw = m.group(0)
        start, end = m.span()
        if any(a <= start < b for a, b in urls):
            continue
        # Windows, not slices to the line's ends: the checks below only look at a few characters either side.
        before, after = line[max(0, start - 32):start], line[end:end + 16]
        # Part of an alphanumeric code (统一社会信用代码 with letters, serials like A2024…): not a person's number.
        if (before and before[-1].isascii() and before[-1].isalpha() and not re.search(r"(?:TEL|Tel|tel|"
                                                                                         r"PHONE|Phone)[:：]?$", before)) \
                or (after and after[0].isascii() and after[0].isalnum()):
            continue
        if INDEX_AFTER_RE.match(after) or UNIT_AFTER_RE.match(after) or CURRENCY_BEFORE_RE.search(before):
            continue
        if _other_number(before):
            continue
        if header and STATISTICS_RE.search(_cell_labels(line, spans, header, head_spans[header], start)):
            continue
        body = re.sub(r"^\+?86[- ]?(?=1[3-9])", "", raw) if re.match(r"^\+?86[- ]?1[3-9]", raw) and \
            len(re.sub(r"\D", "", raw)) == 13 else raw
        digits = re.sub(r"[^0-9Xx]", "", body)
        if digits in allowed or digits.upper() in allowed:
            continue
        kind = _classify(digits, card_context, latest_year)
        if kind:
            hits.append(Hit(kind, number, mask(kind, digits.upper())))
    return hits


def scan_file(path, display: str, *, allow: Iterable[str] = (), latest_year: int | None = None) -> list:
    """Findings for one file on disk (a document or an attachment).

    A file whose text could not be read, or not all of it, gives a warning “未能扫描：<reason>”; a type whose text
    cannot be read at all (images, .doc …) an info “不支持扫描”. Whatever text was read before a limit stopped the
    reading is still scanned. An ``allow`` entry naming the file (checked by hand) silences those two notes, never a
    number found in it."""
    from pathlib import Path

    from .extract import Unreadable, Unsupported, chunks
    from ..errors import Problem

    allow = allow if isinstance(allow, frozenset) else frozenset(allow)
    checked_by_hand = any(_names(display, a) for a in _allowed_paths(allow))
    notes: list[Problem] = []
    try:
        parts = chunks(Path(path))
    except Unsupported as exc:
        parts = []
        notes.append(Problem(display, f"不支持扫描：{exc}", severity="info", check="pii", fix=FIX_UNSUPPORTED))
    except Unreadable as exc:
        parts = exc.partial
        notes.append(Problem(display, f"未能扫描：{exc}", severity="warning", check="pii", fix=FIX_UNREADABLE))
    findings = []
    for chunk in parts:
        for hit in scan_text(chunk.text, allow=allow, tabular=chunk.tabular, latest_year=latest_year):
            # line: the file's line, or the row of a worksheet / the line of a PDF page or Word paragraph list
            findings.append(Problem(
                display, f"疑似未打码的{hit.kind}“{hit.masked}”（报告中已打码）", line=hit.line, field=chunk.where, check="pii", severity="error",
                fix=f"删除或按规范打码（如{EXAMPLES[hit.kind]}）；若是公开的号码，加入检查插件的 allow 白名单"))
    return findings + ([] if checked_by_hand else notes)


# Elements a browser shows as a block or a line of its own: a number cannot run across them. (Tables: _table_rows.)
LINE_BLOCKS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl",
               "section", "article", "details", "summary", "figure", "figcaption", "hr", "br")
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"})


def _table_rows(tree) -> None:
    """Each table row as a '|' line, the marks at the start of its cells (changes the tree): the scan then reads the
    header row as it does a Markdown table's, so a statistics column is not taken for a list of phone numbers.
    Whitespace between a table's tags is dropped, as it shows nothing."""
    body = tree.body
    if body is None:
        return
    for table in body.css("table"):
        blank = [n for n in table.traverse(include_text=True) if n.is_text_node and not n.text_content.strip()]
        for node in blank:
            node.decompose()
    for row in body.css("tr"):
        cells = [cell for cell in row.iter() if cell.tag in ("td", "th")]
        for i, cell in enumerate(cells):
            mark = "\n| " if i == 0 else " | "
            if cell.first_child is not None:
                cell.first_child.insert_before(mark)
            else:
                cell.insert_child(mark)


def shown_text(html_text: str) -> str:
    """The text a browser shows for a page's body HTML: inline elements joined, blocks on lines of their own, table
    rows as '|' lines, character references decoded, scripts and styles dropped (read with gongkai/htmlread.py)."""
    from .. import htmlread

    tree = htmlread.parse_body(html_text, scripting=True)
    tree.strip_tags(list(htmlread.HIDDEN))
    _table_rows(tree)
    htmlread.separate(tree, LINE_BLOCKS, "\n", inside=True)
    return htmlread.body_text(tree)


def scan_rendered(html_text: str, display: str, *, allow: Iterable[str] = (), latest_year: int | None = None,
                  known: Iterable[str] = ()) -> list:
    """Findings in the text a document's page shows (its rendered body) that the scan of its source did not make
    (``known``: the masked numbers found there). They have no line: the number is whole only on the page."""
    from ..errors import Problem

    left = Counter(known)
    findings = []
    for hit in scan_text(shown_text(html_text), allow=allow, latest_year=latest_year):
        if left[hit.masked] > 0:
            left[hit.masked] -= 1
            continue
        findings.append(Problem(
            display, f"疑似未打码的{hit.kind}“{hit.masked}”（报告中已打码；网页上显示为完整号码，源文件中被标记或不可见字符隔开）",
            field="正文（网页上显示的文字）", check="pii", severity="error",
            fix=f"删除或按规范打码（如{EXAMPLES[hit.kind]}）；若是公开的号码，加入检查插件的 allow 白名单"))
    return findings


def _names(display: str, entry: str) -> bool:
    """Whether an ``allow`` path names the file shown as ``display`` (relative to the project or the docs dir)."""
    entry = entry.replace("\\", "/").strip().removeprefix("./").lstrip("/")
    return bool(entry) and (display == entry or display.endswith("/" + entry))


EXAMPLES = {"身份证号": "110101********1234", "手机号": "138****5678", "银行卡号": "6222 **** **** 1234"}
FIX_UNREADABLE = ("请人工核对其中有没有身份证号、手机号、银行卡号；能改的话另存为带文字的 PDF（不是扫描件）或 .docx/.xlsx "
                  "后重新检查；人工核对无误后，把该文件的路径加入检查插件的 allow，不再提示")
FIX_UNSUPPORTED = ("请人工核对其中有没有身份证号、手机号、银行卡号（图片和扫描件中的文字无法自动检查）；Word、Excel、WPS 文件"
                   "另存为 .docx/.xlsx 后即可自动检查；人工核对无误后，把该文件的路径加入检查插件的 allow，不再提示")
