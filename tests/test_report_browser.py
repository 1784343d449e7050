"""The HTML report in headless Chromium: it renders, runs no hostile script, logs no console error."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from test_report import event_keys, fill  # noqa: F401  (fixture re-used)
from wirewatch.report import build_report, render
from wirewatch.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def driver():
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ww-chrome-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1280,3400",
                f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_html_report_renders_in_chromium_without_console_errors(tmp_path, event_keys, driver):  # noqa: F811
    db = fill(tmp_path / "b.duckdb")
    with Store(db, read_only=True) as store:
        html = render(build_report(store.con, "Chad"), "html")
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    driver.get(page.as_uri())
    from selenium.webdriver.common.by import By

    assert driver.title == "Situation report: Chad"
    # the hostile title is shown as text, and its script never ran
    assert "<script>alert('pwned')</script>Floods <b>hit</b> Chad" in driver.find_element(By.ID, "timeline").text
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    # the map and the chart are drawn with real geometry
    assert driver.execute_script("return document.querySelectorAll('svg.map path.land').length") > 3
    assert driver.execute_script("return document.querySelectorAll('svg.map circle.place').length") == 4
    box = driver.execute_script(
        "var b=document.querySelector('svg.map').getBoundingClientRect();return [b.width,b.height]")
    assert box[0] > 300 and box[1] > 100
    out = Path(os.environ.get("WIREWATCH_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(out / "report.png"))
    # our one script works: the filter hides the entries that do not match
    box = driver.find_element(By.ID, "filter")
    box.send_keys("Faya")
    shown = int(driver.find_element(By.ID, "shown").text)
    assert 0 < shown < len(driver.find_elements(By.CSS_SELECTOR, "#timeline li.item"))
    errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    assert errors == [], errors
