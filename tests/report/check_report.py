#!/usr/bin/env python3
"""duet-compare --report, end to end.

  check_report.py page DUET_COMPARE EXAMPLES_DIR WORK_DIR [--screenshot-out PNG]
      Writes the article's report (--explain --seeds 20) and an MLP report (--explain), checks
      both with Python's HTML and XML parsers (structure, sections, every SVG well-formed with a
      title and a description, nothing loaded from outside the file), then opens both in headless
      Chromium over the DevTools protocol: no console error, no request other than the page
      itself, every section in the DOM, and a screenshot that is not blank. Without a browser the
      browser half is skipped with a visible message (exit code 77, which CTest reports as skipped).

  check_report.py errors DUET_COMPARE EXAMPLES_DIR WORK_DIR
      Bad report requests: a folder, a device, a missing folder, a failing experiment, and a
      hostile experiment name (escaped, never markup). Each error is one line and leaves no file.
"""
import base64
import fcntl
import html.parser
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

SVG_NS = "{http://www.w3.org/2000/svg}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = 77


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run_compare(binary, args, expect_ok=True):
    proc = subprocess.run([binary] + args, capture_output=True, text=True, timeout=120)
    if expect_ok and proc.returncode != 0:
        fail(f"duet-compare {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


# --------------------------------------------------------------------------------------------
# Parser checks.

class PageParser(html.parser.HTMLParser):
    """Checks nesting and collects ids, the text, and anything that would load from outside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.errors, self.external, self.text = [], set(), [], [], []
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']!r}")
            self.ids.add(a["id"])
        if tag in ("script", "link", "img", "iframe", "object", "embed", "base"):
            self.external.append(f"<{tag}> element")
        for name, value in attrs:
            if name in ("src", "srcset", "action", "formaction") or name.startswith("on"):
                self.external.append(f"{tag} {name}={value!r}")
            if name in ("href", "xlink:href") and value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value!r}")
            if value and re.search(r"url\((?!#)", value):
                self.external.append(f"{tag} {name}={value!r}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <rect .../> inside inline SVG: self-closing, nothing to push.
        self.stack.append(tag)
        self.handle_endtag(tag)
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(path, sections):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    if not page.startswith("<!DOCTYPE html>"):
        fail(f"{path}: no <!DOCTYPE html>")
    p = PageParser()
    p.feed(page)
    p.close()
    if p.stack:
        p.errors.append(f"unclosed elements {p.stack}")
    if p.errors:
        fail(f"{path}: HTML structure: {p.errors[:5]}")
    if p.external:
        fail(f"{path}: would load from outside the file: {p.external[:5]}")
    if re.search(r"@import|url\((?!#)", page):
        fail(f"{path}: CSS loads from outside the file")
    missing = [s for s in sections if s not in p.ids]
    if missing:
        fail(f"{path}: sections missing: {missing}")
    # Every SVG is well-formed XML; every chart has a title and a description (its text alternative).
    charts = 0
    for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.S):
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as e:
            fail(f"{path}: SVG does not parse: {e}: {svg[:200]}")
        if root.tag != SVG_NS + "svg":
            fail(f"{path}: SVG root is {root.tag}")
        if root.get("role") == "img":
            charts += 1
            title, desc = root.find(SVG_NS + "title"), root.find(SVG_NS + "desc")
            if title is None or desc is None or not (title.text or "").strip() or not (desc.text or "").strip():
                fail(f"{path}: a chart without <title> and <desc>: {svg[:200]}")
            labels = [t for t in root.iter(SVG_NS + "text") if (t.text or "").strip()]
            if len(labels) < 3:
                fail(f"{path}: a chart with fewer than 3 text labels: {root.find(SVG_NS + 'title').text}")
    return page, p, charts


# --------------------------------------------------------------------------------------------
# PNG decoding (stdlib only): enough to tell a rendered page from a blank one.

def png_pixels(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("screenshot is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour_type not in (2, 6):
                fail(f"unexpected PNG format depth={depth} colour type={colour_type}")
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def check_not_blank(png, what):
    width, height, channels, rows = png_pixels(png)
    grey = [sum(row[x * channels:x * channels + 3]) / 3 for row in rows[::4] for x in range(0, width, 4)]
    mean = sum(grey) / len(grey)
    variance = sum((g - mean) ** 2 for g in grey) / len(grey)
    dark = sum(1 for g in grey if g < 128) / len(grey)
    coloured = sum(1 for row in rows[::4] for x in range(0, width, 4)
                   if max(row[x * channels:x * channels + 3]) - min(row[x * channels:x * channels + 3]) > 60)
    print(f"  screenshot of {what}: {width}x{height}, grey variance {variance:.0f}, dark {dark:.1%}, "
          f"coloured samples {coloured}")
    if variance < 100 or dark < 0.003:
        fail(f"the screenshot of {what} looks blank (variance {variance:.0f}, dark {dark:.2%})")


# --------------------------------------------------------------------------------------------
# Headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: the browser
# reads commands on fd 3 and writes replies on fd 4, each a JSON text ended by a NUL byte).

def find_browser():
    for name in ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/lib/chromium/chromium", "/usr/lib/chromium/chrome-headless-shell"):
        if os.access(path, os.X_OK):
            return path
    return None


class Browser:
    def __init__(self, binary, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # Move both ends above 3 and 4 first: a pipe may already sit on fd 3 or 4, where
            # dup2 onto itself would keep its close-on-exec flag.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                # Any host name fails to resolve: a request that escapes the checks below cannot succeed.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1100,1000", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer, self.next_id, self.events = b"", 0, []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                fail("the browser did not answer in time")
            ready, _, _ = select.select([self.from_child], [], [], left)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    fail("the browser closed its DevTools pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    fail(f"DevTools {method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, session, timeout=60):
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            e = self._read_message(deadline)
            self.events.append(e)
            if e.get("method") == method and e.get("sessionId") == session:
                return e

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except SystemExit:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def check_in_browser(browser, path, sections, screenshot_out=None):
    url = "file://" + os.path.abspath(path)
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(domain + ".enable", session=session)
    browser.events.clear()
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    # The DOM as the browser built it: every section, every chart rendered with a size.
    probe = """JSON.stringify({
        ids: [...document.querySelectorAll('[id]')].map(e => e.id),
        charts: [...document.querySelectorAll('svg[role=img]')].map(s => {
            const r = s.getBoundingClientRect(); return [r.width, r.height]; }),
        title: document.title, height: document.documentElement.scrollHeight})"""
    result = browser.send("Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session)
    dom = json.loads(result["result"]["value"])
    missing = [s for s in sections if s not in dom["ids"]]
    if missing:
        fail(f"{path}: in the browser's DOM the sections {missing} are missing")
    if not dom["charts"] or any(w < 100 or h < 100 for w, h in dom["charts"]):
        fail(f"{path}: charts not rendered at a readable size: {dom['charts']}")
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    png = base64.b64decode(shot["data"])
    check_not_blank(png, os.path.basename(path))
    if screenshot_out:
        # The whole page, for the tutorial.
        metrics = browser.send("Page.getLayoutMetrics", session=session)
        size = metrics["cssContentSize"]
        full = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}}, session=session)
        with open(screenshot_out, "wb") as f:
            f.write(base64.b64decode(full["data"]))
    # Everything the page did while loading: requests other than the page itself, console
    # errors, uncaught exceptions, and errors the browser logged for the page.
    problems = []
    for e in browser.events:
        if e.get("sessionId") != session:
            continue
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent" and p["request"]["url"] != url:
            problems.append("request " + p["request"]["url"])
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            problems.append("console " + json.dumps(p.get("args"))[:200])
        elif m == "Runtime.exceptionThrown":
            problems.append("exception " + json.dumps(p)[:200])
        elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
            problems.append("log " + p["entry"].get("text", "")[:200])
    if problems:
        fail(f"{path}: {problems}")
    requests = sum(1 for e in browser.events if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session)
    print(f"  {os.path.basename(path)} in the browser: {len(dom['ids'])} ids, {len(dom['charts'])} charts, "
          f"{requests} request (the page itself), no console or log errors")
    browser.send("Target.closeTarget", {"targetId": target})
    browser.events.clear()


# --------------------------------------------------------------------------------------------

ARTICLE_SECTIONS = ["settings", "loss-curves", "parameter-paths", "explanation", "ablation", "seeds", "predictions",
                    "weights", "keras-console"]
MLP_SECTIONS = ["settings", "loss-curves", "weight-change", "explanation", "ablation", "seeds", "predictions", "weights",
                "keras-console"]


def page_mode(binary, examples, work, screenshot_out):
    article = os.path.join(work, "article.html")
    mlp = os.path.join(work, "mlp.html")
    started = time.monotonic()
    run_compare(binary, ["--explain", "--seeds", "20", "--report", article])
    run_compare(binary, ["-e", os.path.join(examples, "mlp-csv.json"), "--explain", "--keras-look", "keras3", "--report", mlp])
    print(f"  reports written in {time.monotonic() - started:.1f} s")

    page, parser, charts = check_html(article, ARTICLE_SECTIONS)
    text = " ".join(parser.text)
    if charts < 5:  # loss, paths, ablation, two seed strips
        fail(f"article report has {charts} charts, expected at least 5")
    # The numbers the terminal shows are on the page: both predictions, and the 6x of the article.
    table = run_compare(binary, []).stdout
    for value in re.findall(r"prediction x=10\s+(\S+)\s+(\S+)", table)[0]:
        if value not in text:
            fail(f"article report lacks the prediction {value} the table shows")
    if "6x" not in text:
        fail("article report does not say the summed loss takes 6x longer steps")
    if "explain the whole gap" not in text:
        fail("article report's ablation verdict is missing")
    # The article's console is tf.keras 2's: the [====] bar and the ruled summary table.
    if "1/1 [==============================] - " not in text or "Epoch 500/500" not in text:
        fail("article report lacks tf.keras 2's progress line")

    page, parser, charts = check_html(mlp, MLP_SECTIONS)
    text = " ".join(parser.text)
    # The words match the numbers: the MLP's gap is float32 rounding, and the page says so.
    if "float32 rounding level" not in text or "do not matter" not in text:
        fail("MLP report does not say its gap is at float32 rounding level")
    if "explain the whole gap" in text:
        fail("MLP report credits the differences with a rounding-level gap")
    # --keras-look keras3: Keras 3's 20-glyph bar (3 batches of 16 rows) and its boxed summary.
    if "3/3 " + "\u2501" * 20 + " " not in text or "\u250f" not in text:
        fail("MLP report (--keras-look keras3) lacks Keras 3's console look")
    # From one start, SGD on the summed loss of 6 rows steps exactly 6x as far as on the mean.
    same_start = os.path.join(work, "article-same-start.html")
    run_compare(binary, ["-e", os.path.join(examples, "article.json"), "--report", same_start])
    _, parser, _ = check_html(same_start, ARTICLE_SECTIONS[:3])
    if "The first PyTorch-style step is 6x as long" not in " ".join(parser.text):
        fail("article.json report does not show the 6x first step")
    # --weights with --explain: both sides start from a state_dict saved by real PyTorch 1.13 (the
    # exact solution), so neither moves and the page shows both predicting 2 * 10 - 1.
    from_file = os.path.join(work, "article-weights.html")
    state_dict = os.path.join(examples, os.pardir, os.pardir, "tests", "golden", "checkpoints", "torch", "article.pt")
    run_compare(binary, ["--weights", state_dict, "--explain", "--report", from_file])
    _, parser, _ = check_html(from_file, ARTICLE_SECTIONS[:3] + ["explanation", "predictions"])
    text = " ".join(parser.text)
    if not re.search(r"\b19\b.*\b19\b", text) or "given" not in text:
        fail("report started from article.pt does not show given weights and both predictions 19")
    print("  HTML and SVG parse; every section present; nothing loads from outside the files")

    browser_path = find_browser()
    if not browser_path:
        print("SKIPPED: no Chromium found (install it with scripts/setup-debian.sh); the parser checks passed")
        return SKIPPED
    profile = tempfile.mkdtemp(prefix="duet-report-browser-")
    browser = Browser(browser_path, profile)
    try:
        check_in_browser(browser, article, ARTICLE_SECTIONS, screenshot_out)
        check_in_browser(browser, mlp, MLP_SECTIONS)
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"PASS in {time.monotonic() - started:.1f} s")
    return 0


def errors_mode(binary, examples, work):
    def expect_error(args, target, needle):
        before = set(os.listdir(os.path.dirname(target) or ".")) if os.path.isdir(os.path.dirname(target) or ".") else None
        proc = run_compare(binary, args, expect_ok=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0 or len(lines) != 1 or needle not in lines[0]:
            fail(f"{args}: expected one error line with {needle!r}, got exit {proc.returncode}: {proc.stderr!r}")
        if before is not None and set(os.listdir(os.path.dirname(target) or ".")) != before:
            fail(f"{args}: a file was left behind: {set(os.listdir(os.path.dirname(target))) - before}")
        print(f"  {' '.join(args[-2:])}: {lines[0]}")

    folder = os.path.join(work, "a-folder")
    os.makedirs(folder, exist_ok=True)
    expect_error(["--report", folder], folder, "is a folder")
    expect_error(["--report", "/dev/null"], "/dev/null", "not a regular file")
    expect_error(["--report", os.path.join(work, "no-such-folder", "r.html")], os.path.join(work, "x"), "does not exist")
    # An experiment that fails during training: the error, and no report.
    diverging = os.path.join(work, "diverging.json")
    with open(diverging, "w") as f:
        json.dump({"name": "diverges", "data": {"x": [[1e3], [2e3]], "y": [[1], [2]]}, "layers": [{"units": 1}],
                   "initial_weights": [{"kernel": [[1.0]], "bias": [0.0]}], "epochs": 50,
                   "keras": {"optimizer": {"name": "sgd", "learning_rate": 10}, "loss": "mse"},
                   "torch": {"optimizer": {"name": "sgd", "lr": 10}, "loss": {"name": "mse"}},
                   "predict": [[1]]}, f)
    report = os.path.join(work, "diverging.html")
    expect_error(["-e", diverging, "--report", report], report, "error")
    if os.path.exists(report):
        fail("a failing experiment left a report")
    # Hostile names stay text.
    hostile = os.path.join(work, "hostile.json")
    name = "<script>alert('x')</script> & \"quotes\" <b>bold</b>"
    with open(hostile, "w") as f:
        json.dump({"name": name, "note": "<img src=x onerror=alert(1)> </svg><svg onload=alert(2)>",
                   "data": {"x": [[0], [1], [2]], "y": [[1], [3], [5]]}, "layers": [{"units": 1}],
                   "initial_weights": [{"kernel": [[0.0]], "bias": [0.0]}], "epochs": 5,
                   "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.05}, "loss": "mse"},
                   "torch": {"optimizer": {"name": "sgd", "lr": 0.05}, "loss": {"name": "mse"}},
                   "predict": [[3]]}, f)
    report = os.path.join(work, "hostile.html")
    run_compare(binary, ["-e", hostile, "--report", report])
    page, parser, _ = check_html(report, ["settings", "loss-curves", "parameter-paths", "predictions", "weights"])
    text = "".join(parser.text)
    if name not in text or "<img src=x onerror=alert(1)>" not in text:
        fail("the hostile name and note are not shown as text")
    print("  hostile name and note are escaped: shown as text, no element made of them")
    print("PASS")
    return 0


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("page", "errors"):
        print(__doc__)
        return 2
    mode, binary, examples, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    if mode == "errors":
        return errors_mode(binary, examples, work)
    screenshot_out = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--screenshot-out" else None
    return page_mode(binary, examples, work, screenshot_out)


if __name__ == "__main__":
    sys.exit(main())
