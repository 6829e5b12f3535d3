"""Shared by the issue-12 proofs (tests/update_exact.py, tests/update_crash.py,
bench/update_bench.sh's helper): running paperdex-index and paperdex-search
as a user would, and turning what an index answers into data two indexes can
be compared by. Standard library only.

An *answer* is what `paperdex-search --json` prints for one query and one set
of options, with the only field that may differ between two runs on equal
indexes (`took_us`) removed: every hit (rank, score as printed, id, date,
votes, title, authors, snippet, highlights, partial) and the summary line
(total, total_exact, shown, offset, partial_used, notices, expansions). A
query the program refuses is answered by its exit status and message, so two
indexes must refuse the same queries the same way.
"""
import json
import os
import subprocess

# Exit status of a test that cannot run here (CTest's SKIP_RETURN_CODE).
SKIP = 77

# Seconds any one program run may take before the test calls it hung.
RUN_TIMEOUT = 300


class ToolError(Exception):
    """A program failed where the test needed it to succeed."""


class Tools:
    """The built programs of one build folder."""

    def __init__(self, bin_dir, env=None):
        self.index_bin = os.path.join(bin_dir, "paperdex-index")
        self.search_bin = os.path.join(bin_dir, "paperdex-search")
        # Fixed creation time: runs at different seconds write the same bytes.
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
        self.env.pop("PAPERDEX_INDEX", None)
        self.env["NO_COLOR"] = "1"

    def missing(self):
        """Names of the programs this build lacks (empty when all are there)."""
        return [p for p in (self.index_bin, self.search_bin) if not os.access(p, os.X_OK)]

    def has_update(self):
        """Whether paperdex-index knows --update and --optimize (issue 12)."""
        r = subprocess.run([self.index_bin, "--help"], capture_output=True, text=True,
                           env=self.env, timeout=RUN_TIMEOUT)
        text = r.stdout + r.stderr
        return "--update" in text and "--optimize" in text

    def run(self, argv, prefix=(), **kw):
        """Runs argv (prefixed by e.g. a tracer); returns the CompletedProcess."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("timeout", RUN_TIMEOUT)
        env = self.env
        if prefix and os.path.basename(prefix[0]) == "strace":
            # LeakSanitizer cannot run under ptrace (sanitizer builds); the
            # same operations run untraced elsewhere in the tests keep it.
            env = dict(env)
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
        return subprocess.run(list(prefix) + list(argv), env=env, **kw)

    def index_argv(self, idx, paths, update=False, extra=()):
        argv = [self.index_bin, "-q", "--json", "--threads", "1"]
        if update:
            argv.append("--update")
        return argv + list(extra) + ["-o", idx] + list(paths)

    def _summary(self, r, what):
        if r.returncode != 0:
            raise ToolError("%s: exit status %d\n%s" % (what, r.returncode, r.stderr))
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
        if not lines:
            raise ToolError("%s: no JSON summary on stdout:\n%s" % (what, r.stdout))
        return json.loads(lines[-1])

    def build(self, idx, paths, extra=()):
        """Full build (no --update); returns the --json summary."""
        argv = self.index_argv(idx, paths, extra=extra)
        return self._summary(self.run(argv), " ".join(argv))

    def update(self, idx, paths, extra=()):
        """--update; returns the --json summary."""
        argv = self.index_argv(idx, paths, update=True, extra=extra)
        return self._summary(self.run(argv), " ".join(argv))

    def optimize_argv(self, idx):
        return [self.index_bin, "-q", "--json", "--threads", "1", "--optimize", idx]

    def optimize(self, idx):
        """--optimize; returns the --json summary."""
        argv = self.optimize_argv(idx)
        return self._summary(self.run(argv), " ".join(argv))

    def check(self, idx):
        """--check; raises ToolError with its message when the index fails it."""
        r = self.run([self.index_bin, "--check", idx])
        if r.returncode != 0:
            raise ToolError("--check %s: exit status %d\n%s%s" % (idx, r.returncode, r.stdout,
                                                                 r.stderr))
        return r.stdout

    def info(self, idx):
        """--info output (text)."""
        r = self.run([self.index_bin, "--info", idx])
        if r.returncode != 0:
            raise ToolError("--info %s: exit status %d\n%s" % (idx, r.returncode, r.stderr))
        return r.stdout

    def answer(self, idx, query, opts=()):
        """What idx answers to query with opts (see the module comment)."""
        argv = [self.search_bin, "-i", idx, "--json", "--color", "never"] + list(opts)
        r = self.run(argv + ["--", query])
        if r.returncode == 2:
            return {"error": r.stderr.strip(), "stdout": r.stdout}
        if r.returncode not in (0, 1):
            raise ToolError("%s: exit status %d\n%s" % (" ".join(argv + ["--", query]),
                                                        r.returncode, r.stderr))
        out = []
        for line in r.stdout.splitlines():
            obj = json.loads(line)
            obj.pop("took_us", None)
            out.append(obj)
        if not out or out[-1].get("type") != "summary":
            raise ToolError("paperdex-search %r: no summary line:\n%s" % (query, r.stdout))
        return {"status": r.returncode, "lines": out}

    def answers(self, idx, cases):
        """Answers of idx to every (query, opts) in cases, in order."""
        return [self.answer(idx, q, opts) for q, opts in cases]


def first_difference(a, b):
    """A short description of where answers a and b differ, or None."""
    if a == b:
        return None
    if "error" in a or "error" in b:
        return "one says %r, the other %r" % (a.get("error", "results"), b.get("error",
                                                                              "results"))
    la, lb = a["lines"], b["lines"]
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x == y:
            continue
        if x is None or y is None:
            return "line %d only in one: %s" % (i + 1, json.dumps(x or y, ensure_ascii=False))
        keys = sorted(set(x) | set(y))
        diff = ["%s: %s != %s" % (k, json.dumps(x.get(k), ensure_ascii=False)[:120],
                                  json.dumps(y.get(k), ensure_ascii=False)[:120])
                for k in keys if x.get(k) != y.get(k)]
        return "line %d (%s): %s" % (i + 1, x.get("type"), "; ".join(diff))
    return "exit status %s != %s" % (a.get("status"), b.get("status"))


def compare(name_a, ans_a, name_b, ans_b, cases, limit=15):
    """Messages for every case whose answers differ (at most limit shown)."""
    msgs = []
    n_diff = 0
    for (q, opts), x, y in zip(cases, ans_a, ans_b):
        d = first_difference(x, y)
        if d:
            n_diff += 1
            if len(msgs) < limit:
                msgs.append("  %r %s: %s vs %s: %s" % (q, " ".join(opts), name_a, name_b, d))
    if n_diff > limit:
        msgs.append("  ... and %d more" % (n_diff - limit))
    return msgs


def hit_count(answers):
    """Hits printed over a list of answers (to show a comparison was not vacuous)."""
    return sum(sum(1 for o in a.get("lines", []) if o.get("type") == "hit") for a in answers)


def stat(summary, key, what):
    """summary[key], or a ToolError naming what printed a summary without it."""
    if key not in summary:
        raise ToolError("%s: the --json summary has no %r: %s" % (what, key,
                                                                 json.dumps(summary)))
    return summary[key]


def digest_files(root):
    """Digest files under root (*.md, *.markdown, *.txt, any case; hidden entries skipped), as paths
    relative to root in the byte order paperdex walks them."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if not f.startswith(".") and f.lower().endswith((".md", ".markdown", ".txt")):
                out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(out, key=lambda p: p.encode())
