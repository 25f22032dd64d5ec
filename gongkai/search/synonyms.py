"""The 政务同义词表: groups of words a query may be widened with (低保 ↔ 最低生活保障).

The shipped table is ``synonyms.yml`` beside this module; a site adds groups with the ``synonyms:`` option of
gongkai/search (a YAML file of the same form). The groups go into the index's ``meta.bin`` and the browser widens
a query with them at search time, so the index holds no extra postings and a query that names no synonym
fetches nothing more.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .tokenize import fold

SHIPPED = Path(__file__).resolve().parent / "synonyms.yml"


class SynonymError(ValueError):
    """A synonyms file that is not a list of word groups; the message names the file and the entry."""


def _words(path, number: int, entry) -> list[str]:
    if not isinstance(entry, list) or not all(isinstance(w, (str, int)) for w in entry):
        raise SynonymError(f"{path} 第 {number} 组：应是词语列表，如 - [低保, 最低生活保障]，实际是 {entry!r}")
    words = []
    for word in entry:
        folded = fold(str(word)).strip()
        if folded and folded not in words:
            words.append(folded)
    return words


def load_groups(path: Path) -> list:
    """The groups of one file, folded: a list of words (each searches all the others) or, for a one-way line
    ``{词: [词, …]}``, a pair [[word], [words it also searches]]."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SynonymError(f"{path}：无法读取同义词表（{exc.strerror}）") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行" if mark else ""
        raise SynonymError(f"{path}{where}：同义词表不是有效的 YAML（{getattr(exc, 'problem', exc)}）") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise SynonymError(f"{path}：同义词表应是一个列表，每项是一组同义词，如 - [低保, 最低生活保障]")
    groups: list = []
    for number, entry in enumerate(data, 1):
        if isinstance(entry, dict) and len(entry) == 1:
            (source, targets), = entry.items()
            left, right = _words(path, number, [source]), _words(path, number, targets)
            if not left or not right or left[0] in right:
                raise SynonymError(f"{path} 第 {number} 组：单向同义词应写成 - {{五险一金: [社会保险, 住房公积金]}}，"
                                   f"实际是 {entry!r}")
            groups.append([left, right])
            continue
        words = _words(path, number, entry)
        if len(words) < 2:
            raise SynonymError(f"{path} 第 {number} 组：一组至少要有两个不同的词，实际是 {entry!r}")
        groups.append(words)
    return groups


def synonym_groups(extra: Path | None = None) -> list:
    """The shipped groups followed by a site's own (``synonyms:`` of gongkai/search)."""
    return load_groups(SHIPPED) + (load_groups(extra) if extra else [])


def _sides(group) -> tuple[list[str], list[str]]:
    return (group[0], group[1]) if isinstance(group[0], list) else (group, group)


def expand(query_folded: str, groups: list, limit: int = 6) -> list[tuple[str, str, str, str]]:
    """Variants of a folded query: (text before, word put in, text after, word replaced), at most ``limit``.
    The browser's ``synonymVariants`` does the same; a test runs both on the same queries."""
    out = []
    for group in groups:
        left, right = _sides(group)
        found = max((w for w in left if w in query_folded), key=len, default=None)
        if found is None:
            continue
        at = query_folded.index(found)
        for word in right:
            if word != found and word not in query_folded and len(out) < limit:
                out.append((query_folded[:at], word, query_folded[at + len(found):], found))
    return out
