"""Helpers to make small throwaway sites from the mini fixture and build them."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import mkdocs_build

MINI = Path(__file__).parent / "fixtures" / "mini"


def copy_site(tmp_path: Path, fixture: Path) -> Path:
    """A writable copy of a fixture site."""
    root = tmp_path / "site-src"
    shutil.copytree(fixture, root)
    return root


def copy_mini(tmp_path: Path) -> Path:
    return copy_site(tmp_path, MINI)


def write_doc(root: Path, rel: str, front: str, body: str = "正文。\n") -> Path:
    path = root / "content" / "wj" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


def build(root: Path, strict: bool = True):
    return mkdocs_build(root / "mkdocs.yml", root / "site", strict=strict)


GOOD_FRONT = """title: 测试市教育局关于开展读书月活动的通知
栏目: [gfxwj]
发布机构: jyj
成文日期: 2025-06-02
发布日期: 2025-06-04
文号: 测教发〔2025〕11号
索引号: 999100002/2025-00020
主题分类: 科技、教育
"""
