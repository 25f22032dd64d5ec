"""The shortcuts of ``BuildCacheSession.made_as_before`` (pages carried across another document's metadata),
each compared with the code it replaced: the recorded reads evaluated again (``PageRecorder.changed``, with
the memo of described records and the reads one page alone makes), a document page's subject described
directly, a page argument found without a PurePath, the digests of None, the booleans and an object's class
made once, the names of a context digested once, a page's templates compared once per distinct list. The whole-build proof is
tests/test_carried_pages.py (METADATA, ADVERSARIAL) and tests/test_metadata_carry.py."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from pathlib import PurePath

import pytest

from gongkai.buildcache import Unstable, digest
from gongkai.model import Document
from gongkai.plugins.catalog import caching
from gongkai.plugins.catalog.caching import (NAMES, PageRecorder, Resolver, Tracked, _as_posix, _document_subject,
                                             _object_digest, _whole_digest, describe)
from gongkai.plugins.catalog.structure import Crumb


def reference_changed(recorder: PageRecorder, reads: dict[str, str], context) -> str | None:
    """``PageRecorder.changed`` as it was before this session's shortcuts (c35b01d…20ee7fa), without its memo."""
    values: dict[str, object] = {}

    def parsed(read):
        root, path = json.loads(read)
        return (root, None, None) if not path else (root, path[-1], caching._READ_JSON([root, path[:-1]]))

    def evaluate(read):
        if not isinstance(read, str):
            read = caching._READ_JSON(read)
        if read not in values:
            root, last, parent = parsed(read)
            values[read] = recorder.root(root, context) if parent is None else step(evaluate(parent), *last)
        return values[read]

    def step(value, name, args):
        if name == "()":
            return value(*(recorder.resolver.decode(a, evaluate) for a in args))
        if name == "[]":
            return value[recorder.resolver.decode(args[0], evaluate)]
        if name == "#":
            return len(value)
        if name == "*":
            return value
        value = getattr(value, name)
        return value if args is None else value(*(recorder.resolver.decode(a, evaluate) for a in args))

    objects: dict[int, tuple[object, str]] = {}
    for read, expected in reads.items():
        if read == NAMES:
            if digest(*sorted(n for n in context if n not in caching.KEYED_CONTEXT), "\0",
                      *sorted(recorder._globals or ())) != expected:
                return read
            continue
        try:
            value = evaluate(read)
            if caching.whole(value):
                found = digest(caching._VALUE_JSON(describe(value)))
            else:
                first = objects.get(id(value))
                if first is not None and first[0] is value and first[1] != read:
                    found = digest("same", first[1])
                else:
                    found = digest("object", type(value).__qualname__)
                    objects.setdefault(id(value), (value, read))
        except Exception:
            return read
        if found != expected:
            return read
    return None


class Box:
    """An object of a view's, recorded by its kind and by whether an earlier read gave the very same object."""

    def __init__(self):
        self.size = 2


@dataclasses.dataclass
class Item:
    title: str
    url: str


class Shelf:
    """A view: shared records, per-document answers, a fresh list per call, the same object twice."""

    def __init__(self, titles: dict[str, str | None], tabs: list[Item], flag: bool = True):
        self.titles, self.tabs, self.flag = titles, tabs, flag
        self.box = Box()

    def title_of(self, doc):
        return self.titles.get(doc.src_path)

    def tab(self, i):
        return self.tabs[i] if i < len(self.tabs) else None

    def fresh(self):
        return {"n": object()}  # an object of no gongkai kind: recorded by its kind

    def same(self):
        return self.box

    def again(self):
        return self.box

    def on(self):
        return self.flag


def _document(src: str) -> Document:
    import datetime as dt
    return Document(src_path=src, title=src, column_ids=["gzdt"], publisher_id="jyj", written=dt.date(2026, 1, 2),
                    published=dt.date(2026, 1, 3), index_number="999100002/2026-00001", topic="其他")


def _record(recorder: PageRecorder, shelf: Shelf, doc: Document) -> dict[str, str]:
    """What a template reads of ``shelf`` on ``doc``'s page."""
    recorder.reads, recorder._proxies, recorder._first = {}, {}, {}
    context = {"shelf": shelf, "document": doc}
    recorder.reads[NAMES] = recorder.names(context)
    view = recorder.note("c:shelf", (), shelf, base=shelf)
    assert isinstance(view, Tracked)
    view.title_of(doc)
    str(view.tab(0).title) if view.tab(0) is not None else None
    view.tab(1)
    view.tab(5)
    view.fresh()
    view.same()
    view.again()
    bool(view.on())
    reads, recorder.reads = recorder.reads, None
    return reads


def test_the_reads_are_checked_as_the_code_they_replace_on_many_pages():
    """Pages recorded on one build's views, then checked on views that change one thing at a time (a document's
    answer, a shared record, a record's field, a flag, a view of another object) in random orders, with the
    memos warm from earlier pages (shared reads, reads one page alone makes): every verdict is the reference's."""
    rng = random.Random(20)
    docs = [_document(f"wj/d{i}.md") for i in range(6)]
    tabs = [Item("首页", ""), Item("公开", "xxgk/")]
    before = Shelf({d.src_path: f"标题{i}" if i % 2 else None for i, d in enumerate(docs)}, tabs)
    recorder = PageRecorder()
    recorder.resolver = Resolver(None, {d.src_path: d for d in docs}, {}, None)
    pages = {d.src_path: _record(recorder, before, d) for d in docs}
    once = {read for read in itertools.chain(*pages.values())
            if sum(read in reads for reads in pages.values()) == 1}

    def variants():
        yield before
        yield Shelf(dict(before.titles), tabs)  # another object, the same answers
        for d in docs:
            titles = dict(before.titles)
            titles[d.src_path] = "改" if titles[d.src_path] is None else None
            yield Shelf(titles, tabs)  # one document's answer
        yield Shelf(dict(before.titles), [Item("首页", ""), Item("公开栏", "xxgk/")])  # a shared record
        yield Shelf(dict(before.titles), tabs[:1])  # a record gone
        yield Shelf(dict(before.titles), tabs, flag=False)
        other = Shelf(dict(before.titles), tabs)
        other.again = lambda: Box()  # no longer the same object as ``same``
        yield other

    checked = differ = 0
    for shelf in variants():
        memo: dict = {}
        order = list(pages.items())
        for _ in range(3):
            rng.shuffle(order)
            for src, reads in order:
                context = {"shelf": shelf, "document": recorder.resolver.documents[src]}
                expected = reference_changed(recorder, reads, context)
                assert recorder.changed(reads, context) == expected
                assert recorder.changed(reads, context, memo, once) == expected
                assert recorder.changed(reads, context, memo, frozenset()) == expected
                checked += 1
                differ += expected is not None
    assert checked == 3 * 6 * 12 and 0 < differ < checked, (checked, differ)
    assert differ == 3 * (6 * 4 + 6), differ  # four variants change every page, one document's answer one


def test_a_read_memoized_on_one_page_is_not_taken_for_a_page_with_another_view():
    """The same read on two pages whose views are different objects: each is evaluated on its own view."""
    recorder = PageRecorder()
    recorder.resolver = Resolver(None, {}, {}, None)
    doc = _document("wj/a.md")
    recorder.resolver.documents[doc.src_path] = doc
    tabs = [Item("首页", "")]
    reads = _record(recorder, Shelf({doc.src_path: "甲"}, tabs), doc)
    memo: dict = {}
    assert recorder.changed(reads, {"shelf": Shelf({doc.src_path: "甲"}, tabs), "document": doc}, memo) is None
    changed = recorder.changed(reads, {"shelf": Shelf({doc.src_path: "乙"}, tabs), "document": doc}, memo)
    assert changed is not None and "title_of" in changed


def test_a_document_pages_subject_is_described_as_describe_does():
    doc = _document("wj/a.md")
    cases = [[doc, [None, None]], [doc, [["../b/", "乙"], None]], [doc, [None, ["../c/", "丙"]]],
             [doc, [["../b/", "乙"], ["../c/", "丙"]]], [doc, []], [doc, [[None, "无址"]]]]
    for subject in cases:
        assert _document_subject(subject) == describe(subject)
        assert caching._VALUE_JSON(_document_subject(subject)) == caching._VALUE_JSON(describe(subject))
    from markupsafe import Markup
    others = [None, [doc], [doc, None], [doc, [["a", 1]]], [doc, [["a", Markup("<b>")]]], [doc, [("a", "b")]],
              [doc, [["a", "b", "c"]]], (doc, [None, None]), [Item("x", "y"), [None, None]]]
    for subject in others:
        assert _document_subject(subject) is None  # describe walks them, as before


def test_a_page_argument_is_found_as_get_file_from_path_finds_it():
    alphabet = ["a", "b", ".", "..", "", "/", "//", "./", "/.", "x.md", " ", "\\", "页.md"]
    for k in range(1, 5):
        for parts in itertools.product(alphabet, repeat=k):
            path = "".join(parts)
            assert _as_posix(path) == PurePath(path).as_posix(), path


def test_digests_made_once_are_the_digests():
    memo: dict = {}
    tab = Item("首页", "")
    for value in (None, True, False, 0, 1, "", "null", "true", [None], tab, [tab], {"a": None}):
        expected = digest(caching._VALUE_JSON(describe(value)))
        assert _whole_digest(value) == expected
        assert _whole_digest(value, memo) == expected
        assert _whole_digest(value, memo) == expected  # from the memo
    assert _object_digest(Shelf({}, [])) == digest("object", "Shelf")
    with pytest.raises(Unstable):
        _whole_digest(object())


def test_the_names_of_a_context_and_the_templates_of_a_page():
    recorder = PageRecorder()
    recorder._globals = {"gk_feeds": object()}
    for context in ({}, {"a": 1, "page": 2}, {"page": 2, "a": 1}, {"b": 1}, {"a": 1}):
        assert recorder.names(context) == digest(*sorted(n for n in context if n not in caching.KEYED_CONTEXT),
                                                 "\0", "gk_feeds")
    recorder._globals = {"gk_other": object()}  # other globals, the same context: another digest
    assert recorder.names({"a": 1}) == digest("a", "\0", "gk_other")

    import jinja2

    recorder._lookup = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "A", "b.html": "B"}))
    a, b = digest("A"), digest("B")

    def reference(templates: dict) -> bool:  # the check before this session: name by name
        return all(recorder.digest(name, recorder._lookup) == d for name, d in templates.items())

    cases = [{"a.html": a, "b.html": b}, {"b.html": b}, {"a.html": a, "b.html": a},
             {"a.html": a, "c.html": digest("missing") + "x"}, {"c.html": digest("missing")}, {}]
    for templates in cases * 2:  # the second time from the memo of verdicts
        text = caching._VALUE_JSON(templates)
        assert recorder.unchanged(text) == reference(templates)
    assert [recorder.unchanged(caching._VALUE_JSON(t)) for t in cases] == [True, True, False, False, True, True]
    for damaged in ("", "[]", '{"a.html": 1}', '{"a.html": null}', "{"):  # as stored by nothing of ours: a miss
        assert recorder.unchanged(damaged) is False
    # What a page stores: the templates as one text, sorted (every page of a kind the same text).
    recorder.templates, recorder.reads, recorder.volatile = {"b.html": b, "a.html": a}, {}, False
    stored = recorder.finish(object())
    assert stored == {"templates": '{"a.html": "%s", "b.html": "%s"}' % (a, b), "reads": {}}
    assert caching.reads_shape(stored) and not caching.reads_shape({"templates": {"a.html": a}, "reads": {}})
