"""End to end: the Procfile's gunicorn serving a real index, driven by headless Chromium through Selenium.

Skipped only when Chromium or chromedriver is missing on a developer machine; in CI (``CI=true``) a missing
browser is a failure. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from browsers import IN_CI, chromium, installed
from support import ROOT

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.slow

if not installed() and not IN_CI:
    pytest.skip(
        "Chromium or chromedriver is not installed (apt install chromium chromium-driver); this test never skips in CI",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from support import ROOT  # noqa: E402


@pytest.fixture(scope="module")
def server(web_index_dir: Path, procfile_server) -> Iterator[str]:
    """gunicorn as the Procfile runs it, serving the web test index; its log must stay clean."""
    base_url, log = procfile_server(web_index_dir)
    yield base_url
    text = log.read_text(errors="replace")
    assert text.count("Booting worker") >= 2, text  # the Procfile's default of two workers
    assert "Traceback" not in text, text


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), console_log=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: webdriver.Chrome, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def hit_ids(driver: webdriver.Chrome) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, ".hits .hit-title a")
    return [link.get_attribute("href").rsplit("/article/", 1)[1] for link in links]


def assert_no_dialog(driver: webdriver.Chrome) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran and opened a dialog: {text!r}")


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def test_search_filter_and_read(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("interest rates", Keys.RETURN)
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "results-heading"), "for “interest rates”"))
    before = hit_ids(browser)
    assert len(before) == 6
    assert browser.find_element(By.ID, "q").get_attribute("value") == "interest rates"

    browser.find_element(
        By.XPATH, "//ul[@id='facet-person-values']//a[.//span[@class='value' and text()='Paul Volcker']]"
    ).click()
    wait(browser).until(EC.url_contains("person=Paul+Volcker"))
    after = hit_ids(browser)
    assert set(after) == {"fed-1", "dollar-1"} and len(after) < len(before)
    chip = browser.find_element(By.CSS_SELECTOR, ".active-filters a.chip-person")
    assert "Paul Volcker" in chip.text
    screenshot(browser, "e2e-search.png")

    # "/" focuses the search box (app.js)
    browser.find_element(By.TAG_NAME, "body").click()
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "q"

    # facet values searched as you type, through /api/facets (no page load)
    marker = browser.execute_script("window.__same_page = true; return window.__same_page;")
    assert marker is True
    browser.find_element(By.ID, "country-prefix").send_keys("unit")
    wait(browser).until(
        lambda d: (
            [e.text for e in d.find_elements(By.CSS_SELECTOR, "#facet-country-values .value")] == ["United States"]
        )
    )
    assert browser.execute_script("return window.__same_page === true;")

    # removing the chip widens the results again
    browser.find_element(By.CSS_SELECTOR, ".active-filters a.chip-person").click()
    wait(browser).until(lambda d: "person=" not in d.current_url)
    assert len(hit_ids(browser)) == 6

    browser.find_element(By.CSS_SELECTOR, ".hits .hit-title a[href$='/article/fed-1']").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "article-title")))
    assert browser.find_element(By.ID, "article-title").text == "Volcker says Fed will hold interest rates"
    mention = browser.find_element(By.CSS_SELECTOR, ".article-body a.mention-person")
    assert mention.text == "Paul Volcker"
    assert browser.find_elements(By.CSS_SELECTOR, ".related li a")
    screenshot(browser, "e2e-article.png")
    assert_no_dialog(browser)


def test_markup_in_articles_never_runs(server: str, browser: webdriver.Chrome) -> None:
    for path in (
        "/?q=markup",
        "/?q=markup&person=%3Cimg+src%3Dx+onerror%3Dalert(2)%3E+Evil",
        "/article/xss-1",
        "/?org_prefix=%22%3E",
    ):
        browser.get(server + path)
        time.sleep(0.3)  # an injected onerror handler would have fired by now
        assert_no_dialog(browser)
        scripts = browser.execute_script(
            "return Array.from(document.scripts).map(function (s) { return s.getAttribute('src'); });"
        )
        assert [src.split("?v=")[0] for src in scripts] == ["/static/app.js"], path  # fingerprinted
        assert browser.find_elements(By.CSS_SELECTOR, "img") == [], path
        assert (
            browser.execute_script(
                "return Array.from(document.querySelectorAll('*')).filter(function (e) {"
                "  return Array.from(e.attributes).some(function (a) { return a.name.startsWith('on'); }); }).length;"
            )
            == 0
        ), path
    browser.get(server + "/article/xss-1")
    title = browser.find_element(By.ID, "article-title").text
    assert title == "<script>alert('title')</script> Tom & Jerry &amp; \"quotes\""
    assert browser.find_elements(By.CSS_SELECTOR, "a.original") == []
    assert browser.find_element(By.CSS_SELECTOR, ".article-meta .url").text == "javascript:alert(document.cookie)"
    screenshot(browser, "e2e-xss-article.png")


def test_phone_width_layout(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(server + "/?q=interest+rates")
        refine = browser.find_element(By.CSS_SELECTOR, "details.refine")
        assert refine.get_attribute("open") is None  # folded on phones, results first
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        screenshot(browser, "e2e-phone.png")
        refine.find_element(By.TAG_NAME, "summary").click()
        assert browser.find_element(By.ID, "facet-person-heading").is_displayed()
    finally:
        browser.set_window_size(1280, 1000)
