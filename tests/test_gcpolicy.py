"""gongkai/gcpolicy.py: fewer collections during a build, the interpreter's setting back after it."""

import gc

import pytest

from gongkai import gcpolicy


@pytest.fixture(autouse=True)
def no_build_running():
    """Tests share their process (pytest-xdist): one that ran the core's on_config without a build's end (a tool
    that only loads the model) has left a build begun."""
    gcpolicy.end_build()
    yield
    gcpolicy.end_build()


def test_threshold_raised_during_a_build_and_restored():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        gcpolicy.begin_build()
        assert gc.get_threshold() == (gcpolicy.BUILD_THRESHOLD, 10, 10)
        gcpolicy.begin_build()  # a second start (mkdocs serve's next build) keeps the saved setting
        gcpolicy.end_build()
        assert gc.get_threshold() == (700, 10, 10)
        gcpolicy.end_build()  # ending twice (an error after the end) changes nothing
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_collection_turned_off_stays_off():
    before = gc.get_threshold()
    try:
        gc.set_threshold(0)
        gcpolicy.begin_build()
        assert gc.get_threshold()[0] == 0
        gcpolicy.end_build()
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_leaving_freezes_what_the_build_kept_and_the_next_build_gives_it_back():
    try:
        kept = [[i] for i in range(1000)]  # container objects the collector tracks
        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        gcpolicy.leaving()
        assert gc.get_freeze_count() >= len(kept)  # the shutdown's collection will not walk them
        gcpolicy.begin_build()  # a later build in the same process: collected as before
        assert gc.get_freeze_count() == 0
        gcpolicy.end_build()
    finally:
        gc.unfreeze()


def test_the_cores_on_shutdown_is_leaving():
    from gongkai.plugins.catalog.plugin import CatalogPlugin

    try:
        gc.unfreeze()
        before = gc.get_threshold()
        CatalogPlugin().on_shutdown()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()
