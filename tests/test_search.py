"""The search index builder and tokenizer (gongkai/search), without a browser."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import unicodedata

import pytest

from gongkai.search.index import Facets, Record, build_index
from gongkai.search.t2s import T2S
from gongkai.search.text import html_to_text, prose_text
from gongkai.search.tokenize import EXACT, FACET, exact_key, exact_terms, fold, query_terms, terms


def test_fold_full_width_case_and_traditional():
    assert fold("ＡＢＣ２０２４") == "abc2024"
    assert fold("政務公開") == "政务公开"
    assert fold("關於開展學習的通知") == "关于开展学习的通知"


def test_fold_is_nfkc_lowered_and_simplified_for_every_character():
    """fold narrows full-width forms before it normalizes (a shortcut): the result must be NFKC's for any
    character, alone and next to full-width and combining ones (Ａ + ◌́ composes to Á in NFKC)."""
    table = str.maketrans(T2S)
    chars = [chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000]  # above: unassigned or private use
    for start in range(0, len(chars), 64):
        run = chars[start:start + 64]
        for text in ("".join(f"（{c}" for c in run), "".join(f"Ａ{c}，" for c in run),
                     "".join(f"{c}\u0301０" for c in run), "Ａ\u0301" + "".join(run)):
            assert fold(text) == unicodedata.normalize("NFKC", text).lower().translate(table), repr(text)
    assert fold("Ａ\u0301") == "á"


def test_t2s_table_is_one_step_and_stable():
    assert len(T2S) > 500
    assert not [t for t, s in T2S.items() if s in T2S], "a simplified character must not map again"
    assert all(unicodedata.normalize("NFKC", t) == t for t in T2S)
    assert all(len(t) == len(s) == 1 for t, s in T2S.items())


def test_index_terms_are_characters_bigrams_and_ascii_runs():
    assert list(terms(fold("政务公开2024年V2"))) == ["政", "务", "公", "开", "政务", "务公", "公开", "2024", "年", "v2"]


@pytest.mark.parametrize("query, expected", [
    ("政务公开", ["政务", "务公", "公开"]),
    ("税", ["税"]),
    ("医疗 保险", ["医疗", "保险"]),
    ("2024年预算", ["2024", "年预", "预算"]),
    ("公开公开", ["公开", "开公"]),
    ("政務", ["政务"]),
])
def test_query_terms(query, expected):
    assert query_terms(query) == expected


@pytest.mark.parametrize("typed", ["示政办发〔2024〕12号", "示政办发[2024]12号", "示政办发(2024)12号",
                                   "示政办发（2024）12号", "示政办发【2024】12号", " 示政办发 [2024] 12号 ",
                                   "示政辦發〔２０２４〕12号"])
def test_doc_number_brackets_fold_to_one_key(typed):
    assert exact_key(typed) == "示政办发〔2024〕12号"


def test_exact_keys_of_index_numbers_and_non_matches():
    assert exact_key("999000002/2024-00012") == "999000002/2024-00012"
    assert exact_key("91350100M000100Y43/2024-00001") == "91350100m000100y43/2024-00001"
    assert exact_key("政务公开") is None
    assert exact_key("12号") is None
    assert exact_key("2024年预算") is None
    # 文号 without a bracketed year (规章 are numbered 令第N号) are exact terms too.
    assert exact_terms(["测试市人民政府令 第1号"]) == [EXACT + exact_key("测试市人民政府令第1号")]
    assert exact_terms([None, " "]) == []


def test_html_to_text_keeps_words_of_cells_apart_and_drops_scripts():
    text = html_to_text("<h2>一、总体要求</h2><p>坚持&nbsp;依法</p><table><tr><td>甲</td><td>乙</td></tr></table>"
                        "<script>var x = '不要';</script>")
    assert text == "一、总体要求 坚持 依法 甲 乙"


# ---- the written index, read back the way search.js reads it ------------------------------------------------

def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


class Reader:
    """A Python twin of search.js's file reading, to check the format."""

    def __init__(self, out):
        self.out = out
        self.meta = json.loads(gzip.decompress((out / "meta.bin").read_bytes()))

    def shard_of(self, term: str) -> int:
        key = term.encode("utf-16-be")
        firsts = [t.encode("utf-16-be") for t in self.meta["shards"]]
        candidates = [i for i, f in enumerate(firsts) if f <= key]
        return candidates[-1] if candidates else -1

    def shard(self, n: int) -> dict[str, tuple[int, bytes]]:
        data = gzip.decompress((self.out / "t" / f"{n}.bin").read_bytes())
        count, pos = _varint(data, 0)
        heads = []
        for _ in range(count):
            length, pos = _varint(data, pos)
            term = data[pos:pos + length].decode()
            pos += length
            df, pos = _varint(data, pos)
            size, pos = _varint(data, pos)
            heads.append((term, df, size))
        out = {}
        for term, df, size in heads:
            out[term] = (df, data[pos:pos + size])
            pos += size
        return out

    def postings(self, term: str) -> list[tuple[int, int]]:
        n = self.shard_of(term)
        if n < 0:
            return []
        entry = self.shard(n).get(term)
        if entry is None:
            return []
        df, data = entry
        out, pos, doc = [], 0, -1
        for _ in range(df):
            value, pos = _varint(data, pos)
            doc += value >> 3
            out.append((doc, value & 7))
        return out

    def fragment(self, doc_id: int) -> dict:
        path = self.out / "d" / str(doc_id // self.meta["dirs"]) / f"{doc_id}.bin"
        return json.loads(gzip.decompress(path.read_bytes()))


def _records(n: int = 60) -> list[Record]:
    subjects = ["政务公开", "营商环境", "医疗保险", "防汛抗旱", "義務教育"]
    out = []
    for i in range(n):
        subject = subjects[i % len(subjects)]
        out.append(Record(
            url=f"wj/d{i}/", title=f"关于做好{fold(subject)}工作的通知（{i}）", text=f"为做好{subject}工作，现通知如下。第{i}条。",
            published=dt.date(2023, 1, 1) + dt.timedelta(days=11 * i), publisher="jyj" if i % 2 else "szf",
            columns=["zcwj", "gfxwj"] if i % 3 == 0 else ["gzdt"], topic="科技、教育" if i % 4 == 0 else "综合政务",
            kind="行政规范性文件" if i % 3 == 0 else None,
            doc_number=f"示政发〔{2023 + i // 33}〕{i}号" if i % 5 == 0 else None,
            index_number=f"999000001/{2023 + i // 33}-{i:05d}", display={"p": "发布主体"}))
    out.append(Record(url="about/", title="关于本站", text="本站由示例市人民政府办公室主办。"))
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("index") / "data"
    records = _records()
    stats = build_index(records, out, Facets(kinds=["行政规范性文件"]), shard_bytes=300)
    return out, records, stats


def test_documents_are_numbered_oldest_first_and_years_are_id_ranges(written):
    out, records, stats = written
    reader = Reader(out)
    assert stats.documents == reader.meta["n"] == len(records)
    dates = [reader.fragment(i).get("d") for i in range(len(records))]
    dated = [d for d in dates if d]
    assert dated == sorted(dated)  # a document published today takes the next id: no other is renumbered
    assert dates[0] is None  # the undated page comes first
    for year, first, last in reader.meta["years"]:
        assert {d[:4] for d in dates[first:last + 1]} == {str(year)}
    assert sum(last - first + 1 for _, first, last in reader.meta["years"]) == len(dated)


def test_every_term_is_found_through_the_shard_table(written):
    out, records, stats = written
    reader = Reader(out)
    assert stats.shards == len(reader.meta["shards"]) > 5  # small shards, so the lookup is really exercised
    seen = {}
    for n in range(stats.shards):
        seen.update(reader.shard(n))
    assert len(seen) == stats.terms
    for term in seen:
        assert term in reader.shard(reader.shard_of(term))


def test_postings_list_exactly_the_documents_holding_a_term(written):
    out, records, _ = written
    reader = Reader(out)
    by_url = {reader.fragment(i)["u"]: i for i in range(len(records))}
    for term in ("营商", "医疗", "义务", "税"):
        expected = sorted(by_url[r.url] for r in records if term in fold(r.title + r.text))
        assert [doc for doc, _ in reader.postings(term)] == expected, term
    # The title adds 4 to the weight; a body-only term has weight 1–3.
    weights = {doc: w for doc, w in reader.postings("本站")}
    assert weights == {by_url["about/"]: weights[by_url["about/"]]} and 5 <= weights[by_url["about/"]] <= 7
    weights = {doc: w for doc, w in reader.postings("主办")}
    assert 1 <= weights[by_url["about/"]] <= 3


def test_filters_and_exact_terms(written):
    out, records, _ = written
    reader = Reader(out)
    by_url = {reader.fragment(i)["u"]: i for i in range(len(records))}
    ids = lambda term: sorted(doc for doc, _ in reader.postings(term))  # noqa: E731
    assert ids(FACET + "p:jyj") == sorted(by_url[r.url] for r in records if r.publisher == "jyj")
    assert ids(FACET + "c:zcwj") == ids(FACET + "c:gfxwj") == sorted(by_url[r.url] for r in records
                                                                     if "zcwj" in r.columns)
    assert ids(FACET + "k:行政规范性文件") == sorted(by_url[r.url] for r in records if r.kind)
    assert ids(FACET + "t:科技、教育") == sorted(by_url[r.url] for r in records if r.topic == "科技、教育")
    assert ids(EXACT + exact_key("示政发[2024]35号")) == [by_url["wj/d35/"]]
    assert ids(EXACT + "999000001/2023-00007") == [by_url["wj/d7/"]]
    assert reader.meta["facets"]["k"] == ["行政规范性文件"]


def test_fragments_hold_what_a_result_shows(written):
    out, records, _ = written
    reader = Reader(out)
    frag = next(reader.fragment(i) for i in range(len(records)) if reader.fragment(i)["u"] == "wj/d35/")
    assert frag["t"] == "关于做好政务公开工作的通知（35）"
    assert frag["n"] == "示政发〔2024〕35号" and frag["i"] == "999000001/2024-00035"
    assert frag["d"] == (dt.date(2023, 1, 1) + dt.timedelta(days=385)).isoformat()
    assert frag["p"] == "发布主体" and "政务公开工作" in frag["x"]
    t2s = gzip.decompress((out / "t2s.bin").read_bytes()).decode()
    assert len(t2s) == 2 * len(T2S) and t2s[t2s.index("務") + 1] == "务"
    codes, code = set(), 0
    for gap in reader.meta["trad"].split(","):
        code += int(gap, 16)
        codes.add(chr(code))
    assert codes == set(T2S) and "t2s" not in reader.meta


def test_rebuilding_replaces_the_old_index(tmp_path):
    out = tmp_path / "data"
    build_index(_records(30), out)
    stale = out / "t" / "999.bin"
    stale.write_bytes(b"old")
    build_index(_records(3), out)
    assert not stale.exists()
    assert Reader(out).meta["n"] == 4


@pytest.mark.parametrize("workers, run", [(2, 5000), (2, 7), (1, 9)])
def test_two_processes_and_spilled_runs_write_exactly_what_one_writes(tmp_path, monkeypatch, workers, run):
    """Parts made in two processes, and postings written out every ``run`` records and merged back (a large
    site's), give the bytes of one process holding the whole index."""
    import gongkai.search.index as index_module
    records = _records(61)
    one, two = tmp_path / "one", tmp_path / "two"
    build_index(records, one, shard_bytes=300)
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(index_module, "RUN", run)
    stats = build_index(records, two, shard_bytes=300, workers=workers)
    files_one = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files_one == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert len(files_one) == stats.files
    for rel in files_one:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


def test_snippet_text_is_running_text_without_tables_or_controls():
    html = ('<div class="gk-report-bar"><button>打印本报告</button></div><p>全年新收申请197件。</p>'
            '<table><tr><td>自然人</td><td>153</td></tr></table><nav>上一页</nav><p>办结率100%。</p>')
    assert prose_text(html) == "全年新收申请197件。 办结率100%。"
    assert "153" in html_to_text(html)  # the index still holds the table's words


# ---- 文号 typed informally, pinyin, synonyms (issue 24) ------------------------------------------------------

@pytest.mark.parametrize("typed", ["示政规〔2026〕9号", "示政规〔2026〕9", "示政规2026年9号", "示政规[2026]9号",
                                   "示政规 2026 9", "示政规（２０２６）第09号", "示政规2026-9号", "示政規【2026】9號"])
def test_informal_doc_numbers_fold_to_the_printed_key(typed):
    assert exact_key(typed) == "示政规〔2026〕9号"


def test_doc_number_key_leaves_other_numbers_and_text_alone():
    from gongkai.search.tokenize import doc_number_key
    assert doc_number_key("示例市人民政府令 第23号") == doc_number_key("示例市人民政府令23号") == "示例市人民政府令23号"
    assert doc_number_key("999000001/2024-00015") == "999000001/2024-00015"  # an 索引号 is not a 文号
    assert exact_key("关于2024年3号台风的通知") is None
    assert exact_key("2024年预算") is None
    # The index side uses the same key: a document printed with 第 and a leading zero is found typed plainly.
    assert exact_terms(["示政规〔2026〕第09号"]) == [EXACT + "示政规〔2026〕9号"]


def test_pinyin_terms_of_titles_and_keywords():
    from gongkai.search import pinyin
    from gongkai.search.tokenize import PINYIN
    found = pinyin.index_terms(fold("城乡居民最低生活保障办法"))
    assert {PINYIN + "shenghuo", PINYIN + "sh", PINYIN + "baozhang", PINYIN + "bz"} <= found
    assert pinyin.index_terms(fold("重庆银行")) >= {PINYIN + "chongqing", PINYIN + "yinhang"}  # phrase readings
    assert pinyin.query_terms("dibao") == [PINYIN + "dibao"]
    assert pinyin.query_terms("yl") == [PINYIN + "yl"]
    assert pinyin.query_terms("zuidishenghuo") == [PINYIN + p for p in ("zuidi", "disheng", "shenghuo")]
    assert pinyin.query_terms("hpv") == [PINYIN + "hp", PINYIN + "pv"]  # not pinyin: read as initials
    assert pinyin.query_terms("xian") is None  # one syllable: no bigram to match
    spoken = pinyin.spoken_words([["低保", "最低生活保障"], [["五险一金"], ["社会保险"]]])
    assert spoken["dibao"] == ["低保"] and spoken["db"] == ["低保"] and spoken["wuxianyijin"] == ["五险一金"]


def test_pinyin_terms_are_in_the_index_with_title_weight(tmp_path):
    from gongkai.search.tokenize import PINYIN
    records = [Record(url="a/", title="城乡居民最低生活保障办法", text="正文。", keywords=["社会救助"]),
               Record(url="b/", title="关于养老服务的通知", text="正文提到低保。")]
    build_index(records, tmp_path / "data")
    reader = Reader(tmp_path / "data")
    by_url = {reader.fragment(i)["u"]: i for i in range(2)}
    assert reader.postings(PINYIN + "baozhang") == [(by_url["a/"], 5)]
    assert reader.postings(PINYIN + "jiuzhu") == [(by_url["a/"], 2)]  # 主题词: a body term
    assert [d for d, _ in reader.postings(PINYIN + "yanglao")] == [by_url["b/"]]
    assert reader.postings(PINYIN + "dibao") == []  # body text is not converted (index size)


def test_synonym_table_ships_sourced_groups_and_a_site_extends_it(tmp_path):
    from gongkai.search.synonyms import SHIPPED, SynonymError, expand, load_groups, synonym_groups
    shipped = load_groups(SHIPPED)
    words = {w for g in shipped for w in (g[0] + g[1] if isinstance(g[0], list) else g)}
    for pair in (("低保", "最低生活保障"), ("社保", "社会保险"), ("医保", "医疗保障"), ("公积金", "住房公积金"),
                 ("新农合", "城乡居民医保"), ("养老金", "基本养老金")):
        assert any(isinstance(g[0], str) and set(pair) <= set(g) for g in shipped), pair
    assert {"残疾人两项补贴", "五险一金", "营商环境", "一网通办"} <= words
    # Every group has a source comment above it.
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("- "):
            assert lines[i - 1].startswith(("# ", "- ")), f"group without a source: {line}"
    site = tmp_path / "tongyi.yml"
    site.write_text("- [不动产登记, 房产证]\n", encoding="utf-8")
    groups = synonym_groups(site)
    assert groups[-1] == ["不动产登记", "房产证"]
    assert expand("房产证办理", groups) == [("", "不动产登记", "办理", "房产证")]
    # One-way: 五险一金 also searches 社会保险, but 社会保险 does not search 住房公积金.
    assert ("", "住房公积金", "", "五险一金") in expand("五险一金", groups)
    assert all(v[1] != "住房公积金" for v in expand("社会保险", groups))
    bad = tmp_path / "bad.yml"
    bad.write_text("- [低保]\n- 社保\n", encoding="utf-8")
    with pytest.raises(SynonymError, match=r"bad.yml 第 1 组：一组至少要有两个不同的词"):
        load_groups(bad)
    bad.write_text("低保: 最低生活保障\n", encoding="utf-8")
    with pytest.raises(SynonymError, match="应是一个列表"):
        load_groups(bad)


def test_meta_carries_the_synonyms_and_their_pinyin(tmp_path):
    from gongkai.search.synonyms import synonym_groups
    build_index(_records(3), tmp_path / "data", synonyms=synonym_groups())
    meta = Reader(tmp_path / "data").meta
    assert ["低保", "最低生活保障", "最低生活保障金"] in meta["syn"]
    assert meta["spoken"]["dibao"] == ["低保"] and meta["spoken"]["shebao"] == ["社保"]


def test_doc_number_facets_and_month_ranges(tmp_path):
    from gongkai.search.index import number_facets, number_parts
    assert number_parts("示政规[2026]第09号") == ("示政规", 2026)
    assert number_parts("示例市人民政府令第23号") is None and number_parts(None) is None
    assert number_facets(["示政发〔2024〕1号", "示政发(2025)2号", "示教发〔2025〕3号", None]) == (
        ["示政发", "示教发"], [2025, 2024])
    out = tmp_path / "data"
    records = _records(60)
    build_index(records, out)
    reader = Reader(out)
    by_url = {reader.fragment(i)["u"]: i for i in range(len(records))}
    ids = lambda term: sorted(doc for doc, _ in reader.postings(term))  # noqa: E731
    assert ids(FACET + "j:示政发") == sorted(by_url[r.url] for r in records if r.doc_number)
    assert ids(FACET + "w:2024") == sorted(by_url[r.url] for r in records if r.doc_number and "2024" in r.doc_number)
    for month, first, last in reader.meta["months"]:
        assert {reader.fragment(i)["d"][:7].replace("-", "") for i in range(first, last + 1)} == {str(month)}


def test_page_text_is_read_as_the_browser_shows_it():
    """A ">" inside an attribute or a comment is no tag end, and a table inside a table is table all the way."""
    assert html_to_text('<p>年度<img alt="收入>支出" src="a.png">报告</p><!-- 草稿 a>b -->') == "年度报告"
    nested = ('<table><tr><td><table><tr><td>内表</td></tr></table></td><td>外表</td></tr></table>'
              '<p>正文<button title="x>y">打印</button>继续</p>')
    assert prose_text(nested) == "正文 继续"
    assert html_to_text(nested) == "内表 外表 正文打印继续"


def test_cited_doc_numbers_are_exact_terms_of_the_citing_document(tmp_path):
    from gongkai.search.tokenize import cited_terms
    text = "根据《关于印发办法的通知》（示政办发［2024］ 12 号）和国发〔2015〕52号，示例市人民政府令第3号。"
    assert cited_terms(text) == {"\x02" + k for k in (
        "示政办发〔2024〕12号", "政办发〔2024〕12号", "办发〔2024〕12号", "国发〔2015〕52号", "和国发〔2015〕52号")}
    assert cited_terms("2024年12号楼") == set() and cited_terms("无文号") == set()
    own = Record(url="a/", title="甲", text="本办法自发布之日起施行。", doc_number="示政办发〔2024〕12号",
                 published=dt.date(2024, 5, 1))
    citing = Record(url="b/", title="乙", text="对示政办发〔2024〕12号的解读。", published=dt.date(2024, 5, 2))
    build_index([own, citing], tmp_path / "idx")
    entry = Reader(tmp_path / "idx").postings("\x02示政办发〔2024〕12号")
    assert entry == [(0, 0), (1, 1)]  # (id, weight): 甲 (older, id 0) is its own, 乙 (id 1) cites it


@pytest.mark.parametrize("opening, closing", [("〔", "〕"), ("[", "]"), ("(", ")"), ("【", "】"), ("〖", "〗"),
                                              ("［", "］"), ("（", "）")])
def test_a_cited_number_is_found_in_every_bracket(opening, closing):
    """cited_terms skips a text without an opening bracket before folding it again: every form still counts."""
    from gongkai.search.tokenize import EXACT, cited_terms

    assert EXACT + "示政办发〔2024〕12号" in cited_terms(f"根据示政办发{opening}2024{closing}12号的规定")
    assert cited_terms("根据示政办发2024年12号的规定，不带括号的不算引用") == set()
