"""The "model ready" stage: every document loaded, registered and linked, before any page, form, feed or scan.

A build's ``on_files`` handlers fall on either side of ``MODEL_READY`` (the core's late ``on_files`` priority,
docs/architecture.md). Those above it build the model: the core loads the catalog's documents (50), feature plugins
register theirs (年报, 0), link them (解读 ↔ 原文, 征集 ↔ 反馈, −10) and read their own data (报表, 声明, −20).
At ``MODEL_READY`` the core completes it (``complete``: every 依据 resolved, 历史版本 matched, column lists
frozen) and then makes the output from it: section pages and the 申请表 DOCX forms (−50), the checks' scans (−60),
feeds (−70).

An editor tool needs only the model (``gongkai new``, ``gongkai report-prefill``): ``load`` runs a site's plugins
to this stage and stops, so the documents are read by the very loaders the build uses (front matter parsed once,
no second parser) and nothing is generated, scanned or written.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from gongkai import validity, versions
from gongkai.errors import Problems
from gongkai.stages import OnFiles

MODEL_READY = OnFiles.GENERATE  # handlers above it build the model, it and those below make output


def complete(index, version_files: dict[str, tuple[str, str]], as_of, problems: Problems,
             sorters: dict) -> dict[str, versions.VersionPage]:
    """The core's last step of the model, once every plugin has registered and linked its documents: 依据 joined
    (有效性 on ``as_of``), each 历史版本 matched with its file (returned: src → VersionPage), the per-column lists
    and prev/next (``DocumentIndex.freeze``)."""
    validity.resolve(index.documents, as_of, problems)
    pages = versions.attach(index.documents, version_files, as_of, problems)
    index.freeze(sorters)
    return pages


class LoadError(Exception):
    """The site's configuration cannot be loaded; the message says why, in Chinese."""


def load(config_file: str | Path, *, model_only: bool = True):
    """(MkDocs config, files, the core plugin) of a site whose plugins ran ``on_config`` and ``on_files`` up to the
    model-ready stage, then the core's ``complete_model``. ``model_only=False`` runs every ``on_files`` handler,
    generated pages, forms, scans and feeds included (what a build does before it renders pages).

    Errors in the site's files do not stop the load (``raise_on_errors`` off, MkDocs' own messages silenced): the
    caller reads ``core.problems``. Nothing is written: no staging folder and no build cache outside ``build``.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.structure.files import get_files

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.CRITICAL)  # the site's own problems are summed up by the caller
    try:
        config = load_config(config_file=str(config_file))
        config["strict"] = False  # count what can be counted even when some file has an error
        core = config.plugins.get("gongkai/catalog")
        if core is None or not core.config.enabled:
            raise LoadError(f"{config_file}: 没有启用 gongkai/catalog 插件")
        core.raise_on_errors = False  # a broken file must not stop an editor tool from reading the others
        config = config.plugins.on_config(config)
        files = get_files(config)
        for handler in config.plugins.events["files"]:  # highest priority first, as MkDocs runs them
            if model_only and getattr(handler, "mkdocs_priority", 0) <= MODEL_READY:
                break
            files = handler(files, config=config) or files
        if model_only and core.active:
            core.complete_model()
    except MkDocsException as exc:
        raise LoadError(f"网站无法加载：{exc}") from None
    finally:
        mkdocs_log.setLevel(level)
    return config, files, core
