"""The one decoder for every input file (documents, catalog, report data): UTF-8 or an error naming the file.

A file in another encoding is an error, never read with a guessed encoding: a wrong guess would publish
mojibake under a government's name, and the fix (save as UTF-8) takes an editor a minute. The message says which
encoding the file looks like, where the first byte that is not UTF-8 is, and how to re-save it.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from .errors import InputError, Problem

# Chinese characters (with the GB18030-only extensions), CJK punctuation and full-width forms.
CJK_RE = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")
SAVE_AS_UTF8 = "用记事本或 VS Code 打开该文件，“另存为”（VS Code：右下角点编码 →“通过编码保存”）时把编码选为 UTF-8"
SAVE_GBK_AS_UTF8 = ("用记事本打开该文件，“另存为”时把“编码”选为 UTF-8 后保存；或在 VS Code 右下角点编码，"
                    "先“通过编码重新打开”选 GB18030，再“通过编码保存”选 UTF-8")
BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16（记事本中称“Unicode”）"), (codecs.BOM_UTF16_BE, "UTF-16 BE"))


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _is_gb18030(data: bytes) -> bool:
    """GBK and GB18030 text decodes as GB18030 and then holds Chinese characters."""
    try:
        return bool(CJK_RE.search(data.decode("gb18030")))
    except UnicodeDecodeError:
        return False


def _error(display: str, message: str, line: int | None, fix: str = SAVE_AS_UTF8) -> InputError:
    return InputError([Problem(display, message, line=line, fix=fix)])


def _gbk_error(display: str, where: str, line: int) -> InputError:
    return _error(display, "文件不是 UTF-8 编码，看起来是 GB18030/GBK（简体中文 Windows 的默认编码，记事本中称“ANSI”）；"
                           + where, line, SAVE_GBK_AS_UTF8)


def decode(data: bytes, display: str) -> str:
    """UTF-8 (a BOM is allowed and dropped) with newlines normalised as in text mode; else an InputError."""
    for bom, name in BOMS:
        if data.startswith(bom):
            raise _error(display, f"文件不是 UTF-8 编码，而是 {name}", 1)
    if b"\x00" in data:
        # UTF-16 without a BOM has a zero byte beside every ASCII character; UTF-8 text has none at all.
        if data.count(b"\x00") * 4 > len(data):
            raise _error(display, "文件不是 UTF-8 编码，看起来是没有 BOM 的 UTF-16", 1)
        offset = data.index(b"\x00")
        raise _error(display, "文件中有空字节（0x00），不是文本文件或已损坏", _line_at(data, offset),
                     "用文本编辑器检查该行并删除不可见的字符；从其他软件导出的文件请重新导出为 UTF-8 文本")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        where = f"第一个无法按 UTF-8 读取的字节（0x{data[exc.start]:02X}）在第 {line} 行"
        if _is_gb18030(data):
            raise _gbk_error(display, where, line) from None
        raise _error(display, f"文件不是 UTF-8 编码；{where}", line) from None
    if not text.isascii() and not CJK_RE.search(text) and _is_gb18030(data):
        # A short GBK text can happen to be valid UTF-8 ("通知" is), read as accents and Hebrew. Every real input
        # here has Chinese keys or text, so non-ASCII text without any Chinese that is Chinese in GBK is GBK.
        offset = next(i for i, byte in enumerate(data) if byte >= 0x80)
        line = _line_at(data, offset)
        raise _gbk_error(display, f"按 UTF-8 读出的不是中文，按 GBK 读是中文（第 {line} 行起）", line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str | Path, display: str | None = None) -> str:
    """Read an input file as UTF-8 text; an unreadable or non-UTF-8 file is an InputError naming it."""
    display = display or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(display, f"无法读取文件：{exc.strerror or exc}",
                                  fix="确认文件存在且可读")]) from None
    return decode(data, display)


class RealPaths:
    """``os.path.realpath`` that resolves each folder once: a site's thousands of files live in a few hundred
    folders, and resolving every component of every path again was most of the time of the checks that need it
    (symlinks out of docs_dir, files scanned once)."""

    def __init__(self):
        self._folders: dict[str, str] = {}
        self._files: dict[str, str] = {}  # each path once: a check may ask again of a file it resolved

    def __call__(self, path) -> str:
        absolute = os.path.abspath(path)
        found = self._files.get(absolute)
        if found is not None:
            return found
        folder, name = os.path.split(absolute)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        candidate = os.path.join(real, name)
        found = self._files[absolute] = os.path.realpath(candidate) if os.path.islink(candidate) else candidate
        return found


def site_root(config) -> Path:
    """The folder of the site's mkdocs.yml, absolute: every message names a file relative to it. MkDocs keeps
    ``config_file_path`` as given on the command line (``-f mkdocs.yml``), while ``docs_dir`` is absolute."""
    return Path(os.path.abspath(config.config_file_path)).parent
