"""A headless Chromium driven over the DevTools protocol (websocket-client), for the
end-to-end tests that must run in a real browser against the real server: each `page()` is
a fresh browser context (its own cookies), as a new visitor."""

import json
import resource
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest
import requests
import websocket

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Page:
    def __init__(self, ws_url, accept_language):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self._id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        # as the browser of an Italian citizen (the portal also speaks English)
        self.send("Network.setExtraHTTPHeaders", headers={"Accept-Language": accept_language})

    def send(self, method, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        """Waits until `expression` is truthy in the page (across navigations)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(f"document.readyState === 'complete' && !!({expression})")
            except RuntimeError:
                value = None  # the page is navigating
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {expression!r} at {self.url()}:\n{self.text()[:1000]}"
                )
            time.sleep(0.2)

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait_for("true")

    def click(self, selector):
        found = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return false; e.click(); return true; })()"
        )
        assert found, f"no {selector} at {self.url()}"

    def url(self):
        return self.evaluate("location.href")

    def set_width(self, width, height=844):
        """The viewport of a phone (`width` CSS pixels) for the pages opened next, until
        this page is closed."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=True,
        )

    def press_tab(self):
        """One press of the Tab key, as the keyboard of a user who cannot use a mouse."""
        # a headless page in its own context only moves its focus as the window in front
        self.send("Emulation.setFocusEmulationEnabled", enabled=True)
        for kind in ("rawKeyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Tab",
                code="Tab",
                windowsVirtualKeyCode=9,
                nativeVirtualKeyCode=9,
            )

    def axe(self, source, tags, exclude=()):
        """Runs axe-core (`source`, the text of axe.min.js) on the whole document with the
        rules of `tags`; returns the violations of impact serious or critical, each as one
        line (rule, impact, help and the first elements concerned)."""
        # a plain script: evaluated first, it defines window.axe for the runner
        self.evaluate(f"{source};\ntrue")
        runner = """
        (async () => {
            const exclude = %(exclude)s;
            const context = exclude.length ? {include: [document], exclude: exclude} : document;
            const results = await axe.run(context, {
                runOnly: {type: 'tag', values: %(tags)s},
                resultTypes: ['violations'],
            });
            const target = (t) => Array.isArray(t) ? t.join(' >>> ') : t;
            return results.violations
                .filter((v) => ['serious', 'critical'].includes(v.impact))
                .map((v) => `${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element(s)): `
                    + v.nodes.slice(0, 3).map((n) => n.target.map(target).join(' ')).join(' | '));
        })()
        """ % {"exclude": json.dumps(list(exclude)), "tags": json.dumps(list(tags))}
        return self.evaluate(runner)

    def text(self, selector="body"):
        return self.evaluate(
            f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''"
        )


class Chromium:
    def __init__(self, proc, port):
        self.proc = proc
        self.port = port
        self.browser = Page.__new__(Page)
        version = requests.get(f"http://127.0.0.1:{port}/json/version", timeout=10).json()
        self.browser.ws = websocket.create_connection(
            version["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.browser._id = 0

    @contextmanager
    def page(self, accept_language="it-IT,it;q=0.9"):
        context = self.browser.send("Target.createBrowserContext")["browserContextId"]
        target = self.browser.send(
            "Target.createTarget", url="about:blank", browserContextId=context
        )["targetId"]
        page = Page(f"ws://127.0.0.1:{self.port}/devtools/page/{target}", accept_language)
        try:
            yield page
        finally:
            page.ws.close()
            self.browser.send("Target.disposeBrowserContext", browserContextId=context)


def without_memory_limit():
    # Odoo limits the address space of its process (limit_memory_hard); Chromium's V8
    # reserves far more virtual memory than it uses and dies at start under that limit
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


@contextmanager
def chromium():
    binary = next((shutil.which(name) for name in BINARIES if shutil.which(name)), None)
    if not binary:
        pytest.fail("Chromium is required for the browser tests (make setup installs it)")
    with tempfile.TemporaryDirectory() as profile, open(f"{profile}.log", "w") as log:
        proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            preexec_fn=without_memory_limit,
        )
        try:
            # Chromium writes the port it chose into the profile
            deadline = time.monotonic() + 60
            port_file = f"{profile}/DevToolsActivePort"
            while True:
                try:
                    with open(port_file) as f:
                        port = int(f.readline())
                    break
                except (OSError, ValueError):
                    if time.monotonic() > deadline or proc.poll() is not None:
                        log.flush()
                        with open(f"{profile}.log") as f:
                            pytest.fail(
                                f"Chromium did not start ({proc.poll()}):\n{f.read()[-3000:]}"
                            )
                    time.sleep(0.1)
            yield Chromium(proc, port)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
