"""Browsers for the end-to-end suites (``test_e2e_*``): one headless Chromium with JavaScript and one without,
per module. A suite that needs other options defines its own ``browser``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browsers import chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    driver = chromium(tmp_path_factory.mktemp("chromium-js"), javascript=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser_without_js(tmp_path_factory) -> Iterator:
    driver = chromium(tmp_path_factory.mktemp("chromium-nojs"), javascript=False)
    try:
        yield driver
    finally:
        driver.quit()
