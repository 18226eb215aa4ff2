"""Fixtures of the app's tests: the browser tests use ``browser_available``."""

import pytest

from tests.ui.browser import IN_CI, MISSING


@pytest.fixture
def browser_available():
    """Skip where the browser is missing; under CI (``EXPLAINER_NLG_CI=1``), fail instead: CI must
    look at the page."""
    if MISSING:
        if IN_CI:
            pytest.fail(f"The browser tests cannot run under CI: {MISSING}.", pytrace=False)
        pytest.skip(MISSING)
