"""End to end in headless Chromium on the Procfile's gunicorn (web test index): the timeline (labelled, counts
printed, bars a finger can hit, intervals, shares, dragging across bars, links without JavaScript), a comparison,
an entity page, the feed and exports of a search, an article read from the results, error pages that keep the
search; and axe-core (from npm) finds no accessibility violation on any of these pages.

Skipped only when Chromium, chromedriver or npm is missing on a developer machine; in CI (``CI=true``) that is a
failure. Screenshots go to ``test-artifacts/``; axe-core is installed once into ``.pytest_cache/axe-core``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from browsers import IN_CI, installed
from support import ROOT

ARTIFACTS = ROOT / "test-artifacts"
NPM = shutil.which("npm")
AXE_VERSION = "4.14"  # axe-core's minor line: its rules change between minors
AXE_DIR = ROOT / ".pytest_cache" / "axe-core"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.slow

if not (installed() and (NPM or AXE_JS.exists())) and not IN_CI:
    pytest.skip(
        "Chromium, chromedriver or npm is not installed (apt install chromium chromium-driver npm); "
        "this test never skips in CI",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(web_index_dir: Path, procfile_server) -> Iterator[str]:
    base_url, log = procfile_server(web_index_dir)
    yield base_url
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, installed from npm on first use."""
    if not AXE_JS.exists():
        assert NPM, "npm is needed to install axe-core"
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                NPM,
                "install",
                "--prefix",
                str(AXE_DIR),
                "--no-save",
                "--no-audit",
                "--no-fund",
                f"axe-core@~{AXE_VERSION}.0",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_JS.read_text(encoding="utf-8")


def wait_for(driver: webdriver.Chrome, condition, seconds: float = 10):
    return WebDriverWait(driver, seconds).until(condition)


def query(driver: webdriver.Chrome) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(driver.current_url).query))


def follow(driver: webdriver.Chrome, element) -> None:
    before = driver.current_url
    element.click()
    wait_for(driver, lambda d: d.current_url != before)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def screenshot(driver: webdriver.Chrome, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.get_window_size()
    if full_page:
        height = driver.find_element(By.TAG_NAME, "body").size["height"]
        driver.set_window_size(size["width"], min(max(height + 40, size["height"]), 4000))
    driver.save_screenshot(str(ARTIFACTS / name))
    driver.set_window_size(size["width"], size["height"])


def box(element) -> dict[str, float]:
    return element.parent.execute_script("return arguments[0].getBoundingClientRect().toJSON();", element)


# -- 1. the timeline -------------------------------------------------------------------------------------------


def test_timeline_is_readable_and_selects_dates(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=interest")
    chart = browser.find_element(By.CSS_SELECTOR, "figure.timeline svg.bar-chart")
    assert box(chart)["height"] >= 200  # was 72 px
    titles = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.axis-title")]
    assert titles == ["Stories", "Week starting"]
    ticks = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.tick") if t.text]
    assert "2 Feb" in ticks and "1987" in ticks and "0" in ticks
    bars = chart.find_elements(By.CSS_SELECTOR, "a.bar-link")
    values = [b.find_element(By.CSS_SELECTOR, "text.value").text for b in bars]
    assert values == ["1"] * 6  # every count printed, no hover needed
    assert all(box(b.find_element(By.CSS_SELECTOR, ".hit-area"))["width"] >= 24 for b in bars)
    screenshot(browser, "e2e-explore-timeline.png")

    # drag from the first bar to the third: the dates of the first's start to the third's end
    starts = [b.get_attribute("data-start") for b in bars]
    ActionChains(browser).click_and_hold(bars[0]).move_to_element(bars[1]).move_to_element(bars[2]).release().perform()
    wait_for(browser, lambda d: "from=" in d.current_url)
    assert query(browser) == {"q": "interest", "from": starts[0], "to": "1987-06-07"}
    assert browser.find_element(By.CSS_SELECTOR, ".active-filters .chip-date").is_displayed()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".hits .hit")) == 3

    # a click is still a link; intervals and shares are links too
    browser.get(server + "/?q=interest")
    follow(browser, browser.find_element(By.LINK_TEXT, "Month"))
    assert query(browser) == {"q": "interest", "interval": "month"}
    follow(browser, browser.find_element(By.LINK_TEXT, "Share of all stories"))
    assert query(browser) == {"q": "interest", "interval": "month", "normalize": "true"}
    labels = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart text.value")]
    assert labels and all(label.endswith("%") for label in labels)
    assert browser.find_element(By.CSS_SELECTOR, "svg.bar-chart text.axis-title").text == "Share of all stories"
    screenshot(browser, "e2e-explore-timeline-share.png")
    follow(browser, browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart a.bar-link")[0])
    assert query(browser) == {"q": "interest", "normalize": "true", "from": "1987-02-01", "to": "1987-02-28"}


def test_timeline_on_a_phone_scrolls_and_keeps_bars_tappable(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(server + "/?q=interest&interval=day")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        bar = browser.find_element(By.CSS_SELECTOR, "svg.bar-chart a.bar-link .hit-area")
        assert box(bar)["width"] >= 24
        scroller = browser.find_element(By.CSS_SELECTOR, ".chart-scroll")
        assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth;", scroller)
        screenshot(browser, "e2e-explore-timeline-phone.png", full_page=False)
    finally:
        browser.set_window_size(1280, 1000)


def test_timeline_works_without_javascript(server: str, browser_without_js: webdriver.Chrome) -> None:
    browser = browser_without_js
    browser.get(server + "/?q=interest")
    follow(browser, browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart a.bar-link")[1])
    assert query(browser) == {"q": "interest", "from": "1987-03-09", "to": "1987-03-15"}
    browser.find_element(By.ID, "date-from").send_keys("01011987")  # the From/To form stays
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".date-form button"))
    assert query(browser)["from"] == "1987-01-01"
    assert not browser.find_element(By.CSS_SELECTOR, "figcaption .js-only").is_displayed()


# -- 2. compare ------------------------------------------------------------------------------------------------


def test_compare_two_searches(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=volcker")
    follow(browser, browser.find_element(By.LINK_TEXT, "Compare over time"))
    assert browser.find_element(By.ID, "compare-q1").get_attribute("value") == "volcker"
    browser.find_element(By.ID, "compare-q2").send_keys("interest rates", Keys.RETURN)
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.line-chart polyline")) == 2)
    legend = [" ".join(li.text.split()) for li in browser.find_elements(By.CSS_SELECTOR, ".legend-list li")]
    assert legend == ["volcker 2 articles", "interest rates 6 articles"]
    rows = browser.find_elements(By.CSS_SELECTOR, ".counts-table tbody tr")
    assert rows[0].text.split()[-2:] == ["1", "1"]
    screenshot(browser, "e2e-explore-compare.png")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "svg.line-chart .series-2 a"))  # drawn on top
    assert query(browser) == {"q": "interest rates", "from": "1987-02-02", "to": "1987-02-08"}


# -- 3. entity pages -------------------------------------------------------------------------------------------


def test_entity_page_from_a_hit(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=interest")
    follow(
        browser, browser.find_element(By.CSS_SELECTOR, ".hits .chip-person .chip-name[href='/person/James%20Baker']")
    )
    assert browser.find_element(By.ID, "entity-heading").text == "James Baker"
    companions = browser.find_elements(By.CSS_SELECTOR, ".companion table tbody tr")
    assert any(row.text.startswith("Paul Volcker") and "×" in row.text for row in companions)
    assert browser.find_element(By.CSS_SELECTOR, "svg.bar-chart").is_displayed()
    screenshot(browser, "e2e-explore-entity.png")
    browser.find_element(By.ID, "within").send_keys("dollar", Keys.RETURN)
    wait_for(browser, lambda d: "q=dollar" in d.current_url)
    assert query(browser) == {"person": "James Baker", "q": "dollar"}
    assert len(browser.find_elements(By.CSS_SELECTOR, ".hits .hit")) == 2


# -- 4. feed and exports -------------------------------------------------------------------------------------


def test_feed_and_exports_are_on_the_page(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=interest&person=James+Baker")
    alternate = browser.find_element(By.CSS_SELECTOR, "link[rel=alternate][type='application/atom+xml']")
    assert alternate.get_attribute("href") == server + "/feed.atom?q=interest&person=James+Baker"
    for name in ("Atom feed", "CSV", "JSON Lines"):
        assert browser.find_element(By.LINK_TEXT, name).is_displayed()
    assert browser.find_element(By.LINK_TEXT, "CSV").get_attribute("href").endswith("format=csv")
    header = browser.find_element(By.CSS_SELECTOR, ".site-header")
    follow(browser, header.find_element(By.LINK_TEXT, "Search tips"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Search tips"


# -- 5. context ------------------------------------------------------------------------------------------------


def test_an_article_keeps_the_search(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=interest&per_page=2&page=2&sort=oldest")
    assert browser.find_element(By.ID, "results-heading").text == "3–4 of 6 articles for “interest”"
    follow(browser, browser.find_elements(By.CSS_SELECTOR, ".hits .hit-title a")[0])
    nav = browser.find_element(By.CSS_SELECTOR, "nav.read-from")
    assert "Result 3 of 6 for “interest”" in nav.text
    assert browser.find_element(By.ID, "q").get_attribute("value") == "interest"
    assert [m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, ".article-body mark")] == ["interest"]
    screenshot(browser, "e2e-explore-article.png")
    follow(browser, nav.find_element(By.CSS_SELECTOR, "a[rel=next]"))
    assert "Result 4 of 6" in browser.find_element(By.CSS_SELECTOR, "nav.read-from").text
    follow(browser, browser.find_element(By.CSS_SELECTOR, "nav.read-from a.back"))
    assert query(browser) == {"q": "interest", "sort": "oldest", "page": "2", "per_page": "2"}


def test_error_pages_keep_the_search_and_offer_the_fix(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/?q=interest&person=James+Baker")
    search = browser.find_element(By.ID, "q")
    search.clear()
    search.send_keys('"interest', Keys.RETURN)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice-error"))
    assert "Your search could not be read" in browser.find_element(By.TAG_NAME, "h1").text
    search = browser.find_element(By.ID, "q")
    search.clear()
    search.send_keys("interest", Keys.RETURN)  # corrected: the filter is still there
    wait_for(browser, lambda d: d.find_elements(By.ID, "results-heading"))
    assert query(browser) == {"q": "interest", "person": "James Baker"}

    browser.find_element(By.ID, "date-from").send_keys("06011987")  # a person's form, dates the wrong way round
    browser.find_element(By.ID, "date-to").send_keys("03011987")
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".date-form button"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "The dates are the wrong way round"
    screenshot(browser, "e2e-explore-error.png")
    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Search from 1987-03-01 to 1987-06-01"))
    assert query(browser) == {"q": "interest", "person": "James Baker", "from": "1987-03-01", "to": "1987-06-01"}


# -- 6. accessibility ------------------------------------------------------------------------------------------

AXE_PAGES = {
    "results": "/?q=interest&person=James+Baker",
    "results-shares": "/?q=interest&interval=day&normalize=true",
    "article": "/article/dollar-1?q=interest&country=United+States",
    "entity": "/person/Paul%20Volcker",
    "compare": "/compare?q=volcker&q=interest+rates&normalize=true",
    "error": "/?q=%22interest&person=James+Baker",
    "dates-error": "/?from=1987-06-01&to=1987-03-01",
    "not-found": "/article/no-such-story",
    "tips": "/help",
}


def test_axe_finds_no_violations(server: str, browser: webdriver.Chrome, axe_source: str) -> None:
    found = {}
    for name, path in AXE_PAGES.items():
        browser.get(server + path)
        browser.execute_script(axe_source)
        violations = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document).then(function (r) { done(r.violations.map(function (v) {"
            "  return {id: v.id, impact: v.impact, help: v.help,"
            "          nodes: v.nodes.map(function (n) { return n.target.join(' '); })}; })); })"
            ".catch(function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });"
        )
        if violations:
            found[name] = violations
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-violations.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    assert not found, json.dumps(found, indent=2)[:5000]
