"""search.js mirrors gongkai/search (tokenize, pinyin, synonyms): the same functions run in node on the same
cases must give the same answers. The section between ``// <mirror>`` and ``// </mirror>`` of search.js is run
as it is shipped."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gongkai.search import pinyin
from gongkai.search.synonyms import expand, synonym_groups
from gongkai.search.t2s import T2S
from gongkai.search.tokenize import doc_number_key, exact_key, query_terms

SCRIPT = Path(__file__).resolve().parent.parent / "gongkai" / "assets" / "search" / "search.js"
NODE = shutil.which("node")

NUMBERS = [
    "示政规〔2026〕9号", "示政规〔2026〕9", "示政规2026年9号", "示政规[2026]9号", "示政规[2026]9", "示政规(2026)9号",
    "示政规（2026）9号", "示政规【2026】9号", "示政规〖2026〗9号", "示政规［２０２６］９号", "示政规 2026 9", "示政规 〔2026〕 第9号",
    "示政规2026-9号", "示政规〔2026〕09号", "示政規〔2026〕9號", "示政辦發〔２０２４〕12号", " 示政办发 [2024] 12号 ",
    "示例市人民政府令第23号", "示例市人民政府令 第 23 号", "示例市人民政府令23号", "令第5号文", "999000001/2024-00015", "91350100M000100Y43/2024-00001",
    "2024年预算", "2024年3号", "关于2024年3号台风", "示政规20269号", "政务公开", "12号", "abc2026年9号", "示1 2026 9",
    "东城街发（2026）3号", "示例市人力资源和社会保障局关于印发〔2026〕1号", "示政规〔1999〕12345号", "示政规〔2026〕123456号",
]
WORDS = ["dibao", "db", "yanglao", "yl", "shebao", "xian", "hpv", "zuidishenghuobaozhang", "zdshbz", "gongjijin",
         "a", "abcdefghijklmn", "lvse", "qq", "er", "zhuangzhuangzhuang", "v2"]
QUERIES = ["低保", "城乡低保标准", "五险一金", "社会保险缴费", "残疾人两项补贴", "医保报销", "养老金领取", "营商环境",
           "公积金提取", "政务公开", "新农合", "dibao"]


def run_node(calls: dict) -> dict:
    source = SCRIPT.read_text(encoding="utf-8")
    section = re.search(r"// <mirror>.*?\n(.*)// </mirror>", source, re.S).group(1)
    han = re.search(r'var HAN = (".*?");', source).group(1)
    run_re = re.search(r"var RUN_RE = (.*?);\n", source).group(1)
    program = (f"var HAN = {han}; var RUN_RE = {run_re};\n"
               f"var t2s = new Map({json.dumps(list(T2S.items()), ensure_ascii=False)});\n"
               f"{section}\n"
               f"var calls = {json.dumps(calls, ensure_ascii=False)};\n"
               "var out = {};\n"
               "out.docNumberKey = calls.numbers.map(docNumberKey);\n"
               "out.exactKey = calls.numbers.map(exactKey);\n"
               "out.queryTerms = calls.numbers.concat(calls.queries).map(queryTerms);\n"
               "out.segment = calls.words.map(segment);\n"
               "out.pinyinTerms = calls.words.map(pinyinTerms);\n"
               "out.synonyms = calls.queries.map(function (q) { return synonymVariants(q, calls.groups, 6); });\n"
               "out.syllables = Array.from(SYLLABLES).sort();\n"
               "process.stdout.write(JSON.stringify(out));\n")
    result = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def js():
    if NODE is None:
        pytest.skip("node is not installed")
    groups = synonym_groups()
    return run_node({"numbers": NUMBERS, "words": WORDS, "queries": QUERIES, "groups": groups}), groups


def test_doc_number_key_is_the_same_in_python_and_javascript(js):
    out, _ = js
    assert out["docNumberKey"] == [doc_number_key(n) for n in NUMBERS]
    assert out["exactKey"] == [exact_key(n) for n in NUMBERS]
    assert out["queryTerms"] == [query_terms(q) for q in NUMBERS + QUERIES]


def test_pinyin_query_terms_and_syllables_are_the_same(js):
    out, _ = js
    assert out["syllables"] == sorted(pinyin.SYLLABLES)
    assert out["segment"] == [pinyin.segment(w) for w in WORDS]
    assert out["pinyinTerms"] == [pinyin.query_terms(w) for w in WORDS]


def test_synonym_variants_are_the_same(js):
    out, groups = js
    assert out["synonyms"] == [[list(v) for v in expand(q, groups)] for q in QUERIES]
    assert any(out["synonyms"])  # the cases do exercise the table
