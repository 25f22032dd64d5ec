"""Small structure objects of the generated pages."""

from gongkai.plugins.catalog.structure import Pager


def urls(n):
    return [f"p{i}/" for i in range(1, n + 1)]


def test_pager_neighbours_and_window():
    first = Pager(1, urls(12), 230)
    assert (first.previous_url, first.next_url, first.count) == (None, "p2/", 12)
    assert [n for n, _ in first.window()] == [1, 2, 3, 4, 5, 6, 7]
    middle = Pager(6, urls(12), 230)
    assert [n for n, _ in middle.window()] == [3, 4, 5, 6, 7, 8, 9]
    last = Pager(12, urls(12), 230)
    assert last.next_url is None and [n for n, _ in last.window()] == [6, 7, 8, 9, 10, 11, 12]
    assert [n for n, _ in Pager(1, urls(2), 25).window()] == [1, 2]


def test_no_markdown_source_in_the_written_site(tmp_path):
    from gongkai.errors import Problems
    from gongkai.plugins.catalog.publishing import SourceGuard

    site = tmp_path / "site"
    (site / "wj" / "a").mkdir(parents=True)
    (site / "wj" / "a" / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    (site / "wj" / "a" / "原文.md").write_text("---\n索引号: x\n---\n", encoding="utf-8")
    (site / "README.MARKDOWN").write_text("x", encoding="utf-8")
    (site / "folder.md").mkdir()  # a folder named like a source file is not a source file
    problems = Problems()
    SourceGuard(tmp_path, tmp_path / "content", "wj", problems).check_output(site)
    assert sorted(p.file for p in problems.items) == ["README.MARKDOWN", "wj/a/原文.md"]
    assert all("构建结果中出现了 Markdown 源文件" in p.message for p in problems.items)
