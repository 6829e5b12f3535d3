#!/usr/bin/env python3
"""paperdex-index --watch end to end (stdlib only): a digest added to a
watched folder becomes searchable, an edit replaces its words, a digest in
a new subfolder is found, a deleted digest disappears, a failed update is
logged and the watch goes on, the index's own files do not retrigger
updates, and SIGTERM / SIGINT end the watch with status 0 and no temporary
file left.

    python3 tests/test_watch.py BUILD_DIR

Every wait is bounded (WAIT seconds); the time each change took to become
searchable is printed, not asserted (speed lives in bench/). The digests
are written for this test.
"""
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BIN = None  # the build folder, from argv
WAIT = 15.0  # upper bound on any one wait: a correct run takes ~1 s per step


def digest(day, papers):
    """A digest of day with papers [(arxiv id, title, summary words)]."""
    out = ["## Daily Papers (%s)\n" % day]
    for pid, title, words in papers:
        out.append(
            "\n### [%s](https://arxiv.org/abs/%s)\n\nVote: 7\n\nAuthors: Test Author\n\n"
            "- **What's New**: %s 연구를 소개합니다.\n" % (title, pid, words))
    return "".join(out)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class Watcher:
    """A running paperdex-index --watch and the lines it logs."""

    running = []  # every watcher started, so a failed test leaves none behind

    def __init__(self, index, paths, extra=()):
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "paperdex-index"), "--watch", "-o", index, *extra, *paths],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        Watcher.running.append(self.proc)
        self.lines = queue.Queue()
        self.log = []
        self.err = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines),
                         daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))
        q.put(None)

    def _drain(self):
        for line in self.proc.stderr:
            self.err.append(line.rstrip("\n"))

    def next_line(self, timeout=WAIT):
        """The next log line (fails the test after timeout)."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no log line within %.0f s; so far: %r, stderr %r"
                                 % (timeout, self.log, self.err))
        if line is None:
            raise AssertionError("watch ended early: %r, stderr %r" % (self.log, self.err))
        self.log.append(line)
        return line

    def quiet_for(self, seconds):
        """True when nothing is logged for seconds."""
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        if line is not None:
            self.log.append(line)
        return False

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=WAIT)
        time.sleep(0.1)  # let the readers reach the end of the pipes
        rest = []
        while True:
            try:
                line = self.lines.get(timeout=2)
            except queue.Empty:
                break
            if line is None:
                break
            rest.append(line)
        self.log.extend(rest)
        return rc, rest


def search_ids(index, query):
    """arXiv ids paperdex-search returns for query ([] when none)."""
    r = subprocess.run([os.path.join(BIN, "paperdex-search"), "-i", index, "--json", query],
                       capture_output=True, text=True, timeout=WAIT)
    if r.returncode == 1:
        return []
    if r.returncode != 0:
        return None  # e.g. the index is not there yet
    return [json.loads(line)["id"] for line in r.stdout.splitlines()
            if line.startswith('{"type":"hit"')]


def wait_for(index, query, want):
    """Seconds until query returns exactly the ids want (fails after WAIT)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < WAIT:
        got = search_ids(index, query)
        if got is not None and sorted(got) == sorted(want):
            return time.monotonic() - t0
        time.sleep(0.05)
    raise AssertionError("%r: still %r after %.0f s, want %r"
                         % (query, search_ids(index, query), WAIT, want))


def leftovers(folder, base):
    """Temporary files of the index base left in folder."""
    return [n for n in os.listdir(folder) if n.startswith(base + ".tmp")]


class WatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pdx_watch_test.")
        self.docs = os.path.join(self.tmp, "docs")
        os.mkdir(self.docs)
        write(os.path.join(self.docs, "2024-01-02.md"),
              digest("2024-01-02", [("2401.00001", "Quokka Planner for Robots", "quokka")]))

    def tearDown(self):
        for proc in Watcher.running:  # a test that failed before stop()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        Watcher.running.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_add_edit_subfolder_delete_stop(self):
        # the index inside the watched folder: its own files must not
        # trigger updates (else the watch would update forever)
        index = os.path.join(self.docs, "watch.idx")
        w = Watcher(index, [self.docs])
        self.assertIn("built", w.next_line())
        self.assertEqual(search_ids(index, "quokka"), ["2401.00001"])
        self.assertTrue(w.quiet_for(1.5), "updates without changes: %r" % w.log)

        day2 = os.path.join(self.docs, "2024-01-03.md")
        write(day2, digest("2024-01-03", [("2401.00002", "Wombat Retrieval", "wombat"),
                                          ("2401.00003", "Numbat Decoding", "numbat")]))
        print("\nadded: searchable after %.2f s" % wait_for(index, "wombat", ["2401.00002"]),
              file=sys.stderr)
        line = w.next_line()
        self.assertRegex(line, r"updated: files 1 added, 0 changed, 0 removed, 1 unchanged; "
                               r"papers 2 added, 0 deleted; \d+ segments? \(\d+ merged\); \d+ ms")

        write(day2, digest("2024-01-03", [("2401.00002", "Platypus Retrieval", "platypus"),
                                          ("2401.00003", "Numbat Decoding", "numbat")]))
        print("edited: searchable after %.2f s"
              % wait_for(index, "platypus", ["2401.00002"]), file=sys.stderr)
        self.assertEqual(search_ids(index, "wombat"), [])
        self.assertEqual(search_ids(index, "numbat"), ["2401.00003"])
        while "1 changed" not in w.next_line():
            pass

        # a new folder, and once the watch has seen it (the update it
        # triggers changes nothing) a digest in it: only a watch on the new
        # folder can see that
        sub = os.path.join(self.docs, "2024", "01")
        os.makedirs(sub)
        self.assertIn("0 added, 0 changed, 0 removed", w.next_line())
        write(os.path.join(sub, "2024-01-04.md"),
              digest("2024-01-04", [("2401.00004", "Echidna Alignment", "echidna")]))
        print("new subfolder: searchable after %.2f s"
              % wait_for(index, "echidna", ["2401.00004"]), file=sys.stderr)

        os.unlink(day2)
        print("deleted: gone after %.2f s" % wait_for(index, "numbat", []), file=sys.stderr)
        self.assertEqual(search_ids(index, "platypus"), [])
        self.assertEqual(search_ids(index, "quokka"), ["2401.00001"])
        self.assertEqual(search_ids(index, "echidna"), ["2401.00004"])
        while "1 removed" not in w.next_line():
            pass
        self.assertTrue(w.quiet_for(1.0), "updates without changes: %r" % w.log)

        # a change to a hidden file (an editor's swap file) is no change
        write(os.path.join(self.docs, ".2024-01-02.md.swp"), "x")
        self.assertTrue(w.quiet_for(1.0), "a hidden file triggered an update: %r" % w.log)

        rc, rest = w.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, "stderr: %r" % w.err)
        self.assertTrue(rest and rest[-1].endswith("stopped"), rest)
        self.assertEqual(leftovers(self.docs, "watch.idx"), [])
        check = subprocess.run([os.path.join(BIN, "paperdex-index"), "--check", index],
                               capture_output=True, text=True, timeout=WAIT)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_moved_folder_stays_watched(self):
        # a folder renamed inside the tree keeps its inotify watch; the
        # watch must follow it there, with its subfolders (a user trial:
        # digests put below a renamed folder were never indexed)
        index = os.path.join(self.tmp, "mv.idx")
        deep = os.path.join(self.docs, "a", "b")
        os.makedirs(deep)
        write(os.path.join(deep, "2024-01-05.md"),
              digest("2024-01-05", [("2401.00005", "Kiwi Sampling", "kiwi")]))
        w = Watcher(index, [self.docs])
        self.assertIn("built", w.next_line())
        self.assertEqual(search_ids(index, "kiwi"), ["2401.00005"])
        os.rename(os.path.join(self.docs, "a"), os.path.join(self.docs, "c"))
        while "1 removed" not in w.next_line():
            pass
        self.assertEqual(search_ids(index, "kiwi"), ["2401.00005"])
        moved = os.path.join(self.docs, "c", "b")
        write(os.path.join(moved, "2024-01-06.md"),
              digest("2024-01-06", [("2401.00006", "Takahe Routing", "takahe")]))
        print("\nin a moved folder: searchable after %.2f s"
              % wait_for(index, "takahe", ["2401.00006"]), file=sys.stderr)
        while "1 added" not in w.next_line():
            pass
        fresh = os.path.join(self.docs, "c", "new")
        os.mkdir(fresh)
        self.assertIn("0 added, 0 changed, 0 removed", w.next_line())
        write(os.path.join(fresh, "2024-01-07.md"),
              digest("2024-01-07", [("2401.00007", "Kakapo Memory", "kakapo")]))
        print("in a new folder under it: searchable after %.2f s"
              % wait_for(index, "kakapo", ["2401.00007"]), file=sys.stderr)
        rc, _ = w.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, "stderr: %r" % w.err)

    def test_failed_update_is_logged_and_watch_goes_on(self):
        out = os.path.join(self.tmp, "out")
        os.mkdir(out)
        index = os.path.join(out, "w.idx")
        w = Watcher(index, [self.docs], extra=["--json"])
        first = json.loads(w.next_line())
        self.assertTrue(first["ok"] and first["full_build"], first)
        self.assertEqual(first["files_reparsed"], 0, first)
        # something that is no index takes INDEX's place: the next update
        # must refuse it, say so, and the watch must stay up
        for name in os.listdir(out):
            os.unlink(os.path.join(out, name))
        write(index, "not an index, do not replace\n")
        write(os.path.join(self.docs, "2024-01-05.md"),
              digest("2024-01-05", [("2401.00005", "Kiwi Parsing", "kiwi")]))
        failed = json.loads(w.next_line())
        print("\nlogged: %s" % failed["error"], file=sys.stderr)
        self.assertFalse(failed["ok"], failed)
        self.assertIn("w.idx", failed["error"])
        with open(index, encoding="utf-8") as f:
            self.assertEqual(f.read(), "not an index, do not replace\n")
        # remove it: the next change builds the index again
        os.unlink(index)
        write(os.path.join(self.docs, "2024-01-06.md"),
              digest("2024-01-06", [("2401.00006", "Takahe Search", "takahe")]))
        again = json.loads(w.next_line())
        self.assertTrue(again["ok"], again)
        self.assertEqual(search_ids(index, "kiwi"), ["2401.00005"])
        self.assertEqual(search_ids(index, "takahe"), ["2401.00006"])
        rc, _ = w.stop(signal.SIGINT)
        self.assertEqual(rc, 0, "stderr: %r" % w.err)
        self.assertEqual(leftovers(out, "w.idx"), [])

    def test_quiet_logs_failures_only(self):
        # --quiet: the updates that work say nothing, a failed one is
        # logged (a user trial: -q printed every update)
        out = os.path.join(self.tmp, "out")
        os.mkdir(out)
        index = os.path.join(out, "q.idx")
        w = Watcher(index, [self.docs], extra=["-q", "--json"])
        wait_for(index, "quokka", ["2401.00001"])
        write(os.path.join(self.docs, "2024-01-05.md"),
              digest("2024-01-05", [("2401.00005", "Kiwi Parsing", "kiwi")]))
        wait_for(index, "kiwi", ["2401.00005"])
        self.assertTrue(w.quiet_for(1.0), "--quiet logged: %r" % w.log)
        for name in os.listdir(out):
            os.unlink(os.path.join(out, name))
        write(index, "not an index\n")
        write(os.path.join(self.docs, "2024-01-06.md"),
              digest("2024-01-06", [("2401.00006", "Takahe Search", "takahe")]))
        failed = json.loads(w.next_line())
        self.assertFalse(failed["ok"], failed)
        rc, rest = w.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, "stderr: %r" % w.err)
        self.assertEqual(rest, [], "--quiet logged at the stop")

    def test_watch_a_file_path(self):
        # a file PATH: its edits count, its neighbours do not
        path = os.path.join(self.docs, "2024-01-02.md")
        index = os.path.join(self.tmp, "f.idx")
        w = Watcher(index, [path])
        self.assertIn("built", w.next_line())
        write(os.path.join(self.docs, "other.md"),
              digest("2024-01-07", [("2401.00007", "Kakapo", "kakapo")]))
        self.assertTrue(w.quiet_for(1.0), "a neighbour triggered an update: %r" % w.log)
        write(path, digest("2024-01-02", [("2401.00001", "Quokka Planner", "bilby")]))
        wait_for(index, "bilby", ["2401.00001"])
        self.assertEqual(search_ids(index, "kakapo"), [])
        rc, _ = w.stop()
        self.assertEqual(rc, 0, "stderr: %r" % w.err)

    def test_symlinked_index_in_watched_folder(self):
        # INDEX a symlink to a file in the watched folder: the writer puts
        # its files beside the target, and those must not retrigger either
        real = os.path.join(self.docs, "real.idx")
        r = subprocess.run([os.path.join(BIN, "paperdex-index"), "-q", "-o", real, self.docs],
                           capture_output=True, text=True, timeout=WAIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        link = os.path.join(self.tmp, "link.idx")
        os.symlink(real, link)
        w = Watcher(link, [self.docs])
        self.assertIn("updated", w.next_line())
        write(os.path.join(self.docs, "2024-01-08.md"),
              digest("2024-01-08", [("2401.00008", "Tuatara", "tuatara")]))
        wait_for(link, "tuatara", ["2401.00008"])
        self.assertIn("1 added", w.next_line())
        self.assertTrue(w.quiet_for(1.5), "the index's files retriggered: %r" % w.log)
        self.assertTrue(os.path.islink(link))
        rc, _ = w.stop()
        self.assertEqual(rc, 0, "stderr: %r" % w.err)

    def test_usage_errors(self):
        exe = os.path.join(BIN, "paperdex-index")
        for args in (["--watch", "-o", os.path.join(self.tmp, "x.idx")],
                     ["--watch", "--optimize", os.path.join(self.tmp, "x.idx")],
                     ["--watch", "--export-jsonl", os.path.join(self.tmp, "e.jsonl"), "-o",
                      os.path.join(self.tmp, "x.idx"), self.docs]):
            r = subprocess.run([exe, *args], capture_output=True, text=True, timeout=WAIT)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("paperdex-index:", r.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_watch.py BUILD_DIR")
    BIN = os.path.abspath(sys.argv.pop(1))
    if not sys.platform.startswith("linux"):
        print("skipped: --watch needs inotify (Linux)")
        sys.exit(77)
    unittest.main(verbosity=2)
