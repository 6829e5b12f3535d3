#!/usr/bin/env python3
"""paperdex-serve end to end (stdlib only): every endpoint and error status,
escaping of hostile index strings, concurrent requests, a slowloris-style
client, the connection limit, index replacement under load, clean stop.

    python3 tests/test_serve.py BUILD_DIR

Each server is started on a free loopback port and stopped by the test;
the whole file runs in about 15 seconds.
"""
import http.client
import json
import glob
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_serve_harness as H  # noqa: E402

BIN = None  # the build folder, from argv


def get(base_port, path, method="GET", body=None, headers=None, conn=None):
    """(status, headers dict, body bytes) of one request."""
    c = conn or http.client.HTTPConnection("127.0.0.1", base_port, timeout=10)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    if conn is None:
        c.close()
    return r.status, hdrs, data


def get_json(port, path, **kw):
    status, hdrs, data = get(port, path, **kw)
    return status, hdrs, json.loads(data.decode("utf-8"))


def q(s):
    return urllib.parse.quote(s, safe="")


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pdx_serve_test.")
        cls.digests = os.path.join(cls.tmp, "digests")
        os.mkdir(cls.digests)
        with open(os.path.join(cls.digests, "2024-03-05.md"), "w") as f:
            f.write(H.DIGEST_A)
        with open(os.path.join(cls.digests, "2024-06-02.md"), "w") as f:
            f.write(H.many_papers_digest(25))
        cls.index = os.path.join(cls.tmp, "test.idx")
        H.build_index(BIN, cls.index, cls.digests)
        cls.srv = H.Server(BIN, cls.index, "--threads", "2", "--timeout", "2",
                           "--max-connections", "64")
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        status = cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        # every request above left it running, and it stops cleanly (under
        # the sanitizers: no leak, no memory error)
        if status != 0:
            raise AssertionError("paperdex-serve exited with %d: %s"
                                 % (status, "".join(cls.srv.stderr_lines)[-2000:]))

    # ---- endpoints ----

    def test_search_has_the_cli_keys_and_values(self):
        """/api/search hits are paperdex-search --json's, key for key."""
        for query in ["diffusion", "강화학습", "Tricky", "diffusion -video", "xyzzy", "difusion"]:
            status, hdrs, res = get_json(self.port, "/api/search?n=5&q=" + q(query))
            self.assertEqual(status, 200, query)
            self.assertEqual(hdrs["content-type"], "application/json; charset=utf-8")
            cli = subprocess.run([os.path.join(BIN, "paperdex-search"), "-i", self.index, "--json",
                                  "-n", "5", query], capture_output=True, timeout=30)
            lines = [json.loads(x) for x in cli.stdout.decode("utf-8").splitlines()]
            cli_hits = [x for x in lines if x["type"] == "hit"]
            summary = lines[-1]
            self.assertEqual(summary["type"], "summary")
            self.assertEqual(len(res["hits"]), len(cli_hits), query)
            for mine, theirs in zip(res["hits"], cli_hits):
                self.assertEqual(list(mine.keys()), list(theirs.keys()))
                self.assertEqual(mine, theirs)
            for key in ["query", "total", "total_exact", "shown", "offset", "partial_used",
                        "notices", "expansions", "suggestion", "corrected"]:
                self.assertEqual(res[key], summary[key], key)
            self.assertIn("took_us", res)
        # "did you mean" for a misspelt word, and its results unless
        # no_correct, as the CLI; none for words papers hold
        res = get_json(self.port, "/api/search?q=difusion")[2]
        plain = get_json(self.port, "/api/search?q=diffusion")[2]
        self.assertEqual(res["suggestion"], "diffusion")
        self.assertTrue(res["corrected"])
        self.assertEqual(res["query"], "difusion")
        self.assertEqual(res["total"], plain["total"])
        self.assertEqual([h["id"] for h in res["hits"]], [h["id"] for h in plain["hits"]])
        typed = get_json(self.port, "/api/search?q=difusion&no_correct=1")[2]
        self.assertEqual((typed["suggestion"], typed["corrected"], typed["total"]),
                         ("diffusion", False, 0))
        self.assertIsNone(plain["suggestion"])
        self.assertFalse(plain["corrected"])
        # the chart counts the papers the page lists
        hist = get_json(self.port, "/api/histogram?q=difusion")[2]
        self.assertTrue(hist["corrected"])
        self.assertEqual(hist["total"], plain["total"])
        hist = get_json(self.port, "/api/histogram?q=difusion&no_correct=1")[2]
        self.assertEqual((hist["corrected"], hist["total"]), (False, 0))

    def test_search_paging_sort_and_options(self):
        _, _, p1 = get_json(self.port, "/api/search?q=diffusion&n=10")
        _, _, p2 = get_json(self.port, "/api/search?q=diffusion&n=10&offset=10")
        self.assertEqual(p1["total"], p2["total"])
        self.assertGreaterEqual(p1["total"], 27)
        self.assertEqual([h["rank"] for h in p2["hits"]], list(range(11, 21)))
        self.assertFalse({h["id"] for h in p1["hits"]} & {h["id"] for h in p2["hits"]})
        _, _, by_votes = get_json(self.port, "/api/search?q=diffusion&n=20&sort=votes")
        votes = [h["votes"] for h in by_votes["hits"]]
        self.assertEqual(votes, sorted(votes, reverse=True))
        _, _, by_date = get_json(self.port, "/api/search?q=diffusion&n=20&sort=date")
        dates = [h["date"] for h in by_date["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        _, _, w0 = get_json(self.port, "/api/search?q=diffusion&n=3&vote_weight=0")
        self.assertEqual(len(w0["hits"]), 3)
        # numbers as paperdex-search takes them: an exponent too
        _, _, e1 = get_json(self.port, "/api/search?q=diffusion&n=5&vote_weight=2e-1")
        _, _, d1 = get_json(self.port, "/api/search?q=diffusion&n=5&vote_weight=0.2")
        self.assertEqual([h["score"] for h in e1["hits"]], [h["score"] for h in d1["hits"]])
        _, _, nx = get_json(self.port, "/api/search?q=" + q("강화학습") + "&no_expand=1")
        self.assertEqual(nx["expansions"], [])
        # '+' in a query string is a space
        _, _, plus = get_json(self.port, "/api/search?q=sparse+diffusion")
        self.assertEqual(plus["query"], "sparse diffusion")

    def test_paper_stats_histogram(self):
        status, _, p = get_json(self.port, "/api/paper/2404.00003")
        self.assertEqual(status, 200)
        self.assertEqual(p["title"], "Reward Shaping for Reinforcement Learning Agents")
        self.assertEqual(p["authors"], ["Ana Costa", "Wei Zhang"])
        self.assertEqual(p["votes"], 19)
        self.assertEqual(p["date"], "2024-04-11")
        self.assertIn("보상 설계", p["summary"])
        self.assertEqual(p["digest"], "2024-03-05.md")  # not the server's path
        _, _, v = get_json(self.port, "/api/paper/2404.00003v2")  # version dropped
        _, _, c = get_json(self.port, "/api/paper/arXiv:2404.00003")  # as cited (a trial)
        self.assertEqual(c["id"], "2404.00003")
        self.assertEqual(v["id"], "2404.00003")
        status, _, s = get_json(self.port, "/api/stats")
        self.assertEqual(status, 200)
        self.assertEqual(s["papers"], 29)
        self.assertEqual((s["first_date"], s["last_date"]), ("2024-03-05", "2024-06-02"))
        self.assertGreaterEqual(s["generation"], 1)
        status, _, h = get_json(self.port, "/api/histogram?q=diffusion")
        self.assertEqual(status, 200)
        self.assertEqual([m["month"] for m in h["months"]], ["2024-03", "2024-04", "2024-05", "2024-06"])
        self.assertEqual([m["count"] for m in h["months"]], [1, 1, 0, 25])
        self.assertEqual(sum(m["count"] for m in h["months"]) + h["undated"], h["total"])
        _, _, none = get_json(self.port, "/api/histogram?q=xyzzy")
        self.assertEqual((none["total"], none["months"]), (0, []))

    def test_histogram_of_a_century_and_more(self):
        """A date typed a century off (1924 beside 2024) lists the months
        with a match, not a 500 (a user trial)."""
        d = os.path.join(self.tmp, "century")
        os.makedirs(d)
        for day, pid in (("2024-05-01", "2405.00001"), ("2024-05-02", "2405.00002"),
                         ("1924-05-01", "2405.00003")):
            with open(os.path.join(d, day + ".md"), "w") as f:
                f.write("## Daily Papers (%s)\n\n### [A Paper](https://arxiv.org/abs/%s)\n\n"
                        "Vote: 1\n\nAuthors: X\n\n- histword 요약\n" % (day, pid))
        idx = os.path.join(self.tmp, "century.idx")
        H.build_index(BIN, idx, d)
        srv = H.Server(BIN, idx)
        try:
            status, _, h = get_json(srv.port, "/api/histogram?q=histword")
            self.assertEqual(status, 200)
            self.assertEqual(h["months"], [{"month": "1924-05", "count": 1},
                                           {"month": "2024-05", "count": 2}])
        finally:
            self.assertEqual(srv.stop(), 0)

    def test_page_is_self_contained(self):
        status, hdrs, body = get(self.port, "/")
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        self.assertIn("default-src 'none'", hdrs["content-security-policy"])
        text = body.decode("utf-8")
        self.assertIn("검색", text)
        self.assertIn("Search", text)
        for external in ["src=\"http", "href=\"http", "@import", "url(http", "<link"]:
            self.assertNotIn(external, text)
        self.assertNotIn(".innerHTML", text)
        self.assertNotIn("insertAdjacentHTML", text)
        self.assertEqual(get(self.port, "/", method="HEAD")[0], 200)

    # ---- errors ----

    def assert_error(self, status, path, **kw):
        st, hdrs, body = get(self.port, path, **kw)
        self.assertEqual(st, status, path[:80])
        self.assertEqual(hdrs["content-type"], "application/json; charset=utf-8")
        err = json.loads(body.decode("utf-8"))
        self.assertEqual(err["status"], status)
        self.assertTrue(err["error"])
        return err["error"]

    def test_400_bad_query_or_parameter(self):
        self.assertIn("no query", self.assert_error(400, "/api/search"))
        self.assert_error(400, "/api/search?q=")
        self.assertIn("n wants", self.assert_error(400, "/api/search?q=a&n=0"))
        self.assert_error(400, "/api/search?q=a&n=101")
        self.assert_error(400, "/api/search?q=a&n=1e3")
        self.assert_error(400, "/api/search?q=a&offset=-1")
        self.assert_error(400, "/api/search?q=a&offset=99999999999")
        self.assertIn("sort", self.assert_error(400, "/api/search?q=a&sort=random"))
        self.assert_error(400, "/api/search?q=a&vote_weight=nan")
        self.assert_error(400, "/api/search?q=a&vote_weight=101")
        self.assert_error(400, "/api/search?q=a&vote_weight=1e999")
        self.assert_error(400, "/api/search?q=a&vote_weight=0x1p0")
        self.assert_error(400, "/api/search?q=a&vote_weight=-1")
        # the values it takes, all named (a trial: "wants 1 or 0", though
        # true and the bare name are taken too)
        self.assertIn("true", self.assert_error(400, "/api/search?q=a&no_partial=maybe"))
        for v in ("no_partial", "no_partial=true", "no_partial=1", "no_partial=false"):
            self.assertEqual(get(self.port, "/api/search?q=a&" + v)[0], 200, v)
        self.assertIn("date", self.assert_error(400, "/api/search?q=" + q("diffusion date:2024-13")))
        self.assert_error(400, "/api/search?q=" + q("author:"))
        self.assert_error(400, "/api/search?q=" + q("tr*nsformer"))
        self.assert_error(400, "/api/paper/" + q("x OR diffusion"))
        self.assert_error(400, "/api/histogram")
        # an encoded NUL cut the decoded path: this found paper 2404.00003
        self.assertIn("NUL", self.assert_error(400, "/api/paper/2404.00003%00junk"))

    def test_400_broken_percent_encoding(self):
        # a user trial: these were searched as the literal text %ZZ, %E and
        # "\u0000abc"; every parameter is checked, known or not
        for path, name in [("/api/search?q=%ZZ", "'q'"), ("/api/search?q=%E", "'q'"),
                           ("/api/search?q=%00abc", "'q'"), ("/api/search?q=a&n=1%G0", "'n'"),
                           ("/api/histogram?q=ok%2", "'q'"), ("/api/search?q=a&junk=%", "'junk'"),
                           ("/api/stats?%=1", "'%'"), ("/api/stats?=%zz", "(unnamed)"),
                           ("/api/search?q=%zz", "'q'")]:
            self.assertIn(name, self.assert_error(400, path), path)
        # valid escapes still decode: UTF-8 Korean, %25 for '%', '+' as a space
        _, _, ko = get_json(self.port, "/api/search?q=%EA%B0%95%ED%99%94%ED%95%99%EC%8A%B5")
        self.assertEqual(ko["query"], "강화학습")
        self.assertGreater(ko["total"], 0)
        status, _, pct = get_json(self.port, "/api/search?q=100%25")
        self.assertEqual((status, pct["query"]), (200, "100%"))
        _, _, plus = get_json(self.port, "/api/search?q=diffusion+%EB%AA%A8%EB%8D%B8")
        self.assertEqual(plus["query"], "diffusion 모델")
        # the page reads its own address: "/?q=100%" is the page (a review
        # found it refused), whose script sends the API "100%25"
        for path in ("/?q=100%", "/?q=%zz", "/index.html?x=%"):
            status, hdrs, _ = get(self.port, path)
            self.assertEqual((status, hdrs["content-type"]), (200, "text/html; charset=utf-8"), path)

    def test_404(self):
        self.assert_error(404, "/nope")
        self.assert_error(404, "/api/paper/2499.99999")
        self.assert_error(404, "/../../etc/passwd")
        self.assert_error(404, "/api/searchx?q=a")
        self.assert_error(404, "/index.php")

    def test_405_413_414(self):
        self.assert_error(405, "/api/search?q=a", method="POST", body=b"")
        self.assertIn("body", self.assert_error(413, "/api/search?q=a", method="GET",
                                                body=b"x" * 100, headers={"Content-Length": "100"}))
        long_q = "a" * (64 * 1024 + 1)  # one byte past the parser's bound
        self.assertIn("longer than 65536", self.assert_error(413, "/api/search?q=" + long_q))
        self.assert_error(414, "/api/search?q=" + "b" * (100 * 1024))
        # far past the connection's memory: libmicrohttpd's own refusal, no crash
        st, _, _ = get(self.port, "/api/search?q=" + "c" * (600 * 1024))
        self.assertIn(st, (414, 431))
        st, _, _ = get(self.port, "/api/stats", headers={"X-Big": "d" * (600 * 1024)})
        self.assertIn(st, (413, 431))
        self.assertEqual(get_json(self.port, "/api/stats")[0], 200)  # still serving

    def test_hostile_strings_are_escaped(self):
        _, hdrs, res = get_json(self.port, "/api/search?q=Tricky")
        self.assertEqual(hdrs["x-content-type-options"], "nosniff")
        hit = res["hits"][0]
        self.assertEqual(hit["title"], H.HOSTILE_TITLE)  # exact, as text
        self.assertIn('Mallory "><svg onload=window.__pwned=3>', hit["authors"])
        _, _, paper = get_json(self.port, "/api/paper/2403.00002")
        self.assertIn("</textarea></script>", paper["summary"])
        # the page itself never contains index strings
        self.assertNotIn(b"__pwned", get(self.port, "/")[2])

    # ---- load, limits, replacement ----

    def test_concurrent_requests(self):
        queries = ["diffusion", "강화학습", "Paging", "survey", "diffusion 모델", "votes:>=20"]
        expect = {x: get_json(self.port, "/api/search?n=10&q=" + q(x))[2]["hits"] for x in queries}
        errors = []

        def client(k):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            for i in range(25):
                x = queries[(k + i) % len(queries)]
                try:
                    st, _, body = get(self.port, "/api/search?n=10&q=" + q(x), conn=conn)
                    if st != 200 or json.loads(body)["hits"] != expect[x]:
                        errors.append((x, st))
                except Exception as e:  # noqa: BLE001 - any failure counts
                    errors.append((x, repr(e)))
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])

    def test_slow_clients_do_not_hold_the_server(self):
        """slowloris: six clients send a request one byte every 0.4 s and
        never finish it (libmicrohttpd's idle timeout never fires for them),
        one stops halfway. Searches are answered meanwhile, and the server
        closes all seven once their request misses the --timeout 2 s
        deadline."""
        def closed_by_server(s):
            try:
                s.sendall(b"X")
                s.settimeout(0.05)
                return s.recv(4096) == b""
            except socket.timeout:
                return False
            except OSError:  # reset or broken pipe: closed
                return True

        trickle = []
        for _ in range(6):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            trickle.append(s)
        stalled = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        stalled.sendall(b"GET /api/sta")
        t0 = time.time()
        open_ = list(trickle)
        answered = 0
        while open_ and time.time() - t0 < 5.0:
            open_ = [s for s in open_ if not closed_by_server(s)]
            t1 = time.time()
            self.assertEqual(get_json(self.port, "/api/search?q=diffusion")[0], 200)
            self.assertLess(time.time() - t1, 1.0)  # answered while they trickle
            answered += 1
            time.sleep(0.4)
        self.assertEqual(open_, [], "trickling clients still connected after 5 s")
        self.assertGreater(time.time() - t0, 1.5)  # not before their deadline
        self.assertGreater(answered, 3)
        stalled.settimeout(2)
        try:
            data = stalled.recv(4096)
        except (ConnectionResetError, socket.timeout):
            data = None
        self.assertEqual(data, b"")
        for s in trickle + [stalled]:
            s.close()

    def test_busy_connection_outlives_the_deadline(self):
        """The deadline is per request: a keep-alive connection that keeps
        asking is never closed (3 s of requests, --timeout 2)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        t0, n = time.time(), 0
        while time.time() - t0 < 3.0:
            st, hdrs, _ = get(self.port, "/api/search?q=diffusion", conn=conn)
            self.assertEqual(st, 200)
            self.assertNotEqual(hdrs.get("connection", "").lower(), "close")  # keep-alive
            first = first if n else conn.sock
            self.assertIs(conn.sock, first)  # the same connection throughout
            n += 1
            time.sleep(0.2)
        conn.close()

    def test_replacement_during_requests(self):
        """The index file is replaced (paperdex-index -o, atomic) while
        clients search: no request fails, and the new papers show up."""
        tmp = tempfile.mkdtemp(prefix="pdx_serve_repl.", dir=self.tmp)
        digests = os.path.join(tmp, "d")
        shutil.copytree(self.digests, digests)
        # 3,000 more papers, so that a request takes long enough (a page of
        # 100 snippets ranked by date over every match) to be in flight
        # whenever the index is swapped
        with open(os.path.join(digests, "bulk.md"), "w") as f:
            f.write(H.many_papers_digest(3000, day="2024-07-01").replace("2406.", "2407."))
        idx = os.path.join(tmp, "r.idx")
        H.build_index(BIN, idx, digests)
        srv = H.Server(BIN, idx, "--threads", "2")
        stop = threading.Event()
        errors, counts = [], [0]

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
            while not stop.is_set():
                try:
                    st, _, body = get(srv.port, "/api/search?n=100&sort=date&q=diffusion",
                                      conn=conn)
                    if st != 200 or not json.loads(body)["hits"]:
                        errors.append(st)
                    counts[0] += 1
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
                    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)

        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        try:
            for k in range(6):
                name = os.path.join(digests, "extra.md")
                if k % 2 == 0:
                    with open(name, "w") as f:
                        f.write(H.DIGEST_B)
                else:
                    os.remove(name)
                H.build_index(BIN, idx, digests)
                want = 3030 if k % 2 == 0 else 3029
                deadline = time.time() + 3
                while get_json(srv.port, "/api/stats")[2]["papers"] != want:
                    self.assertLess(time.time(), deadline, "replacement %d not picked up" % k)
                    time.sleep(0.05)
            # a file that is not an index renamed over it: the old one stays
            bad = os.path.join(tmp, "bad.idx")
            with open(bad, "wb") as f:
                f.write(b"not an index at all\n" * 10)
            os.rename(bad, idx)
            time.sleep(0.5)
            st, _, s = get_json(srv.port, "/api/stats")
            self.assertEqual((st, s["papers"]), (200, 3029))
        finally:
            stop.set()
            for t in threads:
                t.join(30)
            self.assertEqual(srv.stop(), 0)
        self.assertEqual(errors, [])
        self.assertGreater(counts[0], 20)
        log = "".join(srv.stderr_lines)
        self.assertIn("was replaced", log)
        self.assertIn("cannot be opened", log)
        self.assertEqual(log.count("cannot be opened"), 1)  # reported once

    def test_overwritten_in_place_says_why(self):
        """An index truncated under the server (cp over it, not mv): the
        server cannot go on reading it and exits with a message, not a
        silent death."""
        idx = os.path.join(self.tmp, "inplace.idx")
        shutil.copyfile(self.index, idx)
        # format 4 and later: the manifest names segment files beside it; the
        # segment is what the server maps
        segs = glob.glob(glob.escape(self.index) + ".*.seg")
        self.assertEqual(len(segs), 1)
        seg = idx + segs[0][len(self.index):]
        shutil.copyfile(segs[0], seg)
        srv = H.Server(BIN, idx)
        try:
            with open(seg, "r+b") as f:
                f.truncate(4096)
            for _ in range(20):  # reads past the end of the file: SIGBUS
                try:
                    get(srv.port, "/api/search?n=100&q=diffusion")
                except (OSError, http.client.HTTPException):
                    break
                time.sleep(0.05)
            srv.proc.wait(10)
        finally:
            status = srv.stop()
        self.assertEqual(status, 1)
        self.assertIn("overwritten in place", "".join(srv.stderr_lines))

    def test_garbage_requests(self):
        """Random request lines, headers and query strings (seeded): each
        gets an HTTP answer or a closed connection, never a crash."""
        rng = random.Random(13)
        alphabet = [b"%", b"%0", b"%00", b"%FF", b"&", b"=", b"?", b"/", b"+", b"q", b"n",
                    b"offset", b"sort", b"\x00", b"\xff", b"\r", b"\n", b" ", b"*", b"(",
                    b"\"", b"date:", b"votes:>", b"id:", b"-", b"\xea\xb0\x95", b"A" * 300]
        paths = [b"/api/search?", b"/api/histogram?", b"/api/paper/", b"/", b"/api/stats?"]
        statuses = set()
        for i in range(150):
            target = rng.choice(paths) + b"".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
            method = rng.choice([b"GET", b"GET", b"HEAD", b"POST", b"PUT", b"G\x00T"])
            req = method + b" " + target + b" HTTP/1.1\r\nHost: x\r\n"
            body = b""
            if i % 5 == 0:  # (a body is sent whole: a missing one waits for the deadline)
                extra, body = rng.choice([(b"Content-Length: 5\r\n", b"hello"),
                                          (b"Transfer-Encoding: chunked\r\n", b"3\r\nabc\r\n0\r\n\r\n"),
                                          (b"X: " + b"y" * 1000 + b"\r\n", b""),
                                          (b"Bad Header\r\n", b"")])
                req += extra
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(req + b"Connection: close\r\n\r\n" + body)
                data = b""
                try:
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except (ConnectionResetError, socket.timeout):
                    pass
            if data:
                self.assertTrue(data.startswith(b"HTTP/1."), data[:80])
                statuses.add(int(data[9:12]))
        self.assertTrue(statuses & {200, 400, 404, 405, 413})
        self.assertEqual(get_json(self.port, "/api/stats")[0], 200)

    def test_client_errors_cannot_flood_the_log(self):
        """libmicrohttpd names each malformed request on stderr: a trial
        added two lines a request with 'Content-Length: -1', so a client
        could fill the log. At most 10 such lines a minute are printed."""
        srv = H.Server(BIN, self.index)
        try:
            for _ in range(40):
                with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
                    s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length: -1\r\nConnection: close\r\n\r\n")
                    try:
                        while s.recv(65536):
                            pass
                    except (ConnectionResetError, socket.timeout):
                        pass
            self.assertEqual(get_json(srv.port, "/api/stats")[0], 200)
        finally:
            self.assertEqual(srv.stop(), 0)
        lines = [l for l in "".join(srv.stderr_lines).splitlines() if "libmicrohttpd:" in l]
        self.assertGreater(len(lines), 0)  # the requests did make it complain
        self.assertLessEqual(len(lines), 10, lines)

    def raw_get(self, target):
        """The whole answer to 'GET target' sent as raw bytes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data
                data += chunk

    def test_raw_nul_in_target_refused(self):
        """A raw NUL byte in the request target ended it for libmicrohttpd:
        'q=model\\0-model&n=1' was a search for model with 10 hits, and
        /api/paper/ID\\0junk found the paper (an adversarial review)."""
        for target in (b"/api/search?q=model\x00-model&n=1", b"/api/paper/2404.00003\x00junk"):
            data = self.raw_get(target)
            self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:80])
            self.assertIn(b"NUL", data)
        # nor past the target's bound: a review found a NUL followed by 97 KiB
        # answered 200 (the bound read the target up to the NUL)
        for target in (b"/api/paper/2404.00003\x00" + b"A" * 99328,
                       b"/api/search?q=model\x00" + b"A" * 99328 + b"&n=1"):
            data = self.raw_get(target)
            self.assertTrue(data.startswith(b"HTTP/1.1 414"), data[:80])

    def test_absolute_form_target(self):
        """'GET http://host/path' (RFC 9112 3.2.2: a server must accept it)
        was a 404."""
        for target in (b"http://127.0.0.1/api/stats", b"HTTP://x:1/api/stats?a=1"):
            data = self.raw_get(target)
            self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:80])
            self.assertIn(b'"papers":', data)

    def test_too_many_parameters(self):
        """A query string of ~3,800+ parameters runs libmicrohttpd out of
        the connection's memory: it logged a 431 it could not send and the
        client waited until --timeout (an adversarial review). Past 1,000
        parameters the server answers 400, and where libmicrohttpd cannot
        answer, the connection is closed within a second or so."""
        srv = H.Server(BIN, self.index, "--timeout", "10")
        try:
            def ask(n):
                target = b"/api/search?q=a&" + b"x=1&" * n
                with socket.create_connection(("127.0.0.1", srv.port), timeout=12) as s:
                    s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    data = b""
                    try:
                        while True:
                            chunk = s.recv(65536)
                            if not chunk:
                                return data
                            data += chunk
                    except ConnectionResetError:
                        return data
            self.assertTrue(ask(100).startswith(b"HTTP/1.1 200"))
            data = ask(1500)
            self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:80])
            self.assertIn(b"parameters", data)
            t0 = time.time()
            ask(4000)
            self.assertLess(time.time() - t0, 5)
        finally:
            srv.stop()

    def test_overload_gets_503(self):
        srv = H.Server(BIN, self.index, "--max-connections", "3", "--timeout", "5")
        try:
            idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(3)]
            time.sleep(0.3)
            st, hdrs, body = get(srv.port, "/api/stats")
            self.assertEqual(st, 503)
            self.assertEqual(hdrs.get("retry-after"), "1")
            self.assertEqual(json.loads(body)["status"], 503)
            # the three that came first are served while a fourth is open
            # (a user trial: a burst past the limit was told 503 on every
            # connection, the first ones too)
            extra = socket.create_connection(("127.0.0.1", srv.port))
            time.sleep(0.3)
            for s in idle:
                s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
                s.settimeout(5)
                self.assertTrue(s.recv(64).startswith(b"HTTP/1.1 200"))
            extra.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
            extra.settimeout(5)
            self.assertTrue(extra.recv(64).startswith(b"HTTP/1.1 503"))
            extra.close()
            for s in idle:
                s.close()
            time.sleep(0.3)
            self.assertEqual(get(srv.port, "/api/stats")[0], 200)
        finally:
            srv.stop()

    def test_half_open_flood_does_not_hold_new_clients(self):
        """A robustness trial held 272 connections open without a request:
        libmicrohttpd accepted no more, and a new client waited for the
        --timeout (~10 s) in the listen queue. Once the last connection it
        accepts is taken, the idle ones are closed within half a second:
        a new client is answered at once, and served once they are gone."""
        srv = H.Server(BIN, self.index, "--max-connections", "2", "--timeout", "10")
        flood = []
        try:
            flood = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(2 + 16)]
            time.sleep(0.2)
            t0 = time.time()
            st = get(srv.port, "/api/stats")[0]
            self.assertLess(time.time() - t0, 4.0)
            # told 503 if accepted before the flood's served two closed
            self.assertIn(st, (200, 503))
            time.sleep(0.5)
            self.assertEqual(get(srv.port, "/api/stats")[0], 200)
        finally:
            for s in flood:
                s.close()
            srv.stop()

    def test_start_stop_and_arguments(self):
        srv = H.Server(BIN, self.index, listen="0.0.0.0:0")
        self.assertIn("warning", srv.read_stderr() + "".join(srv.stderr_lines))
        self.assertEqual(srv.stop(signal_int()), 0)
        self.assertIn("stopped by SIGINT", "".join(srv.stderr_lines))
        serve = os.path.join(BIN, "paperdex-serve")
        for args, status, msg in [
                (["--listen", "nonsense"], 2, "--listen"),
                (["--threads", "0"], 2, "--threads"),
                (["--bogus"], 2, "unknown"),
                (["-i", os.path.join(self.tmp, "missing.idx")], 1, "missing.idx")]:
            p = subprocess.run([serve, *args], capture_output=True, timeout=10,
                               env=dict(os.environ, PAPERDEX_INDEX=self.index))
            self.assertEqual(p.returncode, status, args)
            self.assertIn(msg, p.stderr.decode())
        # a port another server holds: the message says why, not only that
        import socket
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            p = subprocess.run([serve, "-i", self.index, "--listen", "127.0.0.1:%d" % port],
                               capture_output=True, timeout=10)
        self.assertEqual(p.returncode, 1)
        # one line, ours: not also the library's "Failed to bind to port 0"
        self.assertEqual(p.stderr.decode(),
                         "paperdex-serve: cannot listen on 127.0.0.1:%d: Address already in use\n"
                         % port)
        # a name that does not resolve is not a malformed ADDR:PORT
        p = subprocess.run([serve, "-i", self.index, "--listen", "nosuchhost.invalid:0"],
                           capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nosuchhost.invalid:0: its address does not resolve", p.stderr.decode())


def signal_int():
    import signal
    return signal.SIGINT


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_serve.py BUILD_DIR")
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
