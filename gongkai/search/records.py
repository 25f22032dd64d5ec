"""The search records of a build, kept in a file while the pages render instead of in the build's memory.

Every page gives the index one record (its text: a few KB) in ``on_page_content``, and the index is written
only after the last page (``on_post_build``). Held in a list, the records were the largest thing the build
process kept per page (100,000 records: ~250 MB with their objects), and the index's worker processes, forked
from the build to tokenize them, copied every memory page a record lay on as soon as they read it (copy on
write: a read changes an object's reference count) — ~6 KB a record, twice the records at two workers, the
largest part of the process tree's peak (docs/performance.md, "Memory").

``RecordSpill`` writes each record as a JSON array — the bytes ``record_digest`` hashes, so the digest
costs no second encoding — to a file of its own, and keeps per record only its place in the file, its date,
its URL (the page's own string) and its digest. ``ordered()`` gives the records in the index's id order as a
``StoredRecords``: ``records[i]`` reads record ``i`` back from the file (``os.pread``, so a worker process reads
its share without touching the build's objects); ``url(i)``, ``published(i)`` and ``digest(i)`` answer from
memory. The file is deleted when the index is written, or the build fails (``close``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import weakref
from array import array
from dataclasses import fields

from .index import Record, file_digest, record_line

_FIELDS = [f.name for f in fields(Record)]
_PUBLISHED = _FIELDS.index("published")
_DIGEST = len(file_digest(b"")) // 2  # bytes of a record's digest (index.file_digest, kept as bytes)


def decode_record(line: bytes) -> Record:
    """The ``Record`` of its ``record_line`` bytes."""
    values = json.loads(line.decode("utf-8", "surrogatepass"))
    if values[_PUBLISHED] is not None:
        values[_PUBLISHED] = dt.date.fromisoformat(values[_PUBLISHED])
    return Record(**dict(zip(_FIELDS, values)))


class RecordSpill:
    """The records of one build, appended as pages render, in a file below ``directory`` (the build cache's
    folder, or the system's temporary folder when the cache is off)."""

    def __init__(self, directory: str | os.PathLike | None = None):
        try:
            self._directory = tempfile.mkdtemp(prefix=".search-records-", dir=directory)
        except OSError:  # the cache folder cannot be written to: the records go to the system's temporary folder
            self._directory = tempfile.mkdtemp(prefix=".search-records-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._directory, True)
        self._file = open(os.path.join(self._directory, "records.json"), "w+b")
        self._end = 0
        self.offsets = array("Q")
        self.lengths = array("L")
        self.days = array("l")  # 发布日期 as an ordinal, 0 for a page without one (first in the id order)
        self.urls: list[str] = []
        self.digests = bytearray()

    def __len__(self) -> int:
        return len(self.offsets)

    def append(self, rec: Record, line: bytes | None = None) -> str:
        """The record (``line``: its ``record_line``, if made already); returns its digest."""
        line = record_line(rec) if line is None else line
        if type(rec.published) is not dt.date and rec.published is not None:
            raise TypeError(f"发布日期应为日期：{rec.published!r}（{rec.url}）")
        self._file.write(line)
        self.offsets.append(self._end)
        self.lengths.append(len(line))
        self._end += len(line)
        self.days.append(rec.published.toordinal() if rec.published else 0)
        self.urls.append(rec.url)
        found = file_digest(line)  # record_digest's, without a second encoding
        self.digests += bytes.fromhex(found)
        return found

    def ordered(self) -> "StoredRecords":
        """The records oldest first (发布日期, then url: the index's id order, ``index._id_order``)."""
        self._file.flush()
        days, urls = self.days, self.urls
        order = sorted(range(len(urls)), key=lambda i: (days[i], urls[i]))
        return StoredRecords(self, order)

    def read(self, i: int) -> Record:
        """Record ``i`` in the order appended."""
        return decode_record(os.pread(self._file.fileno(), self.lengths[i], self.offsets[i]))

    def close(self) -> None:
        """The file is deleted; the spill is empty."""
        if not self._file.closed:
            self._file.close()
        self._cleanup()
        self.offsets, self.lengths, self.days, self.urls, self.digests = (
            array("Q"), array("L"), array("l"), [], bytearray())


class StoredRecords:
    """The records of a spill in id order, read back one at a time. Only arrays are read to find a record, so a
    forked worker that reads its share copies none of the build's memory."""

    def __init__(self, spill: RecordSpill, order: list[int]):
        self._spill = spill
        self._order = array("L", order)

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, i: int) -> Record:
        return self._spill.read(self._order[i])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def url(self, i: int) -> str:
        return self._spill.urls[self._order[i]]

    def published(self, i: int) -> dt.date | None:
        day = self._spill.days[self._order[i]]
        return dt.date.fromordinal(day) if day else None

    def digest(self, i: int) -> str:
        j = self._order[i] * _DIGEST
        return self._spill.digests[j:j + _DIGEST].hex()
