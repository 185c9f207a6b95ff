"""A real browser for the web pages' tests: Debian's headless chromium, driven by Selenium
through /usr/bin/chromedriver.

(Playwright's sync API was tried first: its driver runs, but under the eventlet monkey-patching
that conftest.py does for the whole suite, stopping it never returns, since eventlet's hub
re-parents Playwright's dispatcher greenlet. Selenium talks plain HTTP to chromedriver, which
eventlet's green sockets carry fine.)

Each `Browser` is its own chromium with its own profile: two of them are two people, with
separate cookies. Pages are read as a person would read them: visible text, labels, links.
"""
import base64
import os
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--lang=it-IT", "--window-size=1280,800"]
PHONE = (390, 844)
DESKTOP = (1280, 800)
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


# one round trip to the browser each, instead of one per element looked at
FIND_BY_TEXT = """
const [tag, text] = arguments;
const said = (element) => element.innerText.replace(/\\s+/g, " ").trim();
const visible = [...document.getElementsByTagName(tag)].filter(
    (element) => element.offsetParent !== null || element.getClientRects().length);
return visible.find((element) => said(element) === text)
    || visible.find((element) => said(element).includes(text)) || null;
"""
FIND_BY_LABEL = """
const wanted = arguments[0];
for (const label of document.getElementsByTagName("label")) {
  const said = label.textContent.replace(/\\s+/g, " ").trim();
  if (said === wanted || said.startsWith(wanted + " (")) {
    return document.getElementById(label.htmlFor);
  }
}
return null;
"""


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


class Browser:
    def __init__(self, base_url: str, timeout: float = 10.0, camera: Path | None = None):
        """`camera`: a Y4M video the page's camera films (its permission granted)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        camera_args = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                       f"--use-file-for-fake-video-capture={camera}"] if camera else []
        for argument in ARGS + camera_args:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(30)
        self.viewport(*DESKTOP)
        self.user = None

    # --- moving around ---------------------------------------------------------------------------

    def open(self, path: str):
        self.driver.get(self.base_url + path)
        return self

    @property
    def path(self) -> str:
        url = self.driver.current_url
        return url[len(self.base_url):] if url.startswith(self.base_url) else url

    def submit(self, button_text: str | None = None, css: str | None = None):
        """Clicks a button (by its text, or a CSS selector) and waits for the next page."""
        def press():
            if css:
                return self.driver.find_element(By.CSS_SELECTOR, css).click()
            return self._by_text("button", button_text).click()

        self._and_wait(lambda: self._again_if_replaced(press))
        return self

    def follow(self, link_text: str):
        """Clicks the link with this text and waits for the next page."""
        self._and_wait(lambda: self._again_if_replaced(
            lambda: self._by_text("a", link_text).click()))
        return self

    def _and_wait(self, action):
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        self.wait_for(lambda: self._gone(old), "the next page")
        self.wait_for(lambda: self.driver.execute_script(
            "return document.readyState") == "complete", "the page to load")

    @staticmethod
    def _gone(element) -> bool:
        """Whether the element left the document (the page it was on was replaced)."""
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:  # chromium's way of saying the same, at times
            if "does not belong to the document" in str(error):
                return True
            raise

    def _by_text(self, tag: str, text: str):
        """The first visible <tag> whose text is `text` (else the first that contains it)."""
        found = self.driver.execute_script(FIND_BY_TEXT, tag, text)
        if found is None:
            raise AssertionError(f"no visible <{tag}> saying {text!r} on {self.path}")
        return found

    # --- forms ---------------------------------------------------------------------------------

    def field(self, label: str):
        """The input, select or textarea whose <label> says `label` (as a person finds it)."""
        found = self.driver.execute_script(FIND_BY_LABEL, label)
        if found is None:
            raise AssertionError(f"no field labelled {label!r} on {self.path}")
        return found

    def fill(self, label: str, value):
        def type_in():
            element = self.field(label)
            if element.get_attribute("type") in ("date", "time", "datetime-local", "number"):
                self.driver.execute_script(
                    "arguments[0].value = arguments[1];"
                    "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", element,
                    str(value))
            else:
                element.clear()
                element.send_keys(str(value))

        self._again_if_replaced(type_in)
        return self

    def _again_if_replaced(self, action, attempts=3):
        """Runs `action` again when the element it found was replaced meanwhile (chromium
        can swap a freshly loaded document under a command)."""
        for attempt in range(attempts):
            try:
                return action()
            except (StaleElementReferenceException, WebDriverException) as error:
                replaced = isinstance(error, StaleElementReferenceException) or (
                    "does not belong to the document" in str(error))
                if not replaced or attempt == attempts - 1:
                    raise
                time.sleep(0.1)

    def set(self, css: str, value):
        """Sets an input or select found by CSS (for rows of inputs that share a label)."""
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            self.find(css), str(value))
        return self

    def choose(self, label: str, option_text: str):
        self._again_if_replaced(
            lambda: Select(self.field(label)).select_by_visible_text(option_text))
        return self

    def check(self, label: str):
        def tick():
            element = self.field(label)
            if not element.is_selected():
                element.click()

        self._again_if_replaced(tick)
        return self

    def error_for(self, label: str) -> str:
        """The error shown next to the field labelled `label`, or ""."""
        element = self.field(label)
        try:
            shown = self.driver.find_element(By.ID, f"{element.get_attribute('id')}-error").text
            return " ".join(shown.split())
        except NoSuchElementException:
            return ""

    # --- reading -----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The page's words; read again when a page that replaced the last (a form a script sent)
        took its body away while it was read."""
        for attempt in range(3):
            try:
                return " ".join(self.driver.find_element(By.TAG_NAME, "body").text.split())
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def heading(self) -> str:
        return " ".join(self.driver.find_element(By.TAG_NAME, "h1").text.split())

    @property
    def language(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")

    def links(self, css: str = "a") -> list:
        return [(" ".join(a.text.split()), a.get_attribute("href"))
                for a in self.driver.find_elements(By.CSS_SELECTOR, css)]

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def wait_for(self, predicate, what: str = "a condition", timeout: float | None = None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited in vain for {what} on {self.path}")
            time.sleep(0.05)

    # --- screens ------------------------------------------------------------------------------

    def viewport(self, width: int, height: int):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": width < 600})
        return self

    def screenshot(self, name: str, sizes=(PHONE, DESKTOP)) -> list:
        """The whole page at each size, as artifacts/screenshots/<name>-<width>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for width, height in sizes:
            self.viewport(width, height)
            self.driver.execute_script("window.scrollTo(0, 0)")
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            content = metrics.get("cssContentSize") or metrics["contentSize"]
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width,
                         "height": min(max(height, content["height"]), 6000), "scale": 1}})
            kind = "phone" if width < 600 else "desktop"
            path = SCREENSHOTS / f"{name}-{kind}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            saved.append(path)
        self.viewport(*DESKTOP)
        return saved

    # --- people ----------------------------------------------------------------------------------

    def log_in(self, username: str, password: str = "qubi-demo"):
        if not self.path.startswith("/login"):
            self.open("/login")
        if not self.path.startswith("/login"):  # already logged in: the form sent us on
            if self.find(".nav-account .who").text == username:
                self.user = username
                return self
            self.log_out().open("/login")
        self.fill("Nome utente" if self.language == "it" else "Username", username)
        self.fill("Password", password)
        self.submit(css="main form button[type=submit]")
        assert self.has(".nav-account .who"), f"{username} could not log in"
        self.user = username
        return self

    def log_out(self):
        self.submit(css=".nav-account button[type=submit]")
        self.user = None
        return self

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass
