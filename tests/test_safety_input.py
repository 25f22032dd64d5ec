"""Input files as an editor on another machine, or someone with commit access, might write them: encodings other
than UTF-8, YAML features nothing here needs (tags; aliases past a budget), duplicate keys, tabs, and values of the
wrong type. Each gives a message naming the file, the line and the field, fails the strict build, and never
shows a traceback.

The build tests put every case of one kind into a single small site: documents and reports are checked file by
file and every problem is listed, so one build proves each case's message (and that none of them crashes).
Whatever parses the billion-laughs document runs in a subprocess with a memory limit and a timeout, so that a
regression fails the test instead of exhausting the shared machine.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai import yamlutil
from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader
from gongkai.errors import InputError, Problems
from gongkai.reports import load_report_text
from gongkai.sources import decode, read_text
from kit import GOOD_FRONT, MINI, copy_mini

REPORTS = Path(__file__).parent / "fixtures" / "reports"
ALIAS = "YAML 别名（*名称）展开后的内容过多：超过 20000 项"
RECURSIVE = "YAML 别名“*{}”没有可指的内容"
GBK = "文件不是 UTF-8 编码，看起来是 GB18030/GBK"

# The classic "billion laughs": 9 levels of 9 aliases, 9**9 strings once expanded.
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


MEMORY_LIMIT = 1 << 30  # bytes of address space; a mini build needs less than half


def limited_run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120, preexec_fn=limit,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def build(root: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of a small site, under MEMORY_LIMIT."""
    return limited_run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
                        "-d", str(root / "site")], root)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def problems_of(exc_info) -> list[str]:
    return [str(p) for p in exc_info.value.problems]


def no_traceback(result) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("BuildError", ""), result.stderr


# ---------------------------------------------------------------- encodings


def test_utf8_with_bom_and_crlf_is_read_like_text_mode():
    assert decode("\ufeff标题: 一\r\n正文\r二\n".encode("utf-8"), "a.md") == "标题: 一\n正文\n二\n"


def test_utf8_without_chinese_is_fine_when_it_is_not_chinese_in_gbk():
    assert decode("a: café — ok\n".encode("utf-8"), "a.yml") == "a: café — ok\n"


@pytest.mark.parametrize("data, line, words", [
    ("---\ntitle: 测试通知\n".encode("gbk"), 2, [GBK, "第一个无法按 UTF-8 读取的字节（0xB2）在第 2 行", "另存为", "UTF-8"]),
    # 𠀀 exists only in GB18030 (four bytes), not in GBK
    ("---\n\n\ntitle: 𠀀\n".encode("gb18030"), 4, [GBK, "在第 4 行", "通过编码重新打开"]),
    # GBK that happens to be valid UTF-8: read as UTF-8 it has no Chinese at all
    ("---\ntitle: 通知\n".encode("gbk"), 2, [GBK, "按 UTF-8 读出的不是中文，按 GBK 读是中文（第 2 行起）"]),
    ("a: café\n".encode("latin-1"), 1, ["文件不是 UTF-8 编码；第一个无法按 UTF-8 读取的字节（0xE9）在第 1 行"]),
    ("a: 通知\n".encode("utf-16"), 1, ["文件不是 UTF-8 编码，而是 UTF-16（记事本中称“Unicode”）", "UTF-8"]),
    ("a: b\n".encode("utf-16-le"), 1, ["看起来是没有 BOM 的 UTF-16"]),
    ("a: 通知\n".encode("utf-32"), 1, ["而是 UTF-32"]),
    (b"a: 1\nb: \x00\n", 2, ["文件中有空字节（0x00）"]),
])
def test_non_utf8_is_an_error_naming_file_line_encoding_and_fix(data, line, words):
    with pytest.raises(InputError) as exc:
        decode(data, "content/wj/a.md")
    [problem] = exc.value.problems
    assert (problem.file, problem.line) == ("content/wj/a.md", line)
    for word in words:
        assert word in str(problem)
    assert "修改方法：" in str(problem)


def test_read_text_names_a_missing_file(tmp_path):
    with pytest.raises(InputError) as exc:
        read_text(tmp_path / "none.yml", "catalog/none.yml")
    assert problems_of(exc)[0].startswith("catalog/none.yml: 无法读取文件")


def test_document_bytes_are_decoded_once_by_the_loader():
    catalog = load_catalog(MINI / "catalog")
    loader = DocumentLoader(catalog, Problems())
    text = "\ufeff---\r\n" + GOOD_FRONT.replace("\n", "\r\n") + "---\r\n\r\n正文。\r\n"
    doc = loader.load(text.encode("utf-8"), "wj/jyj/2025/x.md", "content/wj/jyj/2025/x.md")
    assert loader.problems.items == [] and doc.where("文号") == ("content/wj/jyj/2025/x.md", 7)
    assert loader.load(text[1:].encode("gbk"), "wj/jyj/2025/y.md", "content/wj/jyj/2025/y.md") is None
    [problem] = loader.problems.items
    assert problem.file == "content/wj/jyj/2025/y.md" and GBK in problem.message


# ---------------------------------------------------------------- YAML features


LAUGHS_PROBE = """
import sys, tracemalloc
from gongkai import yamlutil
from gongkai.errors import InputError
tracemalloc.start()
try:
    yamlutil.load(sys.stdin.read(), "catalog/columns.yml")
except InputError as exc:
    print(tracemalloc.get_traced_memory()[1])
    print("\\n".join(str(p) for p in exc.problems))
"""


def test_billion_laughs_fails_at_once_without_expanding(tmp_path):
    assert len(LAUGHS.encode()) < 700
    result = subprocess.run([sys.executable, "-c", LAUGHS_PROBE], input=LAUGHS, capture_output=True, text=True,
                            timeout=60, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT,) * 2))
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]
    peak, problem = result.stdout.splitlines()
    assert int(peak) < 1_000_000  # expanded, it would be 387 million strings
    assert problem.startswith(f"catalog/columns.yml:5: {ALIAS}，从第 5 行起不再展开")


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "&a {b: *a}\n", "a: &a\n  b: &b [*a, *b]\n"])
def test_recursive_alias_is_one_clean_message(text):
    with pytest.raises(InputError) as exc:
        yamlutil.load(text, "x.yml")
    found = problems_of(exc)
    assert found and all(RECURSIVE.split("“")[0] in p for p in found)
    assert found[0].startswith(("x.yml:1: " + RECURSIVE.format("a"), "x.yml:2: " + RECURSIVE.format("a")))


@pytest.mark.parametrize("text, line, words", [
    ("a: 1\nb: !!python/object/apply:os.system [echo]\n", 2, "不支持 YAML 标签“!!python/object/apply:os.system”"),
    ("a: !custom x\n", 1, "不支持 YAML 标签“!custom”"),
    ("a: 1\nb: !!str 2\n", 2, "不支持 YAML 标签“!!str”"),
    ("a:\n  - ! x\n", 2, "不支持 YAML 标签“!”"),
])
def test_tags_are_rejected_with_the_line(text, line, words):
    with pytest.raises(InputError) as exc:
        yamlutil.load(text, "x.yml", line_offset=1)
    [problem] = exc.value.problems
    assert problem.line == line + 1 and words in problem.message


def test_duplicate_keys_name_both_lines_at_every_depth():
    text = "有效性: 有效\n附件:\n  - 名称: 甲\n    名称: 乙\n有效性: 废止\n"
    with pytest.raises(InputError) as exc:
        yamlutil.load(text, "a.md", line_offset=1)
    assert problems_of(exc) == [
        "a.md:5: 名称: “名称”在第 4 行与第 5 行重复（修改方法：同一层中每个字段只能写一次：核对后删去其中一行）",
        "a.md:6: 有效性: “有效性”在第 2 行与第 6 行重复（修改方法：同一层中每个字段只能写一次：核对后删去其中一行）",
    ]


@pytest.mark.parametrize("text, line", [
    ("栏目:\n  - gfxwj\n\t- gz\n", 3),  # the tab-indented list
    ("a:\n\t- x\n", 2),
    ("a: 1\n\tb: 2\n", 2),
    ("附件:\n  - 名称: a\n\t  文件: b\n", 3),
    ("a: |\n  x\n\ty\n", 3),
    ("\ta: 1\n", 1),
    ("- \tx\n", 1),
])
def test_a_tab_in_the_indentation_is_named_as_a_tab(text, line):
    with pytest.raises(InputError) as exc:
        yamlutil.load(text, "a.yml")
    [problem] = problems_of(exc)
    assert problem.startswith(f"a.yml:{line}: 第 {line} 行用了制表符（Tab）缩进，YAML 只能用空格缩进")
    assert "换成空格" in problem


def test_a_tab_after_the_colon_is_fine():
    assert yamlutil.load("a:\t1\n", "a.yml") == {"a": 1}


def test_syntax_errors_are_explained_in_chinese():
    with pytest.raises(InputError) as exc:
        yamlutil.load("title: 关于: 通知\n", "a.md", line_offset=1)
    [problem] = problems_of(exc)
    assert problem.startswith("a.md:2: YAML 语法错误：这里不能出现“: ”") and "用引号括起来" in problem


def test_nesting_and_extra_documents_are_refused():
    with pytest.raises(InputError) as exc:
        yamlutil.load("a: " + "[" * 200 + "]" * 200 + "\n", "a.yml")
    assert "嵌套超过 50 层" in problems_of(exc)[0]
    with pytest.raises(InputError) as exc:
        yamlutil.load("a: 1\n---\nb: 2\n", "a.yml")
    assert problems_of(exc)[0].startswith("a.yml:2: 只能有一个 YAML 文档")


def test_only_plain_decimals_become_numbers():
    """YAML 1.1 reads 030001 as octal 12289 and 9:30 as 570: codes and times stay the text as written."""
    data = yamlutil.load("邮编: 030001\n办公时间: 9:30\n区号: 0999\n代码: 0x1F\n位: 0b101\n千: 1_000\n无穷: .inf\n"
                         "件数: 12\n减少: -3\n比例: 0.5\n日期: 2025-03-01\n", "a.yml")
    assert data == {"邮编": "030001", "办公时间": "9:30", "区号": "0999", "代码": "0x1F", "位": "0b101", "千": "1_000",
                    "无穷": ".inf", "件数": 12, "减少": -3, "比例": 0.5, "日期": dt.date(2025, 3, 1)}
    assert data.line_of("件数") == 8


def test_merge_and_value_keys_are_plain_text():
    """"<<" and "=" resolve to YAML 1.1's merge and value tags, which nothing constructs here."""
    assert yamlutil.load("<<: {a: 1}\nb: =\n", "a.yml") == {"<<": {"a": 1}, "b": "="}


# ---------------------------------------------------------------- wrong types, in the loaders

# (front-matter lines replacing or adding to GOOD_FRONT, file line, field, the words of the message)
DOC_CASES = {
    "lanmu-map": ("栏目: {}", 3, "栏目", "应为栏目 id 或栏目 id 列表，实际是映射"),
    "lanmu-false": ("栏目: false", 3, "栏目", "应为栏目 id 或栏目 id 列表，实际是逻辑值 false"),
    "lanmu-float": ("栏目: 1.5", 3, "栏目", "应为栏目 id 或栏目 id 列表，实际是数字 1.5"),
    "lanmu-item": ("栏目: [gfxwj, {a: 1}]", 3, "栏目", "应为栏目 id 或栏目 id 列表，实际是列表，其中第 2 项是映射"),
    "title-list": ("title: [a]", 2, "title", "应为一段文字，实际是列表"),
    "title-bool": ("title: yes", 2, "title", "应为一段文字，实际是逻辑值 true（YAML 把 true、false、yes、no、on、off 读作是/否"),
    "fujian-text": ("附件: 文字", 10, "附件", "应为附件列表（每项以“- ”开头），实际是文字“文字”"),
    "fujian-item": ("附件:\n  - [a.txt]", 11, "附件", "第 1 个附件应为映射（名称、文件），实际是列表"),
    "fujian-file": ("附件:\n  - 名称: 表\n    文件: {a: 1}", 12, "附件 · 文件", "应为一段文字，实际是映射"),
    "fujian-key": ("附件:\n  - 文件: a.txt\n    说明: 表", 12, "附件 · 说明", "不认识的字段“说明”"),
    "zhutici-map": ("主题词: {a: 1}", 10, "主题词", "应为一项文字或文字列表，实际是映射"),
    "riqi-number": ("发布日期: 12", 6, "发布日期", "日期“12”无效，应为 YYYY-MM-DD 格式的真实日期"),
    "riqi-list": ("成文日期: [2025-06-02]", 5, "成文日期", "应为日期（YYYY-MM-DD），实际是列表"),
    "jigou-map": ("发布机构: {}", 4, "发布机构", "应为发布主体 id，实际是映射"),
    "wenhao-float": ("文号: 1.5", 7, "文号", "应为一段文字，实际是数字 1.5"),
    "youxiao-list": ("有效性: [有效]", 10, "有效性", "应为一段文字，实际是列表"),
    "gaishu-map": ("内容概述: {a: 1}", 10, "内容概述", "应为一段文字，实际是映射"),
    "duplicate": ("有效性: 有效\n有效性: 废止", 11, "有效性", "“有效性”在第 10 行与第 11 行重复"),
    "tab": ("主题词:\n  - 甲\n\t- 乙", 12, None, "第 12 行用了制表符（Tab）缩进，YAML 只能用空格缩进"),
    "alias-type": ("主题词: &k [甲]\n内容概述: *k", 11, "内容概述", "应为一段文字，实际是列表"),  # an alias is its value
    "laughs": (LAUGHS.strip(), 14, None, ALIAS),
    "recursive": ("主题词: &a [*a]", 10, None, RECURSIVE.format("a")),
    "tag-python": ("title: !!python/object/apply:os.system [echo]", 2, None,
                   "不支持 YAML 标签“!!python/object/apply:os.system”"),
    "tag-custom": ("主题词: !custom [a]", 10, None, "不支持 YAML 标签“!custom”"),
}


def front(lines: str) -> str:
    """GOOD_FRONT with one of its lines replaced by ``lines``, or with ``lines`` added at the end (line 10 on)."""
    key = lines.split(":", 1)[0]
    if "\n" not in lines and re.search(rf"^{re.escape(key)}:", GOOD_FRONT, re.M):
        return re.sub(rf"^{re.escape(key)}:.*$", lambda _: lines, GOOD_FRONT, count=1, flags=re.M)
    return GOOD_FRONT + lines + "\n"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(MINI / "catalog")


# In process, so not the billion laughs (see the module docstring); the build below has it.
@pytest.mark.parametrize("name", [name for name in DOC_CASES if name != "laughs"])
def test_document_field_problems_in_the_loader(catalog, name):
    lines, line, field, words = DOC_CASES[name]
    loader = DocumentLoader(catalog, Problems())
    doc = loader.load(f"---\n{front(lines)}---\n\n正文。\n", f"wj/jyj/2025/{name}.md", f"content/wj/jyj/2025/{name}.md")
    assert doc is None
    [problem] = loader.problems.items
    assert (problem.file, problem.line, problem.field) == (f"content/wj/jyj/2025/{name}.md", line, field)
    assert words in problem.message and problem.fix


# Values of every wrong type in every field, each must give a message on that field or a well-typed model.
WRONG_VALUES = ("{}", "{a: 1}", "[a]", "[{}]", "[[a]]", "[null]", "true", "false", "0", "12", "1.5", "2025-01-01",
                "文字", "[{名称: [x], 文件: a.txt}]", "[{名称: a, 文件: true}]")


@pytest.mark.parametrize("key", ["title", "栏目", "发布机构", "成文日期", "发布日期", "文号", "索引号", "主题分类",
                                 "有效性", "文件类型", "主题词", "内容概述", "附件"])
def test_every_document_field_survives_every_type(catalog, key):
    for value in WRONG_VALUES:
        text = re.sub(rf"^{key}:.*\n", "", GOOD_FRONT, flags=re.M) + f"{key}: {value}\n"
        loader = DocumentLoader(catalog, Problems())
        doc = loader.load(f"---\n{text}---\n\n正文。\n", "wj/jyj/2025/x.md", "content/wj/jyj/2025/x.md")
        if doc is None:
            assert any(p.field.split(" · ")[0] == key for p in loader.problems.errors), (key, value, loader.problems.items)
            continue
        assert loader.problems.errors == []
        assert isinstance(doc.title, str) and isinstance(doc.summary, str) and isinstance(doc.index_number, str)
        assert doc.column_ids and all(isinstance(c, str) for c in doc.column_ids)
        assert all(isinstance(k, str) for k in doc.keywords)
        assert all(isinstance(a.name, str) and isinstance(a.path, str) for a in doc.attachments)


def replace_entry(text: str, key: str, value: str) -> str:
    """The first ``key:`` line (with the block below it) replaced by ``key: value`` at the same indentation."""
    match = re.search(rf"^( *(?:- )?){re.escape(key)}:.*\n", text, re.M)
    end = match.end()
    for line in text[end:].splitlines(keepends=True):  # the block: lines indented deeper than the key
        if line.strip() and len(line) - len(line.lstrip(" ")) <= len(match.group(1)):
            break
        end += len(line)
    return text[:match.start()] + f"{match.group(1)}{key}: {value}\n" + text[end:]


CATALOG_KEYS = {"site.yml": ("网站名称", "邮编"),
                "organizations.yml": ("名称", "类型", "机构代码", "上级", "简称", "指南", "工作机构名称", "发布主体"),
                "columns.yml": ("栏目", "名称", "类型", "适用", "更新类别", "暂无", "公开事项", "子栏目", "一级事项",
                                "公开渠道和载体", "公开层级", "公开对象", "公开方式", "公开时限")}


@pytest.mark.parametrize("name, key", [(name, key) for name, keys in CATALOG_KEYS.items() for key in keys])
def test_every_catalog_field_survives_every_type(tmp_path, name, key):
    """Each wrong value is either read as text or reported in its file; nothing else may escape the loader."""
    directory = tmp_path / "catalog"
    shutil.copytree(MINI / "catalog", directory)
    text = mini_text(name)
    for value in WRONG_VALUES + ("{szf: [a]}",):
        (directory / name).write_text(replace_entry(text, key, value), encoding="utf-8")
        try:
            load_catalog(directory)
        except InputError as exc:
            assert any(p.file == f"catalog/{name}" for p in exc.problems), (value, exc.problems)
            assert all(p.line for p in exc.problems if p.file == f"catalog/{name}"), (value, exc.problems)


@pytest.mark.parametrize("key", ["发布机构", "年度", "发布日期", "一", "二", "三", "四", "五", "行政许可", "予以公开",
                                 "不予公开", "行政复议"])
def test_every_report_field_survives_every_type(key):
    text = (REPORTS / "valid-2021.yml").read_text(encoding="utf-8")
    for value in WRONG_VALUES + ("-1", "1e400", ".nan"):
        problems = Problems()
        report = load_report_text(replace_entry(text, key, value), "content/reports/jyj/2023.yml", problems)
        if report is None:
            assert problems.errors and all(p.line for p in problems.errors), (key, value, problems.items)


REPORT_CASES = {
    # file under content/reports/jyj/, how to make it from the valid 2021 report, line, field, words
    "gbk": (lambda t: t.encode("gbk"), 1, None, GBK),
    "utf16": (lambda t: t.encode("utf-16"), 1, None, "而是 UTF-16"),
    "draft-text": (lambda t: t + "草稿: 是\n", "草稿: 是", "草稿", "应为是/否（true 或 false），实际是文字“是”"),
    "org-map": (lambda t: t.replace("发布机构: jyj", "发布机构: {}"), 1, "发布机构", "应为发布主体 id，实际是映射"),
    "index-list": (lambda t: t + "索引号: [a]\n", "索引号: [a]", "索引号", "应为一段文字，实际是列表"),
    "duplicate": (lambda t: t + "年度: 2022\n", "年度: 2022", "年度", "“年度”在第 2 行与第"),
}


def report_case(name: str):
    make, line, field, words = REPORT_CASES[name]
    text = (REPORTS / "valid-2021.yml").read_text(encoding="utf-8")
    data = make(text)
    shown = data.decode("utf-8") if isinstance(data, bytes) and name not in ("gbk", "utf16") else data
    if isinstance(line, str):
        line = line_of(shown, line)
    return data, line, field, words


@pytest.mark.parametrize("name", REPORT_CASES)
def test_report_problems_in_the_loader(name):
    data, line, field, words = report_case(name)
    problems = Problems()
    assert load_report_text(data, "content/reports/jyj/2023.yml", problems) is None
    [problem] = problems.items
    assert (problem.file, problem.line, problem.field) == ("content/reports/jyj/2023.yml", line, field)
    assert words in problem.message


# ---------------------------------------------------------------- the strict build

NB_COLUMN = "  - id: gknb\n    名称: 政府信息公开年报\n    类型: 年报\n    更新类别: 无\n"


@pytest.fixture(scope="module")
def bad_documents_build(tmp_path_factory):
    """The mini site with the reports plugin, one bad document per DOC_CASES entry plus a GBK and a UTF-16
    document, and one bad report per REPORT_CASES entry (each 发布机构 jyj, one year each)."""
    root = copy_mini(tmp_path_factory.mktemp("bad-input"))
    with open(root / "catalog" / "columns.yml", "a", encoding="utf-8") as fh:
        fh.write(NB_COLUMN)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/reports\n", encoding="utf-8")
    docs = root / "content" / "wj" / "jyj" / "2025"
    for name, (lines, *_rest) in DOC_CASES.items():
        (docs / f"{name}.md").write_text(f"---\n{front(lines)}---\n\n正文。\n", encoding="utf-8")
    (docs / "gbk.md").write_bytes(f"---\n{GOOD_FRONT}---\n\n正文。\n".encode("gbk"))
    (docs / "utf16.md").write_bytes(f"---\n{GOOD_FRONT}---\n\n正文。\n".encode("utf-16"))
    for year, name in enumerate(REPORT_CASES, start=2010):
        data, *_ = report_case(name)
        path = root / "content" / "reports" / "jyj" / f"{year}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return build(root)


@pytest.mark.build
def test_bad_documents_and_reports_fail_the_build_without_traceback(bad_documents_build):
    no_traceback(bad_documents_build)
    assert "发现" in bad_documents_build.stderr and "个错误" in bad_documents_build.stderr


@pytest.mark.build
@pytest.mark.parametrize("name", DOC_CASES)
def test_bad_document_message_in_the_build(bad_documents_build, name):
    _, line, field, words = DOC_CASES[name]
    where = f"content/wj/jyj/2025/{name}.md:{line}: " + (f"{field}: " if field else "")
    assert where + words in bad_documents_build.stderr


@pytest.mark.build
@pytest.mark.parametrize("name, words", [("gbk", GBK + "（简体中文 Windows 的默认编码，记事本中称“ANSI”）；第一个无法按 "
                                          "UTF-8 读取的字节（0xB2）在第 2 行"), ("utf16", "而是 UTF-16")])
def test_non_utf8_document_message_in_the_build(bad_documents_build, name, words):
    line = 2 if name == "gbk" else 1
    assert f"content/wj/jyj/2025/{name}.md:{line}: 文件不是 UTF-8 编码" in bad_documents_build.stderr
    assert words in bad_documents_build.stderr
    assert f"content/wj/jyj/2025/{name}.md" in bad_documents_build.stderr.split("未能发布：")[1]


@pytest.mark.build
@pytest.mark.parametrize("name", REPORT_CASES)
def test_bad_report_message_in_the_build(bad_documents_build, name):
    _, line, field, words = report_case(name)
    year = 2010 + list(REPORT_CASES).index(name)
    where = f"content/reports/jyj/{year}.yml:{line}: " + (f"{field}: " if field else "")
    assert where in bad_documents_build.stderr and words in bad_documents_build.stderr.split(where, 1)[1].split("\n")[0]


# ---------------------------------------------------------------- catalogs


def catalog_site(tmp_path: Path, edits: dict[str, object]) -> Path:
    """The mini site with catalog files replaced: name → text, bytes, or a function of the current text."""
    root = copy_mini(tmp_path)
    for name, edit in edits.items():
        path = root / "catalog" / name
        if callable(edit):
            edit = edit(path.read_text(encoding="utf-8"))
        path.write_bytes(edit if isinstance(edit, bytes) else edit.encode("utf-8"))
    return root


def mini_text(name: str) -> str:
    return (MINI / "catalog" / name).read_text(encoding="utf-8")


COLUMNS_WRONG = (mini_text("columns.yml")
                 .replace("        名称: 规章\n", "        名称: 规章\n        子栏目: {id: x}\n")
                 .replace("    名称: 工作动态\n", "    名称: 工作动态\n    适用: 3\n    公开事项: 每月更新\n")
                 .replace("      szf: 市政府工作动态在门户网站要闻栏目发布。", "      szf: [在门户网站发布]"))
ORGS_WRONG = mini_text("organizations.yml").replace("名称: 测试市教育局", "名称: [测试市教育局]", 1)
SITE_WRONG = mini_text("site.yml").replace('邮编: "999001"', "邮编: 1.5")
CATALOG_TYPE_CASES = [
    ("columns.yml", COLUMNS_WRONG, "子栏目: {id: x}", "栏目 gz · 子栏目: 应为栏目列表（每项以“- ”开头），实际是映射"),
    ("columns.yml", COLUMNS_WRONG, "适用: 3", "栏目 gzdt · 适用: 取值“3”无效，应为：人民政府 / 政府部门 / 乡镇（街道） / 其他单位"),
    ("columns.yml", COLUMNS_WRONG, "公开事项: 每月更新", "栏目 gzdt · 公开事项: 应为公开事项列表（每项以“- ”开头），实际是文字“每月更新”"),
    ("columns.yml", COLUMNS_WRONG, "szf: [在门户网站发布]", "栏目 gzdt · 暂无 · szf: 应为一段文字，实际是列表"),
    ("organizations.yml", ORGS_WRONG, "名称: [测试市教育局]", "发布主体 jyj · 名称: 应为一段文字，实际是列表"),
    ("site.yml", SITE_WRONG, "邮编: 1.5", "网站信息 · 邮编: 应为一段文字，实际是数字 1.5（修改方法：写成一行文字，并加引号）"),
]


@pytest.mark.parametrize("name, text, marker, words", CATALOG_TYPE_CASES)
def test_catalog_type_problems_in_the_loader(tmp_path, name, text, marker, words):
    root = catalog_site(tmp_path, {name: text})
    with pytest.raises(InputError) as exc:
        load_catalog(root / "catalog")
    expected = f"catalog/{name}:{line_of(text, marker)}: {words}"
    assert any(p.startswith(expected) for p in problems_of(exc)), problems_of(exc)


@pytest.fixture(scope="module")
def catalog_type_build(tmp_path_factory):
    root = catalog_site(tmp_path_factory.mktemp("catalog-types"),
                        {"columns.yml": COLUMNS_WRONG, "organizations.yml": ORGS_WRONG, "site.yml": SITE_WRONG})
    return build(root)


@pytest.mark.build
@pytest.mark.parametrize("name, text, marker, words", CATALOG_TYPE_CASES)
def test_catalog_type_problems_in_the_build(catalog_type_build, name, text, marker, words):
    no_traceback(catalog_type_build)
    assert f"catalog/{name}:{line_of(text, marker)}: {words}" in catalog_type_build.stderr


def dup_name(text: str) -> str:
    return text.replace("    名称: 测试市教育局\n", "    名称: 测试市教育局\n    名称: 测试市卫健委\n", 1)


def tab_indent(text: str) -> str:
    return text.replace("        适用: [人民政府]\n", "\t适用: [人民政府]\n", 1)


@pytest.mark.build
def test_every_catalog_file_names_its_encoding_and_yaml_problem(tmp_path):
    """All three files broken at once: each is named, the build exits 1 and `gongkai check` exits 2."""
    root = catalog_site(tmp_path, {"site.yml": mini_text("site.yml").encode("gbk"), "organizations.yml": dup_name,
                                   "columns.yml": tab_indent})
    result = build(root)
    no_traceback(result)
    assert result.returncode == 1
    orgs, columns = dup_name(mini_text("organizations.yml")), tab_indent(mini_text("columns.yml"))
    dup = line_of(orgs, "名称: 测试市卫健委")
    tab = line_of(columns, "\t适用")
    for expected in (f"catalog/site.yml:1: {GBK}",
                     f"catalog/organizations.yml:{dup}: 名称: “名称”在第 {dup - 1} 行与第 {dup} 行重复",
                     f"catalog/columns.yml:{tab}: 第 {tab} 行用了制表符（Tab）缩进，YAML 只能用空格缩进"):
        assert expected in result.stderr

    check = limited_run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(root / "mkdocs.yml")], root)
    assert check.returncode == 2, check.stderr
    assert "Traceback" not in check.stderr
    assert check.stderr.startswith("网站无法构建，未能完成检查：\n主动公开基本目录有误：")
    assert f"catalog/site.yml:1: {GBK}" in check.stderr and "另存为" in check.stderr


@pytest.mark.build
def test_catalog_aliases_and_tags_fail_fast(tmp_path):
    """The billion laughs in columns.yml, a recursive alias and a python tag: three messages, no expansion."""
    recursive = mini_text("organizations.yml").replace("    指南:\n", "    指南: &g\n      上级: *g\n", 1)
    tagged = mini_text("site.yml").replace("网站名称: ", "网站名称: !!python/object/apply:os.system ")
    root = catalog_site(tmp_path, {"columns.yml": LAUGHS, "organizations.yml": recursive, "site.yml": tagged})
    result = build(root)
    no_traceback(result)
    assert f"catalog/columns.yml:5: {ALIAS}" in result.stderr
    assert f"catalog/organizations.yml:{line_of(recursive, '*g')}: {RECURSIVE.format('g')}" in result.stderr
    assert "catalog/site.yml:1: 不支持 YAML 标签“!!python/object/apply:os.system”" in result.stderr


def test_ids_that_start_with_a_digit_are_accepted_as_0_1_0_did(tmp_path):
    """An id is in every published address: 0.1.0 accepted 2024 and 2024zt, and they keep working."""
    text = mini_text("columns.yml").replace("  - id: gzdt\n", "  - id: 2024\n")
    root = catalog_site(tmp_path, {"columns.yml": text})
    assert "2024" in load_catalog(root / "catalog").columns
    bad = mini_text("columns.yml").replace("  - id: gzdt\n", "  - id: -gzdt\n")
    root = catalog_site(tmp_path / "bad", {"columns.yml": bad})
    with pytest.raises(InputError) as exc:
        load_catalog(root / "catalog")
    assert any("“-gzdt”不符合要求：只能用小写字母、数字和连字符，且不以连字符开头" in p for p in problems_of(exc))


@pytest.mark.build
def test_a_page_that_is_no_document_is_read_as_utf8_too(tmp_path):
    """The site's home page (content/index.md) is not a document, but a GBK copy is still named, not a crash."""
    root = copy_mini(tmp_path)
    home = root / "content" / "index.md"
    home.write_bytes(home.read_text(encoding="utf-8").encode("gbk"))
    result = build(root)
    no_traceback(result)
    assert f"content/index.md:{line_of(home.read_bytes().decode('gbk'), '测试')}: {GBK}" in result.stderr


def test_an_alias_within_the_budget_is_its_value_as_in_0_1_0():
    """0.1.0 read 指南: *guide (one 指南 shared by every 发布主体); the mini site of 0.1.0 did."""
    data = yamlutil.load("a: &g {电话: 1, 邮编: \"999001\"}\nb: *g\nc: [*g, *g]\n", "x.yml")
    assert data["b"] == data["c"][0] == {"电话": 1, "邮编": "999001"} and data.line_of("b") == 2


@pytest.mark.parametrize("text", ["a: }\n", "a: *\n", "a: &\n", "a: -\n- b\n", "a: 'x' y\n", "a: [b, c]]\n",
                                  "a: b\nc: d: e\n", "a:\n  b: 1\n c: 2\n", "- a\nb: c\n", "a: \"x\" y\n"])
def test_yaml_syntax_errors_are_in_chinese(text):
    """Every message starts in Chinese; libyaml's English is kept only in parentheses, for whoever searches it."""
    with pytest.raises(InputError) as exc:
        yamlutil.load(text, "x.yml")
    [problem] = exc.value.problems
    message = problem.message.split("（")[0]
    assert re.search(r"[\u4e00-\u9fff]", message.replace("YAML 语法错误", "")), problem.message
    assert not re.search(r"[A-Za-z]{3,}", message.replace("YAML", "")), problem.message
    assert problem.fix and not re.search(r"[A-Za-z]{3,}", problem.fix)
