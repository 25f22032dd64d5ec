"""Text folding and tokens for the search index; ``assets/search/search.js`` mirrors this exactly.

Chinese is indexed as overlapping character bigrams plus single characters: no dictionary is needed on either
side, a query of any length (one character, a word, a sentence without spaces) maps onto the same terms, and a
document matches when it holds every bigram of the query. Runs of ASCII letters and digits are one term each,
so years and 文号 numbers are searchable on their own. 文号 and 索引号 also get one exact-match term each, with
the brackets of a 文号 folded so that 〔2024〕, [2024], (2024) and 【2024】 are the same.
"""

from __future__ import annotations

import re
import unicodedata
from operator import add
from typing import Iterable

from .t2s import T2S

_T2S_TABLE = str.maketrans(T2S)
# Any 繁體 character of the table: most text holds none, and a regex search is far cheaper than a translate.
_TRAD_RE = re.compile("[" + "".join(sorted(map(re.escape, T2S))) + "]")
# CJK unified ideographs (basic, extension A, compatibility, extensions B–F).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUN_RE = re.compile(f"([{_HAN}]+)|([0-9a-z]+)")
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕",
                           "〖": "〔", "〗": "〕", "［": "〔", "］": "〕", "（": "〔", "）": "〕"})
_SPACE_RE = re.compile(r"\s+")
# 示政办发〔2024〕12号 after folding; the issuer part may hold letters and digits (e.g. 示ab发).
DOC_NUMBER_RE = re.compile(r"^[^〔〕\s]{1,30}〔(\d{4})〕第?(\d{1,5})号$")
# 机构代码/年份-流水号: 9 or 18 characters, then the year and a serial.
INDEX_NUMBER_RE = re.compile(r"^[0-9a-z]{9}(?:[0-9a-z]{9})?/\d{4}-\d{1,8}$")
# Other 文号 forms (示例市人民政府令第1号): a query of some characters ending in a number and 号.
QUERY_NUMBER_RE = re.compile(r"^\S{2,30}?第?\d{1,5}号$")

# A 文号 as citizens type it: the year in any brackets, or followed by 年, a hyphen or a space; 第 and 号
# optional (示政规〔2026〕9, 示政规2026年9号, 示政规 2026 9号). The issuer part must hold a Chinese character.
_YEAR_FORM_RE = re.compile(
    r"^([^〔〕]{1,30}?)\s*(?:〔\s*((?:19|20)[0-9]{2})\s*〕|((?:19|20)[0-9]{2})\s*(?:年|-|\s))\s*第?\s*([0-9]{1,5})\s*号?$")
_HAN_CHAR_RE = re.compile(f"[{_HAN}]")
_ORDINAL_RE = re.compile(r"第(?=[0-9]{1,5}号$)")  # 令第23号 and 令23号 are one key

FACET = "\x01"  # prefix of filter terms: \x01p:<发布主体 id>, \x01c:<栏目 id>, \x01t:<主题分类>, \x01k:<文件类型>, \x01v:<有效性 or 现行有效>
EXACT = "\x02"  # prefix of exact-match terms: \x02<folded 文号 or 索引号>
PINYIN = "\x03"  # prefix of pinyin terms: \x03<pinyin of a title/主题词 bigram> and \x03<its two initials>


# Full-width ASCII forms and the ideographic space, each to its compatibility decomposition (one ASCII character).
_WIDE = {c: d for c in map(chr, [*range(0xFF01, 0xFF5F), 0x3000])
         if len(d := unicodedata.normalize("NFKD", c)) == 1 and not unicodedata.combining(d)}
_WIDE_RE = re.compile("[" + "".join(map(re.escape, _WIDE)) + "]")


def _narrow(match: re.Match) -> str:
    return _WIDE[match.group()]


def fold(text: str) -> str:
    """Compatibility forms (full-width digits and letters), lower case, 繁體 → 简体."""
    # Chinese text is rarely NFKC as written (its full-width ，：（） are not), but usually is once those are
    # narrowed: narrowing first, then normalizing only text that still needs it, gives NFKC at a quarter of the
    # cost (a character's own NFKD replaces it, so NFKC of the text is unchanged).
    text = _WIDE_RE.sub(_narrow, text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return text.translate(_T2S_TABLE) if _TRAD_RE.search(text) else text


def terms(text: str) -> list[str]:
    """Every index term of already folded text, with repeats (callers count them)."""
    out: list[str] = []
    for han, word in _RUN_RE.findall(text):
        if han:
            out += han  # characters
            out += map(add, han, han[1:])  # bigrams, built in C: this runs over every character of the site
        else:
            out.append(word)
    return out


def query_terms(query: str) -> list[str]:
    """The terms a document must hold to match a query: bigrams of Chinese runs (a lone character stands for
    itself) and ASCII/digit runs, without repeats, in query order."""
    out: list[str] = []
    for han, word in _RUN_RE.findall(fold(query)):
        if han:
            grams = [han] if len(han) == 1 else [han[i:i + 2] for i in range(len(han) - 1)]
        else:
            grams = [word]
        out.extend(g for g in grams if g not in out)
    return out


def number_key(value: str) -> str:
    """A 文号 or 索引号 folded: no spaces, every kind of bracket as 〔〕."""
    return _SPACE_RE.sub("", fold(value)).translate(_BRACKETS)


def doc_number_key(value: str) -> str:
    """The one key of a 文号 however it is typed or printed, for the index and the query alike (search.js has
    the same function, ``docNumberKey``; a test runs both on the same cases): ``机关代字〔年份〕序号号``, the
    year in 〔〕 whether it was written in brackets of any kind or followed by 年, a hyphen or a space, without
    第, spaces or leading zeros (GB/T 9704: 序号不编虚位), with 号. Other forms (令第23号 = 令23号, 索引号) fold as
    ``number_key`` does."""
    text = fold(value).translate(_BRACKETS).strip()
    match = _YEAR_FORM_RE.match(text)
    if match:
        org = _SPACE_RE.sub("", match.group(1))
        if _HAN_CHAR_RE.search(org) and org[-1] not in "0123456789":
            return f"{org}〔{match.group(2) or match.group(3)}〕{int(match.group(4))}号"
    return _ORDINAL_RE.sub("", _SPACE_RE.sub("", text))


def exact_key(query: str) -> str | None:
    """The key to look up when a query looks like a 文号 (…〔2024〕12号, also typed informally, and 令第1号
    forms) or an 索引号."""
    text = doc_number_key(query)
    if DOC_NUMBER_RE.match(text) or INDEX_NUMBER_RE.match(text) or QUERY_NUMBER_RE.match(text):
        return text
    return None


# A 文号 cited in running text, after folding and without spaces: the issuer part is whatever Chinese, letters or
# digits precede the bracketed year (根据示政办发〔2024〕12号 gives 根据示政办发), so each of its endings is a key.
_CITED_RE = re.compile(f"([{_HAN}0-9a-z]{{1,12}})〔((?:19|20)[0-9]{{2}})〕第?([0-9]{{1,5}})号")
CITED_ISSUER = (2, 8)  # lengths of the issuer endings indexed: 示政发 … 示政办规; 令 numbers are not cited forms
# Whatever ``_BRACKETS`` turns into 〔: a text without any of these cites no 文号.
_OPENING_RE = re.compile("[" + re.escape("〔" + "".join(chr(k) for k, v in _BRACKETS.items() if v == "〔")) + "]")


def cited_terms(text: str, folded: str | None = None) -> set[str]:
    """Exact-match terms of the 文号 a document's text cites (政策解读 cite their 原文, 废止 decisions what they end),
    so that a looked-up 文号 lists them after its own document without fetching any word's postings. ``folded``:
    ``fold(text)``, when the caller has it already."""
    out: set[str] = set()
    folded = fold(text) if folded is None else folded
    if not _OPENING_RE.search(folded):  # most texts cite nothing: no copy of the whole text folded again
        return out
    folded = _SPACE_RE.sub("", folded.translate(_BRACKETS))
    if "〔" not in folded:
        return out
    for issuer, year, serial in _CITED_RE.findall(folded):
        if issuer[-1] in "0123456789":
            continue
        number = f"〔{year}〕{int(serial)}号"
        for size in range(CITED_ISSUER[0], min(len(issuer), CITED_ISSUER[1]) + 1):
            ending = issuer[-size:]
            if _HAN_CHAR_RE.search(ending):
                out.add(EXACT + ending + number)
    return out


def exact_terms(values: Iterable[str | None]) -> list[str]:
    """Exact-match terms of a document's 文号 and 索引号, whatever their form."""
    return [EXACT + doc_number_key(v) for v in values if v and v.strip()]
