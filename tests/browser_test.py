#!/usr/bin/env python3
"""The search page in a real browser: headless chromium driven through the
DevTools protocol (a websocket client written here, stdlib only).

    python3 tests/browser_test.py BUILD_DIR [--screenshot FILE]
    python3 tests/browser_test.py BUILD_DIR --index IDX|demo --query Q --screenshot FILE

The first form builds a small index from test digests (a hostile paper
among them), starts paperdex-serve, and in the page: presses '/' and types
a query, sees highlighted results and the query in the URL, sees the
month histogram drawn, pages forward, filters by votes and by clicking a
month bar, sorts by votes, checks that the hostile strings are shown as
text and ran nothing, and writes a screenshot (default
BUILD_DIR/serve_page.png). The second form only serves IDX and takes a
screenshot of the page for query Q; "demo" is a year of invented digests
(docs/serve_page.png: --index demo --query 강화학습).

Exits 77 (CTest's skip) when no chromium is installed; CI installs it.
"""
import base64
import http.client
import json
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_serve_harness as H  # noqa: E402

DEADLINE = time.time() + 90  # the whole test, whatever happens


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames,
    client frames masked, server frames possibly fragmented."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET {} HTTP/1.1\r\nHost: {}:{}\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: {}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").format(
                               u.path, u.hostname, u.port, key).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("websocket handshake failed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: %r" % head[:200])
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        n = len(data)
        hdr = bytes([0x81])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """One whole message (fragments joined), as text."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            op = b0 & 0x0F
            if op == 8:
                raise RuntimeError("websocket closed by the browser")
            if op in (9, 10):  # ping, pong: not used by DevTools
                continue
            parts.append(data)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")


class Browser:
    """A headless chromium and one page of it."""

    def __init__(self, exe):
        self.profile = tempfile.mkdtemp(prefix="pdx_chromium.")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port = self._devtools_port()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/json/list")
        pages = [t for t in json.loads(c.getresponse().read()) if t["type"] == "page"]
        self.ws = WebSocket(pages[0]["webSocketDebuggerUrl"])
        self.next_id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1100, height=1000,
                  deviceScaleFactor=1, mobile=False)

    def _devtools_port(self):
        buf = b""
        fd = self.proc.stderr.fileno()
        while time.time() < DEADLINE:
            r, _, _ = select.select([fd], [], [], 1)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                m = re.search(rb"DevTools listening on ws://[^:]+:(\d+)/", buf)
                if m:
                    return int(m.group(1))
        raise RuntimeError("chromium did not start: %r" % buf[-500:])

    def call(self, method, **params):
        self.next_id += 1
        mine = self.next_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mine:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expr, what, timeout=20):
        """Polls expr in the page until it is truthy; on a timeout, says
        what the page showed."""
        end = min(time.time() + timeout, DEADLINE)
        while time.time() < end:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.05)
        state = self.eval("JSON.stringify({url: location.href, q: (document.getElementById('q') || {}).value, "
                          "status: (document.getElementById('status') || {}).textContent, "
                          "hits: document.querySelectorAll('#hits li').length})")
        raise AssertionError("timed out waiting for %s; the page: %s" % (what, state))

    def goto(self, url, same_url=True):
        """Loads url; same_url=False when the page may rewrite its address
        (a new document is told by a mark the old one had)."""
        self.eval("window.__old = true")
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && !window.__old && %s" %
                  ("location.href === " + json.dumps(url) if same_url else "true"), "the page to load")

    def key(self, key, code, vk, text=None):
        for kind in ("keyDown", "keyUp"):
            params = dict(type=kind, key=key, code=code, windowsVirtualKeyCode=vk)
            if text and kind == "keyDown":
                params["text"] = text
            self.call("Input.dispatchKeyEvent", **params)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


HITS = "document.querySelectorAll('#hits li.hit')"


def results_after(b, before_expr):
    """Waits for the hit list to change from what before_expr was."""
    b.wait("(() => { const l = %s; return l.length && l[0].dataset.id + l.length !== %s; })()"
           % (HITS, json.dumps(before_expr)), "new results")


def signature(b):
    return b.eval("(() => { const l = %s; return l.length ? l[0].dataset.id + l.length : ''; })()" % HITS)


def drive_page(b, base, shot):
    b.goto(base + "/")
    check(b.eval("document.activeElement.id") == "q", "the search box has focus on an empty page")
    b.eval("document.body.focus(); document.activeElement.blur(); true")
    b.key("/", "Slash", 191, "/")
    check(b.eval("document.activeElement.id") == "q", "'/' focuses the search box")
    b.call("Input.insertText", text="diffusion")
    b.wait("document.getElementById('q').value === 'diffusion'", "the typed query")
    b.key("Enter", "Enter", 13, "\r")
    b.wait("%s.length === 10" % HITS, "10 results for 'diffusion'")
    marks = b.eval("[...document.querySelectorAll('#hits mark')].map(m => m.textContent.toLowerCase())")
    check(marks and all("diffusion" in m for m in marks), "matches are highlighted with <mark>")
    check("q=diffusion" in b.eval("location.search"), "the query is kept in the URL")
    b.wait("!document.getElementById('chart').hidden && "
           "document.querySelectorAll('#hist rect.bar').length === 4", "the histogram")
    heights = b.eval("[...document.querySelectorAll('#hist rect.bar')].map(r => +r.getAttribute('height'))")
    check(heights[3] > heights[0] > 0 and heights[2] == 0,
          "the histogram draws one bar per month, scaled (%s)" % heights)
    check("27 papers match" in b.eval("document.getElementById('summary').textContent"),
          "the total is shown")

    before = signature(b)
    b.eval("document.getElementById('next').click()")
    results_after(b, before)
    ranks = b.eval("[...document.querySelectorAll('#hits .rank')].map(r => r.textContent)")
    check(ranks[0] == "11." and "page=2" in b.eval("location.search"), "Next shows ranks 11-20")
    b.eval("history.back()")
    b.wait("document.querySelector('#hits .rank') && "
           "document.querySelector('#hits .rank').textContent === '1.'", "Back returns to page 1")
    print("ok: the browser's Back button returns to page 1")

    before = signature(b)
    b.eval("const v = document.getElementById('votes'); v.value = '20'; "
           "v.dispatchEvent(new Event('change')); true")
    results_after(b, before)
    votes = b.eval("[...document.querySelectorAll('#hits .meta')].map(m => m.textContent)")
    check(votes and all(int(re.search(r"▲ (\d+)", v).group(1)) >= 20 for v in votes) and len(votes) > 1,
          "the min-votes filter keeps papers with 20+ votes (%d shown)" % len(votes))
    b.eval("document.getElementById('clear').click()")
    b.wait("%s.length === 10" % HITS, "filters cleared")

    before = signature(b)
    b.eval("document.querySelector('#hist rect.bar[data-month=\"2024-03\"]')"
           ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    results_after(b, before)
    dates = b.eval("[...document.querySelectorAll('#hits .meta span:first-child')].map(s => s.textContent)")
    check(dates and all(d.startswith("2024-03") for d in dates)
          and "from=2024-03" in b.eval("location.search"), "a histogram bar filters to its month")
    b.eval("document.getElementById('clear').click()")
    b.wait("%s.length === 10" % HITS, "filters cleared")

    before = signature(b)
    b.eval("const s = document.getElementById('sort'); s.value = 'votes'; "
           "s.dispatchEvent(new Event('change')); true")
    b.wait("location.search.includes('sort=votes')", "sort in the URL")
    results_after(b, before)
    vs = [int(re.search(r"▲ (\d+)", v).group(1))
          for v in b.eval("[...document.querySelectorAll('#hits .meta')].map(m => m.textContent)")]
    check(vs == sorted(vs, reverse=True), "sorting by votes orders by votes %s" % vs)
    b.screenshot(shot)
    check(os.path.getsize(shot) > 10000, "a screenshot was written to " + shot)

    # the filters stay filters after an open quote or a trailing OR (a
    # user trial: appended bare, they joined the phrase and matched nothing)
    b.goto(base + "/?" + urllib.parse.urlencode({"q": '"diffusion', "from": "2024-03", "to": "2024-03"}))
    b.wait("%s.length > 0" % HITS, "results for an open quote with a month")
    dates = b.eval("[...document.querySelectorAll('#hits .meta span:first-child')].map(s => s.textContent)")
    check(all(d.startswith("2024-03") for d in dates),
          "an open quote keeps the month filter (%d shown)" % len(dates))
    # the same for a typographic quote, which IMEs and macOS type for '"'
    # (a user trial: only '"' was closed, so “diffusion swallowed the filter)
    for mark in ("\u201c", "\u00ab"):
        b.goto(base + "/?" + urllib.parse.urlencode({"q": mark + "diffusion", "votes": "20"}))
        b.wait("%s.length > 0" % HITS, "results for an open %s with a vote filter" % mark)
        votes = [int(re.search(r"▲ (\d+)", v).group(1))
                 for v in b.eval("[...document.querySelectorAll('#hits .meta')].map(m => m.textContent)")]
        check(all(v >= 20 for v in votes),
              "an open %s keeps the vote filter %s" % (mark, votes))
    b.goto(base + "/?" + urllib.parse.urlencode({"q": "diffusion OR", "votes": "20"}))
    b.wait("%s.length > 0" % HITS, "results for a trailing OR with a vote filter")
    votes = [int(re.search(r"▲ (\d+)", v).group(1))
             for v in b.eval("[...document.querySelectorAll('#hits .meta')].map(m => m.textContent)")]
    check(all(v >= 20 for v in votes), "a trailing OR keeps the vote filter %s" % votes)

    b.goto(base + "/?q=Tricky")
    b.wait("%s.length === 1" % HITS, "the hostile paper")
    title = b.eval("document.querySelector('#hits h3 a').textContent")
    check(title == H.HOSTILE_TITLE, "a hostile title is shown as text, exactly")
    check(b.eval("window.__pwned === undefined"), "no script from the index ran")
    check(b.eval("document.querySelectorAll('#hits img, #hits script, #hits svg, #hits b').length") == 0,
          "no element from the index's strings was created")
    b.goto(base + "/?q=" + urllib.parse.quote("date:2024-13"))
    b.wait("!!document.querySelector('#status .error')", "an error message")
    check("2024-13" in b.eval("document.querySelector('#status .error').textContent"),
          "a refused query shows the server's message")


ERROR = "document.querySelector('#status .error')"


def expect_filter_error(b, words, what):
    """Waits for the page's error naming a filter; no result may show."""
    b.wait("%s && %s.length === 0" % (ERROR, HITS), "an error for " + what)
    text = b.eval(ERROR + ".textContent")
    check(all(w in text for w in words), "%s is named: %s" % (what, text))


def submit_filters(b, base, **boxes):
    """Fills the filter boxes after a search for diffusion and submits."""
    b.goto(base + "/?q=diffusion")
    b.wait("%s.length === 10" % HITS, "results for diffusion")
    for box, text in boxes.items():
        b.eval("document.getElementById(%s).value = ''; document.getElementById(%s).focus(); true"
               % (json.dumps(box), json.dumps(box)))
        b.call("Input.insertText", text=text)
    b.eval("document.getElementById('form').requestSubmit(); true")


def drive_filter_errors(b, base):
    """A badly typed filter is an error naming its box, never a search
    without it (a user trial: From 2024-1 listed all 27 matches)."""
    b.goto(base + "/?q=diffusion&from=2024-1")
    expect_filter_error(b, ["From", "YYYY-MM", "2024-1"], "a malformed From in the address")
    check("from=2024-1" in b.eval("location.search") and b.eval("document.getElementById('from').value") == "2024-1",
          "the address and the box keep the From as typed")
    submit_filters(b, base, **{"from": "2024-1", "to": "2024-3"})
    expect_filter_error(b, ["From", "YYYY-MM"], "a malformed typed From")
    submit_filters(b, base, to="2024-13")
    expect_filter_error(b, ["To", "YYYY-MM", "2024-13"], "a month 13 in To")
    submit_filters(b, base, votes="-5")
    expect_filter_error(b, ["Min votes", "-5"], "negative min votes")
    submit_filters(b, base, votes="1e")
    expect_filter_error(b, ["Min votes", "whole number"], "min votes the box cannot read")
    b.goto(base + "/?q=diffusion&votes=abc")
    expect_filter_error(b, ["Min votes", "abc"], "min votes abc in the address")
    submit_filters(b, base, **{"from": "2024-03", "to": "2024-03"})
    b.wait("%s.length > 0 && !%s" % (HITS, ERROR), "results once the months are well formed")


def drive_filters_alone(b, base):
    """Filters without words list the papers that pass them (README); the
    page showed its welcome screen instead (a user trial)."""
    b.goto(base + "/?from=2024-03&to=2024-03")
    b.wait("%s.length > 0" % HITS, "results for a month alone")
    dates = b.eval("[...document.querySelectorAll('#hits .meta span:first-child')].map(s => s.textContent)")
    check(all(d.startswith("2024-03") for d in dates) and b.eval("document.getElementById('welcome').hidden"),
          "a month alone lists that month's papers (%d shown)" % len(dates))
    b.goto(base + "/")
    for box, text in (("from", "2024-03"), ("to", "2024-03")):
        b.eval("document.getElementById(%s).value = %s; true" % (json.dumps(box), json.dumps(text)))
    b.eval("document.getElementById('form').requestSubmit(); true")
    b.wait("%s.length > 0 && location.search.includes('from=2024-03')" % HITS,
           "results for an empty search box with From/To set")
    print("ok: an empty search box with From/To searches the months")
    b.goto(base + "/?votes=40")
    b.wait("%s.length > 0" % HITS, "results for min votes alone")
    votes = [int(re.search(r"▲ (\d+)", v).group(1))
             for v in b.eval("[...document.querySelectorAll('#hits .meta')].map(m => m.textContent)")]
    check(all(v >= 40 for v in votes), "min votes alone lists the papers with that many %s" % votes)


def drive_past_end(b, base):
    """A page past the last shows the last, with a note; never "999 / 3"
    with no results, nor the API's refusal of an offset past 999,900."""
    for page in ("999", "100001"):
        b.goto(base + "/?q=diffusion&page=" + page, same_url=False)
        b.wait("document.querySelector('#hits .rank') && "
               "document.querySelector('#hits .rank').textContent === '21.' && "
               "location.search.includes('page=3') && "
               "document.getElementById('notices').textContent.includes('no page %s')" % page,
               "the last page for page=" + page)
        check(not b.eval("!!" + ERROR) and b.eval("document.getElementById('pageinfo').textContent")
              .startswith("3 / 3 "), "page=%s shows the last page, 3 / 3, with a note" % page)
    b.eval("document.getElementById('prev').click()")
    b.wait("document.querySelector('#hits .rank').textContent === '11.' && location.search.includes('page=2')",
           "Prev from the last page")
    check(not b.eval("document.getElementById('notices').textContent.includes('no page')"),
          "Prev after it goes to page 2, the note gone")
    # one paper is one: "1 paper match" (a trial)
    b.goto(base + "/?q=Shaping", same_url=False)
    b.wait("%s.length === 1" % HITS, "the one paper of 'Shaping'")
    check("1 paper matches" in b.eval("document.getElementById('summary').textContent"),
          "one paper matches, in the singular")


def drive_suggestion(b, base):
    """A misspelt word shows the results of the word as papers write it,
    said so, with a link to search the words as typed, filters kept; there,
    a "did you mean" link searches the suggestion; a correct word gets
    neither."""
    b.goto(base + "/?q=difusion&votes=1", same_url=False)
    b.wait("%s.length > 0 && !!document.querySelector('#notices strong.corrected')" % HITS,
           "the results for 'diffusion' shown for 'difusion'")
    check(b.eval("document.querySelector('#notices strong.corrected').textContent") ==
          "diffusion" and b.eval("document.getElementById('q').value") == "difusion",
          "the note names the suggestion, the box keeps the words as typed")
    b.wait("!document.getElementById('chart').hidden", "the chart of the suggestion's papers")
    listed = b.eval("document.querySelector('#summary strong').textContent")
    charted = b.eval("document.getElementById('chart-title').textContent")
    check(listed.endswith("편") and (" · " + listed + " · ") in charted,
          "the chart counts the suggestion's papers, as the list does (%s / %s)" % (listed, charted))
    href = b.eval("document.querySelector('#notices a.as-typed').getAttribute('href')")
    check("q=difusion" in href and "votes=1" in href and "as_typed=1" in href,
          "the as-typed link keeps the filters (%s)" % href)
    b.eval("document.querySelector('#notices a.as-typed').click(); true")
    b.wait("!!document.querySelector('#notices a.suggestion') && "
           "location.search.includes('as_typed=1')", "a suggestion for 'difusion' as typed")
    check(b.eval("document.querySelector('#notices a.suggestion').textContent") == "diffusion",
          "'difusion' suggests 'diffusion' (the box's words, not the filters)")
    href = b.eval("document.querySelector('#notices a.suggestion').getAttribute('href')")
    check("q=diffusion" in href and "votes=1" in href,
          "the link keeps the filters for a new tab (%s)" % href)
    b.eval("document.querySelector('#notices a.suggestion').click(); true")
    b.wait("%s.length > 0 && location.search.includes('q=diffusion') && "
           "location.search.includes('votes=1')" % HITS, "results for the suggestion")
    check(b.eval("document.getElementById('q').value") == "diffusion" and
          not b.eval("!!document.querySelector('#notices a.suggestion')"),
          "clicking it searches 'diffusion' with the filters, and no suggestion is left")


def drive_partial(b, base):
    """A partial match's badge names the word of the query it lacks, as
    typed (the API's "missing"), and a full match has no badge."""
    b.goto(base + "/?q=diffusion%20qqqzzzxxx", same_url=False)
    b.wait("%s.length > 0" % HITS, "partial matches for 'diffusion qqqzzzxxx'")
    badges = b.eval("Array.from(document.querySelectorAll('#hits .badge'))"
                    ".map(e => e.textContent)")
    hits = b.eval(HITS + ".length")
    check(len(badges) == hits and all(x.endswith("without: qqqzzzxxx") for x in badges),
          "each partial match names the word it lacks %s" % badges[:2])
    b.goto(base + "/?q=diffusion", same_url=False)
    b.wait("%s.length > 0" % HITS, "results for 'diffusion'")
    check(b.eval("document.querySelectorAll('#hits .badge').length") == 0,
          "full matches carry no partial badge")


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    bin_dir = os.path.abspath(args.pop(0))
    opts = dict(zip(args[::2], args[1::2]))
    exe = next((shutil.which(x) for x in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(x)), None)
    if not exe:
        print("SKIP: no chromium (apt-get install chromium)")
        sys.exit(77)
    shot = os.path.abspath(opts.get("--screenshot", os.path.join(bin_dir, "serve_page.png")))
    tmp = tempfile.mkdtemp(prefix="pdx_browser.")
    srv = b = None
    try:
        index = opts.get("--index")
        if index == "demo":  # the invented digests of the README screenshot
            digests = os.path.join(tmp, "demo")
            os.mkdir(digests)
            H.demo_digests(digests)
            index = os.path.join(tmp, "demo.idx")
            H.build_index(bin_dir, index, digests)
        elif not index:
            digests = os.path.join(tmp, "d")
            os.mkdir(digests)
            with open(os.path.join(digests, "a.md"), "w") as f:
                f.write(H.DIGEST_A)
            with open(os.path.join(digests, "b.md"), "w") as f:
                f.write(H.many_papers_digest(25))
            index = os.path.join(tmp, "t.idx")
            H.build_index(bin_dir, index, digests)
        srv = H.Server(bin_dir, index)
        b = Browser(exe)
        if "--query" in opts:
            b.goto(srv.base + "/?" + urllib.parse.urlencode({"q": opts["--query"]}))
            b.wait("%s.length > 0 && !document.getElementById('chart').hidden" % HITS, "results")
            time.sleep(0.3)
            b.screenshot(shot)
            print("screenshot written to", shot)
        else:
            drive_page(b, srv.base, shot)
            drive_filter_errors(b, srv.base)
            drive_filters_alone(b, srv.base)
            drive_past_end(b, srv.base)
            drive_suggestion(b, srv.base)
            drive_partial(b, srv.base)
    finally:
        if b:
            b.close()
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("browser test passed")


if __name__ == "__main__":
    main()
