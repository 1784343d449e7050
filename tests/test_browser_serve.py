"""The web app in headless Chromium: pages load clean, hostile text stays inert, the opt-in prompt
remembers "No thanks"."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from test_serve_support import hostile_article, live_server, plain_article, write_articles
from wirewatch.serve import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TOKEN = "browser-token"
SHOTS = Path(os.environ.get("WIREWATCH_SCREENSHOTS", tempfile.gettempdir())) / "wirewatch-screens"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                       reason="headless Chromium (Debian chromium + chromium-driver) is not installed"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "b.duckdb"
    plains = [plain_article(i, day=i) for i in range(1, 4)]
    for a in plains:  # placed in a real country (Chad), so the situation map shades a country shape
        a.places[0].country = "TD"
    write_articles(db, [hostile_article(), *plains])
    app = create_app(db, token=TOKEN, deliver=False)
    with live_server(app) as base:
        with httpx.Client(base_url=base) as c:
            r = c.post("/api/watches", json={"query": "Korvana"}, headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code in (201, 503)
        yield base


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                # the network is cut off: no host name resolves but the test server's address, so any
                # page that needs a CDN (or anything else outside) fails visibly
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(drv) -> list[dict]:
    return [e for e in drv.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def assert_no_alert(drv) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        drv.switch_to.alert.text  # noqa: B018


def shot(drv, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    drv.save_screenshot(str(path))
    return path


def test_pages_load_without_console_errors_and_hostile_text_is_inert(site, driver):
    from selenium.webdriver.common.by import By

    a = hostile_article()
    for path, name in (("/?q=Korvana", "search"), (f"/articles/{a.id}", "article"), ("/situations/Korvana",
                                                                                        "situation")):
        driver.get(site + path)
        driver.find_element(By.CSS_SELECTOR, "main h1")
        assert_no_alert(driver)
        assert driver.execute_script("return window.__pwned === undefined") is True
        scripts = driver.execute_script("return Array.from(document.scripts).map(s => s.src)")
        assert scripts == [f"{site}/static/app.js"]
        assert driver.find_elements(By.CSS_SELECTOR, "main img, main iframe") == []
        assert console_errors(driver) == [], path
        assert shot(driver, name).stat().st_size > 5000
    driver.get(f"{site}/articles/{a.id}")
    text = driver.find_element(By.ID, "article-text").text
    assert "<script>window.__pwned=2;alert('q')</script>" in text  # shown, not run
    marks = driver.find_elements(By.CSS_SELECTOR, "#article-text mark.ent-PERSON")
    assert [m.text for m in marks] == ["Mira Talven"]
    assert driver.find_elements(By.CSS_SELECTOR, "#article-text mark.hl-date")
    assert driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript']") == []


def test_opt_in_prompt_remembers_no_thanks_for_30_days(site, driver):
    from selenium.webdriver.common.by import By

    driver.get(site + "/situations/Korvana")
    prompts = driver.find_elements(By.ID, "optin")
    if not prompts:
        pytest.skip("watches are not installed on this server")
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    box = driver.find_element(By.ID, "optin")
    assert box.is_displayed()
    assert "Be the first to read breaking stories on Korvana." in box.text
    assert "Enable push notifications. Disable anytime." in box.text
    shot(driver, "optin")
    driver.find_element(By.ID, "optin-dismiss").click()
    assert not driver.find_element(By.ID, "optin").is_displayed()
    driver.refresh()
    assert not driver.find_element(By.ID, "optin").is_displayed()  # still hidden after a reload
    key = "wirewatch.optin.dismissed.korvana"
    assert int(driver.execute_script(f"return localStorage.getItem('{key}')")) > 0
    # 31 days later the prompt is offered again
    driver.execute_script(f"localStorage.setItem('{key}', String(Date.now() - 31 * 86400000))")
    driver.refresh()
    assert driver.find_element(By.ID, "optin").is_displayed()
    assert console_errors(driver) == []


def test_situation_page_draws_the_report_and_filters_its_timeline(site, driver):
    """The live report inside the app: shaded map (no inline style refused by the CSP), volume
    chart, and the timeline filter of app.js."""
    from selenium.webdriver.common.by import By

    driver.get(site + "/situations/Lumeria")
    assert driver.find_element(By.CSS_SELECTOR, "svg.map circle.place")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.map path.land.hit[fill-opacity]")  # Chad is shaded
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart rect.stories")
    items = driver.find_elements(By.CSS_SELECTOR, "#timeline li.item")
    assert len(items) == 3
    box = driver.find_element(By.ID, "timeline-filter")
    box.send_keys("Harbour vote 2")
    visible = [li for li in items if li.is_displayed()]
    assert len(visible) == 1 and "Harbour vote 2" in visible[0].text
    assert driver.find_element(By.ID, "timeline-shown").text == "1"
    driver.execute_script("window.scrollTo(0, 0)")
    shot(driver, "situation-lumeria")
    driver.execute_script("document.getElementById('map').scrollIntoView()")
    shot(driver, "situation-lumeria-map")
    assert console_errors(driver) == []


def test_analyst_walks_search_situation_event_article_and_back_with_a_date_filter(site, driver):
    """search -> situation (a date range applied) -> an event of its timeline -> the article, where
    the event's sentence is anchored and highlighted -> back to the same situation and range."""
    from urllib.parse import parse_qs, urlsplit

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = hostile_article()
    driver.get(site + "/?q=Korvana")
    driver.find_element(By.ID, "to-situation").click()
    assert urlsplit(driver.current_url).path == "/situations/Korvana"
    driver.execute_script("document.getElementById('since').value = '2031-03-01';"
                          "document.getElementById('until').value = '2031-03-31';")
    driver.find_element(By.ID, "period-apply").click()
    WebDriverWait(driver, 30).until(lambda d: "since=" in d.current_url)  # the navigation may not have begun yet
    url = urlsplit(driver.current_url)
    assert parse_qs(url.query) == {"since": ["2031-03-01"], "until": ["2031-03-31"]}
    assert driver.find_element(By.ID, "since").get_attribute("value") == "2031-03-01"
    assert "ARMED_CLASH" in driver.find_element(By.ID, "timeline").text
    driver.find_element(By.CSS_SELECTOR, "#timeline a.event-link").click()
    assert urlsplit(driver.current_url).path.startswith("/events/")
    event_id = urlsplit(driver.current_url).path.rsplit("/", 1)[1]
    sentence = driver.find_element(By.CSS_SELECTOR, "#evidence mark.evidence-sentence")
    assert "two days of fighting" in sentence.text
    assert "Port Adel" in driver.find_element(By.CSS_SELECTOR, "table.facts-table").text
    shot(driver, "event")
    driver.find_element(By.ID, "event-article").click()
    assert urlsplit(driver.current_url).path == f"/articles/{a.id}"
    anchored = driver.find_element(By.ID, f"ev-{event_id}")
    assert "hl-event" in anchored.get_attribute("class")
    assert driver.execute_script("return document.querySelector(':target') && document.querySelector(':target').id") \
        == f"ev-{event_id}"
    shot(driver, "article-event")
    driver.find_element(By.ID, "back-to-situation").click()
    url = urlsplit(driver.current_url)
    assert url.path == "/situations/Korvana"
    assert parse_qs(url.query) == {"since": ["2031-03-01"], "until": ["2031-03-31"]}
    assert driver.find_element(By.ID, "until").get_attribute("value") == "2031-03-31"
    assert console_errors(driver) == []


def test_api_docs_render_with_the_network_cut_off(site, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(site + "/docs")
    title = WebDriverWait(driver, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .info .title")))
    assert "wirewatch" in title.text
    WebDriverWait(driver, 30).until(
        lambda d: any("/api/events" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")))
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(r.startswith(site) for r in resources), resources
    shot(driver, "docs")
    assert console_errors(driver) == []
