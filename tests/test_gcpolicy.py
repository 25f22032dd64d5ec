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
