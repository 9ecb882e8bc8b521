"""Browsers for the end-to-end suites (``test_e2e_*``): one headless Chromium with JavaScript and one without,
per module. A suite that needs other options defines its own ``browser``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browsers import chromium


def _chromium(tmp_path_factory, javascript: bool) -> Iterator:
    driver = chromium(tmp_path_factory.mktemp("chromium-js" if javascript else "chromium-nojs"), javascript=javascript)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    yield from _chromium(tmp_path_factory, javascript=True)


@pytest.fixture(scope="module")
def browser_without_js(tmp_path_factory) -> Iterator:
    yield from _chromium(tmp_path_factory, javascript=False)
