"""End to end, the facets: select several values, exclude one, "Only stories about them" and "Show all", on the
Procfile's gunicorn in headless Chromium, once with JavaScript and once without.

The server lists three values per facet (``NEWS_SEARCH_FACET_LIMIT=3``) so the eight web test stories have
more values than the sidebar shows. Skipped only when Chromium or chromedriver is missing on a developer
machine; in CI (``CI=true``) a missing browser is a failure. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from browsers import IN_CI, installed
from support import ROOT

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.slow

if not installed() and not IN_CI:
    pytest.skip(
        "Chromium or chromedriver is not installed (apt install chromium chromium-driver); this test never skips in CI",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(web_index_dir: Path, procfile_server) -> Iterator[str]:
    """gunicorn as the Procfile runs it (three values per facet), serving the web test index."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWS_SEARCH_FACET_LIMIT", "3")
        base_url, log = procfile_server(web_index_dir)
    yield base_url
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


# -- what the page shows ----------------------------------------------------------------------------


def wait_for(driver: webdriver.Chrome, condition, seconds: float = 10):
    return WebDriverWait(driver, seconds).until(condition)


def query(driver: webdriver.Chrome) -> list[tuple[str, str]]:
    """The current URL's query arguments, in order."""
    return parse_qsl(urlsplit(driver.current_url).query)


def path(driver: webdriver.Chrome) -> str:
    return urlsplit(driver.current_url).path


def heading(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.ID, "results-heading").text


def hit_ids(driver: webdriver.Chrome) -> set[str]:
    links = driver.find_elements(By.CSS_SELECTOR, ".hits .hit-title a")
    return {link.get_attribute("href").rsplit("/article/", 1)[1] for link in links}


def active_chips(driver: webdriver.Chrome) -> list[str]:
    return [" ".join(c.text.split()) for c in driver.find_elements(By.CSS_SELECTOR, ".active-filters .chip")]


def row(driver: webdriver.Chrome, facet: str, value: str, within: str | None = None) -> WebElement:
    """The <li> of ``value`` in facet ``facet``'s list (or the list with id ``within``)."""
    list_id = within or f"facet-{facet}-values"
    return driver.find_element(
        By.XPATH,
        f"//ul[@id='{list_id}']/li[contains(@class, 'facet-value')][.//span[@class='value' and text()='{value}']]",
    )


def state(item: WebElement) -> str:
    classes = item.get_attribute("class").split()
    return "selected" if "selected" in classes else "excluded" if "excluded" in classes else ""


def listed(driver: webdriver.Chrome, list_id: str) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, f"#{list_id} .facet-value .value")]


def box_mark(driver: webdriver.Chrome, item: WebElement) -> str:
    """What the box before a value shows (CSS ``::before``): a check mark, a cross or nothing."""
    link = item.find_element(By.CSS_SELECTOR, "a.toggle")
    return driver.execute_script("return getComputedStyle(arguments[0], '::before').content;", link)


def follow(driver: webdriver.Chrome, element: WebElement, url_part: str) -> None:
    before = driver.current_url
    element.click()
    wait_for(driver, lambda d: d.current_url != before and url_part in d.current_url)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def screenshot(driver: webdriver.Chrome, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.get_window_size()
    if full_page:
        height = driver.find_element(By.TAG_NAME, "body").size["height"]
        driver.set_window_size(size["width"], min(max(height + 40, size["height"]), 4000))
    driver.save_screenshot(str(ARTIFACTS / name))
    driver.set_window_size(size["width"], size["height"])


# -- with JavaScript --------------------------------------------------------------------------------


def test_select_exclude_about_and_show_all(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    assert heading(browser).startswith("8 articles")
    assert "js" in browser.find_element(By.TAG_NAME, "html").get_attribute("class").split()

    # two values of one facet: OR-ed, both marked, counts disjunctive
    follow(browser, row(browser, "country", "United States").find_element(By.CSS_SELECTOR, "a.toggle"), "country=")
    assert query(browser) == [("country", "United States")]
    assert heading(browser).startswith("5 articles")
    follow(browser, row(browser, "country", "Saudi Arabia").find_element(By.CSS_SELECTOR, "a.toggle"), "Saudi")
    assert query(browser) == [("country", "United States"), ("country", "Saudi Arabia")]
    assert heading(browser).startswith("6 articles")
    assert hit_ids(browser) == {"fed-1", "baker-1", "japan-1", "dollar-1", "formula-1", "opec-1"}
    assert active_chips(browser) == ["Country: United States ×", "Country: Saudi Arabia ×"]
    us, saudi = row(browser, "country", "United States"), row(browser, "country", "Saudi Arabia")
    assert (state(us), state(saudi)) == ("selected", "selected")
    assert us.find_element(By.CSS_SELECTOR, "a.toggle").get_attribute("aria-current") == "true"
    assert "✓" in box_mark(browser, us) and "✓" not in box_mark(browser, row(browser, "country", "Japan"))
    count = us.find_element(By.CSS_SELECTOR, ".count [aria-hidden]").text
    assert count == "5"  # the countries' own selection does not narrow their counts
    screenshot(browser, "e2e-facets-selected.png")

    # exclude a value of another facet
    volcker = row(browser, "person", "Paul Volcker").find_element(By.CSS_SELECTOR, "a.exclude")
    assert volcker.get_attribute("aria-label") == "Exclude Paul Volcker"
    follow(browser, volcker, "not_person=")
    assert query(browser)[-1] == ("not_person", "Paul Volcker")
    assert heading(browser).startswith("4 articles")
    assert hit_ids(browser) == {"baker-1", "japan-1", "formula-1", "opec-1"}
    assert active_chips(browser)[-1] == "Not person: Paul Volcker ×"
    excluded = row(browser, "person", "Paul Volcker")
    assert state(excluded) == "excluded" and "✕" in box_mark(browser, excluded)
    value = excluded.find_element(By.CSS_SELECTOR, ".value")
    assert "line-through" in value.value_of_css_property("text-decoration")
    assert excluded.find_elements(By.CSS_SELECTOR, "a.exclude") == []
    screenshot(browser, "e2e-facets-excluded.png")

    # "Only stories about them" applies at once (no Apply button with JavaScript)
    switch = browser.find_element(By.ID, "mentions-about")
    assert switch.get_attribute("role") == "switch" and not switch.is_selected()
    assert not browser.find_element(By.CSS_SELECTOR, ".mentions-switch button").is_displayed()
    follow(browser, browser.find_element(By.CSS_SELECTOR, "label[for='mentions-about']"), "mentions=about")
    assert sorted(query(browser)) == sorted(
        [
            ("country", "United States"),
            ("country", "Saudi Arabia"),
            ("not_person", "Paul Volcker"),
            ("mentions", "about"),
        ]
    )
    assert heading(browser).startswith("3 articles")
    assert hit_ids(browser) == {"japan-1", "formula-1", "opec-1"}  # baker-1 names the United States in passing
    assert browser.find_element(By.ID, "mentions-about").is_selected()
    assert active_chips(browser)[0] == "Only stories about them ×"
    screenshot(browser, "e2e-facets-about.png")

    # the filter box fetches values as you type, with their exclude links, and keeps "Show all" in step
    box = browser.find_element(By.ID, "country-prefix")
    box.send_keys("w")
    wait_for(browser, lambda d: listed(d, "facet-country-values") == ["West Germany"])
    assert not browser.find_element(By.ID, "facet-country-all").is_displayed()
    germany = row(browser, "country", "West Germany").find_element(By.CSS_SELECTOR, "a.exclude")
    assert germany.get_attribute("aria-label") == "Exclude West Germany"
    assert dict(parse_qsl(urlsplit(germany.get_attribute("href")).query, keep_blank_values=True)) == {
        "country": "Saudi Arabia",
        "not_person": "Paul Volcker",
        "mentions": "about",
        "not_country": "West Germany",
    }
    box.send_keys(Keys.BACKSPACE)  # an empty box brings back the list as the page came
    wait_for(browser, lambda d: listed(d, "facet-country-values") == ["Japan", "United States", "Saudi Arabia"])
    show_all = browser.find_element(By.CSS_SELECTOR, "#facet-country-all a")
    assert show_all.is_displayed()
    assert show_all.text == "Show all 5 countries"  # within these results, the countries' selection aside

    # "Show all": the full list for this search, each value a link back to the results
    follow(browser, show_all, "/facets/country")
    assert path(browser) == "/facets/country"
    assert browser.find_element(By.ID, "facet-page-heading").text == "All countries"
    assert browser.find_element(By.ID, "facet-page-summary").text.startswith(
        "5 countries, counting only the stories about them"
    )
    assert sorted(listed(browser, "facet-page-values")) == [
        "Japan",
        "Saudi Arabia",
        "United States",
        "Utopia",
        "West Germany",
    ]
    assert state(row(browser, "country", "Saudi Arabia", within="facet-page-values")) == "selected"
    screenshot(browser, "e2e-facets-show-all.png")
    prefix = browser.find_element(By.ID, "facet-page-prefix")
    prefix.send_keys("w", Keys.RETURN)
    wait_for(browser, lambda d: ("prefix", "w") in query(d))
    assert listed(browser, "facet-page-values") == ["West Germany"]
    germany = row(browser, "country", "West Germany", within="facet-page-values")
    follow(browser, germany.find_element(By.CSS_SELECTOR, "a.toggle"), "West+Germany")
    assert path(browser) == "/"
    assert ("country", "West Germany") in query(browser) and ("mentions", "about") in query(browser)
    assert heading(browser).startswith("4 articles")
    assert hit_ids(browser) == {"japan-1", "formula-1", "opec-1", "buba-1"}

    # removing chips one by one, then everything
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".active-filters .chip-mentions"), "/")
    assert ("mentions", "about") not in query(browser)
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".active-filters .clear-all"), "/")
    assert query(browser) == [] and heading(browser).startswith("8 articles")


def test_facets_on_a_phone(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(server + "/?country=United+States&country=Saudi+Arabia&not_person=Paul+Volcker&mentions=about")
        refine = browser.find_element(By.CSS_SELECTOR, "details.refine")
        refine.find_element(By.TAG_NAME, "summary").click()
        assert browser.find_element(By.ID, "mentions-about").is_displayed()
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        exclude = row(browser, "country", "Japan").find_element(By.CSS_SELECTOR, "a.exclude")
        assert exclude.size["width"] >= 24 and exclude.size["height"] >= 24  # a finger can hit it
        screenshot(browser, "e2e-facets-phone.png")
        browser.get(server + "/facets/person?q=interest")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        screenshot(browser, "e2e-facets-show-all-phone.png")
    finally:
        browser.set_window_size(1280, 1000)


# -- without JavaScript -----------------------------------------------------------------------------


def test_everything_works_without_javascript(server: str, browser_without_js: webdriver.Chrome) -> None:
    browser = browser_without_js
    browser.get(server + "/?q=interest")
    assert heading(browser).startswith("6 articles")
    assert "js" not in (browser.find_element(By.TAG_NAME, "html").get_attribute("class") or "").split()
    apply = browser.find_element(By.CSS_SELECTOR, ".mentions-switch button")
    assert apply.is_displayed() and apply.text == "Apply"  # hidden only when app.js runs

    follow(browser, row(browser, "person", "James Baker").find_element(By.CSS_SELECTOR, "a.toggle"), "person=")
    assert query(browser) == [("q", "interest"), ("person", "James Baker")]
    assert hit_ids(browser) == {"baker-1", "dollar-1"}

    follow(browser, row(browser, "country", "Japan").find_element(By.CSS_SELECTOR, "a.exclude"), "not_country=")
    assert query(browser)[-1] == ("not_country", "Japan")
    assert hit_ids(browser) == {"dollar-1"}
    assert active_chips(browser) == ["Person: James Baker ×", "Not country: Japan ×"]

    browser.find_element(By.CSS_SELECTOR, "label[for='mentions-about']").click()  # the checkbox, then Apply
    assert "mentions=" not in browser.current_url
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".mentions-switch button"), "mentions=about")
    assert sorted(query(browser)) == sorted(
        [("q", "interest"), ("person", "James Baker"), ("not_country", "Japan"), ("mentions", "about")]
    )
    assert hit_ids(browser) == {"dollar-1"}
    assert active_chips(browser)[0] == "Only stories about them ×"
    screenshot(browser, "e2e-facets-nojs-about.png")

    show_all = browser.find_element(By.CSS_SELECTOR, "#facet-person-all a")
    assert show_all.text == "Show all 5 people"
    follow(browser, show_all, "/facets/person")
    assert sorted(listed(browser, "facet-page-values")) == [
        "<img src=x onerror=alert(2)> Evil",
        "@Mallory",
        "James Baker",
        "Karl Otto Poehl",
        "Paul Volcker",
    ]
    assert state(row(browser, "person", "James Baker", within="facet-page-values")) == "selected"
    browser.find_element(By.ID, "facet-page-prefix").send_keys("k")
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".facet-page-filter button"), "prefix=k")
    assert listed(browser, "facet-page-values") == ["Karl Otto Poehl"]
    screenshot(browser, "e2e-facets-nojs-show-all.png")
    poehl = row(browser, "person", "Karl Otto Poehl", within="facet-page-values").find_element(
        By.CSS_SELECTOR, "a.exclude"
    )
    follow(browser, poehl, "not_person=")
    assert path(browser) == "/"
    assert ("not_person", "Karl Otto Poehl") in query(browser) and ("mentions", "about") in query(browser)
    assert "Not person: Karl Otto Poehl ×" in active_chips(browser)

    follow(browser, browser.find_element(By.CSS_SELECTOR, ".active-filters .clear-all"), "q=interest")
    assert query(browser) == [("q", "interest")]
    assert heading(browser).startswith("6 articles")
