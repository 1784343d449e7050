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
