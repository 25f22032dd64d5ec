"""Fuzz test (issue 25): hostile editor input never ends in a traceback or a hang, and every rejection names the
file and the line.

hypothesis mutates real inputs — the mini site's documents and catalog, a 年报's data, a 网站年度报表's data — at the
YAML level (any value replaced by a hostile one: markup, control characters, XML-illegal characters, huge or nested
values, wrong types, new keys) and at the text level (characters inserted, lines cut, encodings changed), and
mutates the page options of a page that is not a document, and generates Markdown bodies from hostile fragments (brackets, comments, nesting, entities, zero-width characters).
Each input goes through the loader the build uses, in-process.

``make test`` runs the default profile (deterministic, about a minute on a shared machine); ``make fuzz`` runs the
``fuzz`` profile: 1,667 inputs per target, 10,000 in all, with fresh random seeds, and prints the counts.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
import tempfile
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import markdown
import material
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from gongkai.catalog import load_catalog
from gongkai.checks.pii import scan_text, shown_text
from gongkai.documents import DocumentLoader, derive_summary
from gongkai.errors import InputError, Problems
from gongkai.mdlimits import MarkdownLimit, deadline
from gongkai.pagemeta import PageMeta
from gongkai.reports.loader import load_report_text
from gongkai.safety import find_active_content
from gongkai.sitereport.loader import load_report
from kit import MINI, ROOT

PER_TARGET = {"default": 170, "fuzz": 1667}  # six targets: about 1,000 and 10,000 inputs
settings.register_profile("default", max_examples=PER_TARGET["default"], deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck), print_blob=True)
settings.register_profile("fuzz", max_examples=PER_TARGET["fuzz"], deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), print_blob=True)
settings.load_profile(os.environ.get("GONGKAI_FUZZ_PROFILE", "default"))

HANG_SECONDS = 20  # one input: far above any real file's cost, far below a hang
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]
COUNTS: Counter = Counter()

# ---- seeds --------------------------------------------------------------------------------------------------------

CATALOG_FILES = ("site.yml", "organizations.yml", "columns.yml")
CATALOG_SEEDS = {name: yaml.safe_load((MINI / "catalog" / name).read_text(encoding="utf-8")) for name in CATALOG_FILES}
CATALOG = load_catalog(MINI / "catalog")
DOCUMENT_SEEDS = []
for path in sorted((MINI / "content" / "wj").rglob("*.md")):
    front, _, body = path.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
    DOCUMENT_SEEDS.append((yaml.safe_load(front), body))
REPORT_SEED = yaml.safe_load((ROOT / "content" / "reports" / "czj" / "2025.yml").read_text(encoding="utf-8"))
SITEREPORT_SEED = yaml.safe_load((ROOT / "content" / "wzbb" / "2025.yml").read_text(encoding="utf-8"))

# ---- hostile values -----------------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "javascript:alert(1)", "a<b", "&#60;b&#62;",
    "\x0b", "\x1b[31m", "\ufffe", "\uffff", "\x00", "\x85", "\u202e", "\u200b", "\u00ad", "\ufeff", "\t", "\r",
    "[" * 50, "](" * 30, "<!--", "-->", "*" * 40, "`" * 10, "{: onclick=alert(1)}", "%", "@", "|", ">", "!!python/x",
    "&a", "*a", "<<: *a", "---", "...", "? ", ": ", "- ", "#", "'", '"', "\\", "A" * 300, "示" * 260, "1" * 30,
    "110105199003071239", "138\u200b0013\u200b8000", "2025-02-30", "9:30", "030001", "0x1F", ".inf", "yes", "~",
]
scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1)),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(st.text(max_size=8), scalars),
                                                                       inner, max_size=4)), max_leaves=12)


def _paths(data, prefix=()):
    """Every place in a parsed YAML tree: the root, each mapping value and each list item."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))


def _set(data, path, value):
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@st.composite
def mutated_tree(draw, seed):
    """The seed with a few values replaced, keys added or removed."""
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(("replace", "replace", "add", "drop")))
        target = data
        for step in path:
            target = target[step]
        if action == "add" and isinstance(target, dict):
            target[draw(st.one_of(st.text(max_size=8), st.sampled_from(["hide", "template", "icon", "title",
                                                                         "栏目", "附件", "指南", "名称"])))] = draw(values)
        elif action == "drop" and isinstance(target, dict) and target:
            target.pop(draw(st.sampled_from(sorted(target, key=str))))
        else:
            data = _set(data, path, draw(values))
    return data


def dump(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
    except yaml.YAMLError:  # a key PyYAML cannot write (a date key, say): written as text
        return yaml.safe_dump(str(data), allow_unicode=True)


@st.composite
def text_mutation(draw, text: str) -> str:
    """Characters inserted or deleted, a line cut or doubled."""
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(("insert", "delete", "cut")))
        if kind == "insert":
            text = text[:position] + draw(st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=5))) + text[position:]
        elif kind == "delete":
            text = text[:position] + text[position + draw(st.integers(min_value=1, max_value=5)):]
        else:
            text = text[:position]
    return text


@st.composite
def encoded(draw, text: str) -> bytes:
    """As a file holds it: UTF-8 mostly, sometimes another encoding or raw bytes."""
    encoding = draw(st.sampled_from(("utf-8",) * 6 + ("utf-8-sig", "utf-16", "gb18030", "latin-1-raw")))
    if encoding == "latin-1-raw":
        return text.encode("utf-8", "surrogatepass") + draw(st.binary(max_size=8))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")


FRAGMENTS = ["[a](", "[a](b) ", "![x](https://other.host/a.png)", "<!--", "-->", "<div>", "</div>", "*", "**", "_",
             "`", "> ", "    - ", "- ", "1. ", "|a|b|\n|-|-|\n", "&#49;", "&nbsp;", "\u200b", "<span>", "</span>",
             "<script>alert(1)</script>", "<img src=x onerror=1>", "{: #x }", "!!! note\n    ", "\n", "\n\n",
             "138", "0013", "8000", "110105", "19900307", "1239", "\x0b", "\ufffe", "<?xml-stylesheet?>", "<", ">",
             "[", "]", "(", ")", "#", "---", "~~~", "```", "\\"]
bodies = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=200).map("".join)


# ---- the checks ---------------------------------------------------------------------------------------------------

class Hang(Exception):
    pass


def within_limit(fn, *args):
    """Run ``fn`` under a time limit: past it, the input hangs the build (a failure)."""
    def expired(signum, frame):
        raise Hang(f"took more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        return fn(*args)
    except Hang:
        COUNTS["hangs"] += 1
        raise
    except Exception:
        COUNTS["tracebacks"] += 1
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_named(problems, files) -> None:
    """Every error names one of ``files`` and a line."""
    errors = [p for p in problems if p.severity == "error"]
    for p in errors:
        assert p.file in files, p
        assert p.line is not None and p.line >= 1, p
    COUNTS["rejected"] += bool(errors)


def check_document(data: bytes) -> None:
    COUNTS["inputs"] += 1
    problems = Problems()
    display = "content/wj/jyj/2025/fuzz.md"
    doc = DocumentLoader(CATALOG, problems, today=dt.date(2026, 11, 30)).load(data, "wj/jyj/2025/fuzz.md", display)
    if doc is None:
        assert problems.errors, "a document refused without a problem"
    assert_named(problems.items, {display})
    if doc is not None:
        derive_summary(doc.body)


def check_catalog(texts: dict[str, bytes]) -> None:
    COUNTS["inputs"] += 1
    with tempfile.TemporaryDirectory() as folder:
        for name, data in texts.items():
            Path(folder, name).write_bytes(data)
        try:
            load_catalog(folder, display_root=Path(folder).parent)
        except InputError as exc:
            assert exc.problems
            assert_named(exc.problems, {f"{Path(folder).name}/{name}" for name in CATALOG_FILES})


def check_report(data: bytes) -> None:
    COUNTS["inputs"] += 1
    problems = Problems()
    display = "content/reports/czj/2025.yml"
    report = load_report_text(data, display, problems, CATALOG.organizations)
    if report is None:
        assert problems.errors
    assert_named(problems.items, {display})


def check_site_report(data: bytes) -> None:
    COUNTS["inputs"] += 1
    problems = Problems()
    display = "content/wzbb/2025.yml"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # the plugin decodes with gongkai.sources first (its messages are tested in test_safety_input)
    report = load_report(text, display, problems)
    if report is None:
        assert problems.errors
    assert_named(problems.items, {display})


def check_body(body: str) -> None:
    COUNTS["inputs"] += 1
    try:
        with deadline(10, "content/wj/fuzz.md"):
            html = markdown.Markdown(extensions=EXTENSIONS).convert(body)
    except MarkdownLimit as exc:
        assert str(exc).startswith("content/wj/fuzz.md: 正文: ")
        COUNTS["rejected"] += 1
        return
    find_active_content(html)
    scan_text(body)
    scan_text(shown_text(html))
    derive_summary(body)


# ---- the targets --------------------------------------------------------------------------------------------------

@st.composite
def documents(draw) -> bytes:
    front, body = draw(st.sampled_from(DOCUMENT_SEEDS))
    text = f"---\n{dump(draw(mutated_tree(front)))}---\n{body}{draw(bodies)}"
    return draw(encoded(draw(text_mutation(text))))


@given(documents())
def test_fuzz_front_matter(data):
    within_limit(check_document, data)


@st.composite
def catalogs(draw) -> dict[str, bytes]:
    name = draw(st.sampled_from(CATALOG_FILES))
    texts = {n: dump(seed).encode("utf-8") for n, seed in CATALOG_SEEDS.items()}
    texts[name] = draw(encoded(draw(text_mutation(dump(draw(mutated_tree(CATALOG_SEEDS[name])))))))
    return texts


@given(catalogs())
def test_fuzz_catalog(texts):
    within_limit(check_catalog, texts)


@given(st.builds(lambda: None).flatmap(lambda _: mutated_tree(REPORT_SEED)).map(dump).flatmap(text_mutation)
       .flatmap(encoded))
def test_fuzz_annual_report(data):
    within_limit(check_report, data)


@given(st.builds(lambda: None).flatmap(lambda _: mutated_tree(SITEREPORT_SEED)).map(dump).flatmap(text_mutation)
       .flatmap(encoded))
def test_fuzz_site_report(data):
    within_limit(check_site_report, data)


THEME_DIRS = [str(Path(material.__file__).parent / "templates")]
PAGE_SEED = {"title": "关于本站", "description": "说明", "subtitle": "副标题", "author": "办公室", "status": "new",
             "icon": "material/home", "template": "main.html", "hide": ["toc"], "search": {"exclude": False}}


def check_page_meta(data: bytes) -> None:
    """A page that is not a document (the home, the 编辑手册): its front matter and page options."""
    COUNTS["inputs"] += 1
    problems = Problems()
    display = "content/about.md"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # gongkai.sources.decode refuses it first, with its own message
    meta = PageMeta(problems)
    markdown_text = meta.read("about.md", text, display)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="about.md"), meta={}, markdown=markdown_text)
    meta.apply(page, display, THEME_DIRS)
    assert_named(problems.items, {display})
    for key in ("title", "description", "subtitle", "author", "status", "icon", "template"):
        assert key not in page.meta or isinstance(page.meta[key], str), (key, page.meta[key])
    assert isinstance(page.meta.get("hide", []), list)


@given(mutated_tree(PAGE_SEED).map(lambda d: f"---\n{dump(d)}---\n\n# 标题\n").flatmap(text_mutation).flatmap(encoded))
def test_fuzz_page_options(data):
    within_limit(check_page_meta, data)


@given(bodies)
def test_fuzz_document_bodies(body):
    within_limit(check_body, body)


@pytest.fixture(scope="module", autouse=True)
def fuzz_counts():
    yield
    print(f"\nfuzz: {COUNTS['inputs']} inputs, {COUNTS['rejected']} rejected with file and line, "
          f"{COUNTS['tracebacks']} tracebacks, {COUNTS['hangs']} hangs")
