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
