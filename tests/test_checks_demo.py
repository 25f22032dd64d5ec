"""The checks on the demo site, as of a fixed date: no personal information and no broken link in 320 documents
and their attachments (a guard against false positives on real-looking content)."""

from __future__ import annotations

import pytest
import json
import os
import subprocess
import sys

from conftest import ROOT

pytestmark = pytest.mark.build


def test_demo_has_no_personal_information_and_no_broken_links(tmp_path):
    out = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(ROOT / "mkdocs.yml"), "--as-of",
                    "2026-11-23", "--json", str(out)], capture_output=True, text=True, cwd=ROOT,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    data = json.loads(out.read_text(encoding="utf-8"))
    bad = [f for f in data["findings"] if f["check"] in ("pii", "links", "build", "input", "deadline")
           and f["severity"] != "info"]
    assert bad == []
    assert data["summary"]["error"] == len([f for f in data["findings"]
                                            if f["check"] == "blank" and f["severity"] == "error"])
