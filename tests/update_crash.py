#!/usr/bin/env python3
"""Issue 12's crash-safety proof for --update, merges and --optimize.

    python3 tests/update_crash.py BUILD_DIR [--keep] [--only PART]

Three operations, each from a saved index state ("before"):
  update    --update adding a day, editing a file (a summary rewritten, a
            paper removed) and removing another file;
  merge     the first --update (adding one day at a time) whose summary
            reports a merge;
  optimize  --optimize of a multi-segment index with deleted papers.
Each runs once to the end under strace, which lists every system call that
changes a file (open with O_CREAT, write, pwrite, fsync, fdatasync, rename,
unlink, ftruncate, fallocate, mkdir, link); its result is the "after" state.
Then, from the restored "before" state, the same operation is killed with
SIGKILL at the entry of those calls (`strace -e inject=CALL:signal=KILL:
when=N`: deterministic, no hook in the program), at every one of them or at
least 30 spread over the run (every non-write call, writes sampled). After
each kill:
  - the index opens and `paperdex-index --check` passes;
  - it answers a set of queries exactly as "before" or exactly as "after"
    (never a mix: compared with paperdex-search --json, hit by hit);
  - the same operation run again to the end gives "after", and leaves in the
    index's folder only the manifest, the segment files it names (as many
    as its summary's "segments") and the lock file: the killed run's
    temporary and orphaned segment files are gone.
Disk full and file-size limits, which must fail with a message naming the
problem, exit status 1, and leave the old index (opens, checks, answers as
before, no temporary file left):
  - ENOSPC injected at writes spread over an --update and an --optimize
    (strace `error=ENOSPC`), EIO at each fsync;
  - a real full file system: a small tmpfs when this process may mount one
    (root), else that part is skipped (said on stdout);
  - `ulimit -f` (RLIMIT_FSIZE with SIGXFSZ at its default) at a few sizes.

Readers: two threads start paperdex-search over and over while 12 one-day
updates (merging on the way) and an --optimize replace the index; every
search must succeed and answer as one of the states the index went through.

    --only update|merge|optimize|errors|readers  runs one part.

The digests are synthetic, generated here (our own words). Exit status 0
passed, 1 failed, 77 when strace or the --update feature is absent (CI
installs strace). Runs in about a minute on the 2-core test machine.
"""
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import update_harness as H  # noqa: E402

MIN_MOMENTS = 30     # kills per operation at least
MAX_MOMENTS = 40     # file-changing calls killed at most (writes sampled beyond)
BASE_DAYS = 6        # days in the first full build
MERGE_TRIES = 24     # one-day updates tried before a merge must have happened

# System calls that change files; a kill before any of them is a moment.
MUTATING = ["openat", "write", "pwrite64", "pwritev", "pwritev2", "writev", "fsync",
            "fdatasync", "rename", "renameat", "renameat2", "unlink", "unlinkat",
            "ftruncate", "fallocate", "mkdir", "mkdirat", "link", "linkat", "sync_file_range",
            "msync"]

# ---- synthetic digests (our own words) ----

EN = ("model diffusion video robot agent reasoning benchmark sparse attention token "
      "retrieval graph policy reward planning segment merge index latency memory "
      "vision language audio speech dataset tuning adapter kernel cache scaling "
      "transformer encoder decoder contrastive alignment preference synthetic "
      "evaluation compression quantization distillation curriculum").split()
KO = ("모델 학습 데이터 추론 성능 평가 방법 제안 실험 결과 생성 이미지 영상 언어 "
      "강화학습 검색 효율 구조 세그먼트 병합 색인 지연 메모리 정렬 보상 계획").split()
NAMES = ("Ana Ruiz", "Bo Chen", "Chidi Okafor", "Dana Levi", "Eun Park", "Farid Haddad",
         "Goro Sato", "Hana Novak", "Ivan Petrov", "Jia Wu", "Kofi Mensah", "Lena Berg")


def paper(rng, pid, marker):
    title = " ".join(rng.choice(EN).capitalize() for _ in range(rng.randint(3, 6)))
    authors = ", ".join(rng.sample(NAMES, rng.randint(1, 4)))
    bullets = []
    for _ in range(rng.randint(2, 4)):
        words = [rng.choice(EN) if rng.random() < 0.5 else rng.choice(KO)
                 for _ in range(rng.randint(6, 14))]
        bullets.append("- " + " ".join(words) + ".")
    bullets[0] += " " + marker
    return ("### [%s](https://arxiv.org/abs/%s)\n\nVote: %d\n\nAuthors: %s\n\n%s\n\n"
            % (title, pid, rng.randint(0, 120), authors, "\n".join(bullets)))


def day_text(day, n_papers, seed=2024):
    """Digest of day `day` (1-based), n_papers papers; marker word dayNN in each."""
    rng = random.Random(seed * 1000 + day)
    out = ["## Daily Papers (2024-%02d-%02d)\n\n" % (1 + (day - 1) // 28, 1 + (day - 1) % 28)]
    for k in range(n_papers):
        out.append(paper(rng, "2406.%05d" % (day * 200 + k), "day%02d" % day))
    return "".join(out)


def day_path(src, day):
    return os.path.join(src, "2024-%02d-%02d.md" % (1 + (day - 1) // 28, 1 + (day - 1) % 28))


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def edit_day(src, day):
    """Rewrites one summary of a day file and removes its second paper."""
    text = day_text(day, 12)
    secs = text.split("### ")
    secs[1] = secs[1].replace(" day%02d" % day, " day%02d rewritten" % day, 1)
    del secs[2]
    write(day_path(src, day), "### ".join(secs))


QUERIES = [("model", []), ("모델 학습", []), ("\"sparse attention\"", []),
           ("rewritten", []), ("day03", []), ("day09 OR day10 OR day11", []),
           ("id:2406.00401", []), ("retrieval 검색", ["--sort", "date"]),
           ("merge votes:>=30", ["--sort", "votes", "-n", "20"])]


# ---- strace ----

def strace_available(tmp):
    if not shutil.which("strace"):
        return "strace is not installed (apt-get install strace)"
    r = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return "strace cannot trace here: " + r.stderr.strip()
    return None


def trace_calls(tools, argv, log_path):
    """Runs argv to the end under strace, logging every system call to
    log_path; returns the CompletedProcess."""
    return tools.run(argv, prefix=["strace", "-f", "-qq", "-o", log_path])


def inject(call, n, what):
    """strace prefix that does `what` (signal=KILL, error=ENOSPC, ...) at the
    n-th `call` of each thread (strace injects only into calls it traces)."""
    return ["strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=" + call,
            "-e", "inject=%s:%s:when=%d" % (call, what, n)]


def with_ordinals(log_path):
    """(tid, call) -> list of per-tracee ordinals in log order, as strace counts
    injections: every traced call of that name, including reads."""
    counts, ords = {}, []
    pat = re.compile(r"^(\d+)\s+(\w+)\(")
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if m:
                key = m.groups()
                counts[key] = counts.get(key, 0) + 1
                ords.append((key, counts[key], line))
    return ords


def is_mutating(call, rest):
    if call not in MUTATING:
        return False
    if call == "openat" and not re.search(r"O_CREAT|O_WRONLY|O_RDWR", rest):
        return False  # opens for reading change nothing
    if call in ("write", "writev") and re.match(r"[12],", rest):
        return False  # stdout/stderr: the summary and messages
    return True


def pick_moments(log_path, target=MIN_MOMENTS + 6):
    """The kill points, in run order: (call, ordinal, description). Every
    file-changing call (writes sampled when there are more than MAX_MOMENTS);
    when those are fewer than target, other calls spread over the run (reading
    the old manifest and segments, mining, closing files) fill up to it."""
    mut, in_order = [], []
    for (tid, call), n, line in with_ordinals(log_path):
        if call in ("exit_group", "exit", "execve"):
            continue
        c = (call, n, line.strip()[:100])
        in_order.append(c)
        if is_mutating(call, line.split("(", 1)[1]):
            mut.append(c)
    chosen = set(mut)
    if len(mut) > MAX_MOMENTS:
        others = [c for c in mut if c[0] not in ("write", "pwrite64", "writev", "pwritev")]
        writes = [c for c in mut if c not in others]
        room = MAX_MOMENTS - len(others)
        chosen = set(others)
        if room > 0 and writes:
            chosen.update(writes[::max(1, len(writes) // room)][:room] + [writes[-1]])
    elif len(mut) < target and mut:
        # fill from the writer's own work: between the first file change (the
        # lock file) and the last, not the program loader's start-up
        lo, hi = in_order.index(mut[0]), in_order.index(mut[-1])
        rest = [c for c in in_order[lo:hi] if c not in chosen]
        need = target - len(mut)
        chosen.update(rest[::max(1, len(rest) // need)][:need])
    seen, out = set(), []
    for c in in_order:
        if c in chosen and (c[0], c[1]) not in seen:
            seen.add((c[0], c[1]))
            out.append(c)
    return out


# ---- index states ----

def snapshot(tmp, name):
    """Saves the index folder and the digest folder (mtimes kept, so the files
    stay unchanged for --update) as state `name`; returns its folder."""
    saved = os.path.join(tmp, "saved-" + name)
    shutil.rmtree(saved, ignore_errors=True)
    os.mkdir(saved)
    for d in ("ix", "src"):
        shutil.copytree(os.path.join(tmp, d), os.path.join(saved, d), symlinks=True)
    return saved


def restore(saved, tmp):
    """Puts a saved state back in place (same paths: the index records them)."""
    for d in ("ix", "src"):
        shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)
        shutil.copytree(os.path.join(saved, d), os.path.join(tmp, d), symlinks=True)


def listing(d):
    return sorted(os.listdir(d))


def allowed_after_run(d, idx_name, n_segments):
    """Files a finished run may leave: the manifest, its segments, the lock."""
    names = listing(d)
    segs = [n for n in names if re.fullmatch(re.escape(idx_name) + r"\.\d+\.seg", n)]
    other = [n for n in names if n not in segs and n not in (idx_name, idx_name + ".lock")]
    problems = []
    if other:
        problems.append("unexpected files: %s" % " ".join(other))
    if n_segments is not None and len(segs) != n_segments:
        problems.append("%d segment files for %d segments: %s" % (len(segs), n_segments,
                                                                  " ".join(segs)))
    return problems


class Op:
    """One operation on the index tmp/ix/papers.idx from a saved state."""

    def __init__(self, name, argv_fn, saved, tmp, idx_name="papers.idx"):
        self.name = name          # what the messages call it
        self.argv_fn = argv_fn    # index path -> the command line
        self.saved = saved        # the saved 'before' state (see snapshot)
        self.tmp = tmp            # the folder holding ix/ and src/
        self.idx_dir = os.path.join(tmp, "ix")
        self.idx_name = idx_name

    @property
    def idx(self):
        return os.path.join(self.idx_dir, self.idx_name)

    def restore(self):
        restore(self.saved, self.tmp)


class Crash:
    def __init__(self, tools, tmp):
        self.tools, self.tmp = tools, tmp
        self.failures = []
        self.total_moments = 0
        self.clean_failures = []  # what each failing-write case was
        self.messages = {}        # the first message of each kind of failing write

    def fail(self, msg):
        print("update_crash: FAIL: " + msg, flush=True)
        self.failures.append(msg)

    def answers(self, idx, when):
        try:
            self.tools.check(idx)
            return self.tools.answers(idx, QUERIES)
        except H.ToolError as e:
            self.fail("%s: %s" % (when, e))
            return None

    def state(self, idx, when):
        """(answers, hash of the manifest): what the index says, and which
        commit it is (runs from one state write the same manifest bytes, so
        --optimize, which must not change an answer, is told apart too)."""
        ans = self.answers(idx, when)
        if ans is None:
            return None
        with open(idx, "rb") as f:
            return ans, hashlib.sha256(f.read()).hexdigest()

    def run_to_end(self, op, when):
        r = self.tools.run(op.argv_fn(op.idx))
        if r.returncode != 0:
            self.fail("%s: the run to the end failed (%d): %s" % (when, r.returncode, r.stderr))
            return None
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
        return json.loads(lines[-1]) if lines else {}

    def kill_at_moments(self, op):
        op.restore()
        before = self.state(op.idx, op.name + ": before")
        log_path = os.path.join(self.tmp, op.name + ".strace")
        r = trace_calls(self.tools, op.argv_fn(op.idx), log_path)
        if r.returncode != 0:
            self.fail("%s: the traced run failed (%d): %s" % (op.name, r.returncode, r.stderr))
            return
        summary = json.loads([ln for ln in r.stdout.splitlines() if ln.startswith("{")][-1])
        after = self.state(op.idx, op.name + ": after")
        if before is None or after is None:
            return
        if before[1] == after[1]:
            self.fail("%s: the operation did not change the manifest" % op.name)
            return
        if op.name == "optimize":
            if before[0] != after[0]:
                self.fail("optimize changed the answers")
        elif before[0] == after[0]:
            self.fail("%s: the operation changed no answer: the queries cannot tell the "
                      "states apart" % op.name)
            return
        moments = pick_moments(log_path)
        print("update_crash: %s: %s; killing at %d moments" % (
            op.name, json.dumps(summary), len(moments)), flush=True)
        seen = {"before": 0, "after": 0, "finished": 0}
        for call, n, desc in moments:
            when = "%s killed at %s #%d (%s)" % (op.name, call, n, desc)
            op.restore()
            r = self.tools.run(op.argv_fn(op.idx), prefix=inject(call, n, "signal=KILL"))
            if r.returncode == 0:
                seen["finished"] += 1  # the call was not reached: a finished run
            elif r.returncode not in (-signal.SIGKILL, 128 + signal.SIGKILL):
                self.fail("%s: exit status %d instead of death by SIGKILL: %s" % (
                    when, r.returncode, r.stderr.strip()))
                continue
            got = self.state(op.idx, when)
            if got is None:
                continue
            if got == before:
                seen["before"] += 1
            elif got == after:
                seen["after"] += 1
            else:
                base = before if got[1] != after[1] else after
                diff = [H.first_difference(g, b) for g, b in zip(got[0], base[0]) if g != b][:2]
                self.fail("%s: the index is neither the before nor the after state (manifest "
                          "%s; answers: %s)" % (when, {before[1]: "before", after[1]: "after"}
                                                .get(got[1], "new"), diff or "same"))
                continue
            again = self.run_to_end(op, when + ", run again")
            if again is None:
                continue
            if self.state(op.idx, when + ", run again") != after:
                self.fail("%s: the next run did not give the after state" % when)
            for p in allowed_after_run(op.idx_dir, op.idx_name, again.get("segments")):
                self.fail("%s, run again: %s" % (when, p))
        self.total_moments += len(moments)
        print("update_crash: %s: after the kills the index was 'before' %d times, 'after' %d "
              "times, finished %d times" % (op.name, seen["before"], seen["after"],
                                           seen["finished"]), flush=True)
        if seen["before"] == 0 or seen["after"] == 0:
            self.fail("%s: the kills never left the %s state: the moments do not span the "
                      "commit" % (op.name, "before" if seen["before"] == 0 else "after"))

    # ---- failing writes ----

    def expect_clean_failure(self, op, what, prefix=(), preexec=None, after=None):
        """The run fails with status 1 and a message, and the old index is
        untouched. With `after`, a run that succeeds instead is accepted if it
        gives exactly that state (an error in a step past the commit that
        only costs durability, like fsync of the folder after the rename)."""
        op.restore()
        self.clean_failures.append(what)
        before_files = listing(op.idx_dir)
        before = self.answers(op.idx, what + ": before")
        r = self.tools.run(op.argv_fn(op.idx), prefix=prefix, preexec_fn=preexec)
        if r.returncode == 0 and after is not None:
            if self.answers(op.idx, what) != after:
                self.fail("%s: the run succeeded but the index is not the after state" % what)
            return
        if r.returncode != 1:
            self.fail("%s: exit status %d, want 1 with a message; stderr: %s" % (
                what, r.returncode, r.stderr.strip()[:300]))
        elif not re.search(r"not (written|updated|optimized|changed)", r.stderr):
            self.fail("%s: no message saying the index was not written: %s" % (
                what, r.stderr.strip()[:300]))
        elif op.idx_dir not in r.stderr:
            self.fail("%s: the message does not name the file: %s" % (what,
                                                                    r.stderr.strip()[:300]))
        else:
            kind = re.sub(r" (at \S+ #\d+|\d+ bytes)$", "", what)
            if kind not in self.messages:
                self.messages[kind] = r.stderr.strip().splitlines()[-1]
        if self.answers(op.idx, what) != before:
            self.fail("%s: the old index changed" % what)
        left = [n for n in listing(op.idx_dir) if n not in before_files
                and n != op.idx_name + ".lock"]
        if left:
            self.fail("%s: files left behind: %s" % (what, " ".join(left)))

    def injected_errors(self, op, n_moments=8):
        """ENOSPC at writes spread over the run (all must fail cleanly); EIO at
        every fsync (fail cleanly, or succeed with the after state)."""
        log_path = os.path.join(self.tmp, op.name + ".strace")
        op.restore()
        trace_calls(self.tools, op.argv_fn(op.idx), log_path)
        after = self.answers(op.idx, op.name + ": after")
        moments = pick_moments(log_path)
        writes = [(c, n) for c, n, d in moments if c in ("write", "pwrite64", "writev",
                                                          "pwritev")
                  and is_mutating(c, d.split("(", 1)[1])]
        fsyncs = [(c, n) for c, n, _ in moments if c in ("fsync", "fdatasync")]
        step = max(1, len(writes) // n_moments)
        for call, n in sorted(set(writes[::step] + writes[-1:]), key=writes.index):
            self.expect_clean_failure(op, "%s with ENOSPC at %s #%d" % (op.name, call, n),
                                      prefix=inject(call, n, "error=ENOSPC"))
        for call, n in fsyncs:
            self.expect_clean_failure(op, "%s with EIO at %s #%d" % (op.name, call, n),
                                      prefix=inject(call, n, "error=EIO"), after=after)

    def file_size_limits(self, op):
        """ulimit -f below the size of the segment the operation writes (from
        nothing to just under it), SIGXFSZ at its default as in a shell."""
        op.restore()
        before = set(listing(op.idx_dir))
        if self.run_to_end(op, op.name + ": to measure") is None:
            return
        new = [os.path.getsize(os.path.join(op.idx_dir, n)) for n in listing(op.idx_dir)
               if n.endswith(".seg") and n not in before]
        if not new:
            self.fail("%s wrote no segment file" % op.name)
            return
        for limit in sorted({0, 4096, max(new) // 2, max(new) - 1}):
            def lim(limit=limit):
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
                signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            self.expect_clean_failure(op, "%s under ulimit -f %d bytes" % (op.name, limit),
                                      preexec=lim)

    def tmpfs_full(self):
        """A real full file system: the index in a small tmpfs (tmp2/ix), sized
        so the index fits but an --update adding a big day, or an --optimize
        with the file system filled, does not."""
        tools = self.tools
        tmp2 = os.path.join(self.tmp, "fs")
        src, idx = base_index(tools, tmp2, "")
        idx_dir = os.path.dirname(idx)
        write(day_path(src, BASE_DAYS + 1), day_text(BASE_DAYS + 1, 15))
        tools.update(idx, [src])
        used = sum(os.path.getsize(os.path.join(idx_dir, n)) for n in os.listdir(idx_dir))
        shutil.rmtree(idx_dir)
        os.mkdir(idx_dir)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % (used + 256 * 1024),
                            "tmpfs", idx_dir], capture_output=True, text=True)
        if r.returncode != 0:
            print("update_crash: skipped the full-tmpfs part: cannot mount one here (%s); "
                  "the injected ENOSPC errors cover it" % r.stderr.strip(), flush=True)
            return
        try:
            tools.build(idx, [src])
            tools.update(idx, [src])
            write(day_path(src, BASE_DAYS + 2), day_text(BASE_DAYS + 2, 1500))  # ~0.9 MB
            op = Op("update on a full tmpfs", lambda i: tools.index_argv(i, [src], True),
                    None, tmp2)
            op.restore = lambda: None  # a failed run changes nothing to restore
            self.expect_clean_failure(op, op.name)
            os.unlink(day_path(src, BASE_DAYS + 2))
            os.unlink(day_path(src, 1))
            tools.update(idx, [src])  # a second segment, deletions
            st = os.statvfs(idx_dir)
            with open(os.path.join(idx_dir, "filler"), "wb") as f:
                f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 16384))
            op = Op("optimize on a full tmpfs", tools.optimize_argv, None, tmp2)
            op.restore = lambda: None
            self.expect_clean_failure(op, op.name)
        finally:
            subprocess.run(["umount", idx_dir], capture_output=True)


def base_index(tools, tmp, prefix):
    """Folders <prefix>src (BASE_DAYS digests of 12 papers) and <prefix>ix
    under tmp, and a full build of the one into <prefix>ix/papers.idx:
    returns (src, idx)."""
    src, idx_dir = os.path.join(tmp, prefix + "src"), os.path.join(tmp, prefix + "ix")
    os.makedirs(src)
    os.mkdir(idx_dir)
    idx = os.path.join(idx_dir, "papers.idx")
    for day in range(1, BASE_DAYS + 1):
        write(day_path(src, day), day_text(day, 12))
    tools.build(idx, [src])
    return src, idx


def readers_during_updates(c, tmp):
    """Searches started over and over while one-day updates (with merges) and
    an --optimize replace the index: each must succeed (no reader may meet a
    missing segment: they are removed only after the manifest that drops them
    is in place, and a reader that read the older one retries) and answer as
    one of the states the index went through, never a mix."""
    tools = c.tools
    src, idx = base_index(tools, tmp, "r-")
    query, opts = "model OR 모델", ["-n", "30"]
    states = [tools.answer(idx, query, opts)]
    seen, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.append(tools.answer(idx, query, opts))
            except H.ToolError as e:
                seen.append({"error": str(e)})

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    merges = 0
    try:
        for day in range(BASE_DAYS + 1, BASE_DAYS + 13):
            write(day_path(src, day), day_text(day, 15))
            if day == BASE_DAYS + 6:
                os.unlink(day_path(src, 3))
            merges += tools.update(idx, [src]).get("merges", 0)
            states.append(tools.answer(idx, query, opts))
        tools.optimize(idx)
        states.append(tools.answer(idx, query, opts))
        time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    bad = [a for a in seen if a not in states]
    print("update_crash: readers: %d searches during 12 updates (%d merges) and --optimize; "
          "%d answered as none of the %d states" % (len(seen), merges, len(bad), len(states)),
          flush=True)
    for a in bad[:3]:
        c.fail("a search during the updates: %s" % (
            a.get("error") or H.first_difference(a, states[-1])))
    if merges == 0:
        c.fail("readers: no update merged segments; the test did not cover merges")


def build_states(tools, tmp):
    """The saved 'before' states: {name: (saved folder, argv function)}."""
    src, idx = base_index(tools, tmp, "")
    write(day_path(src, BASE_DAYS + 1), day_text(BASE_DAYS + 1, 15))
    tools.update(idx, [src])
    update = lambda i: tools.index_argv(i, [src], True)  # noqa: E731
    states = {}
    # update: a new day, an edited day, a removed day
    write(day_path(src, BASE_DAYS + 2), day_text(BASE_DAYS + 2, 15))
    edit_day(src, 2)
    os.unlink(day_path(src, 4))
    states["update"] = (snapshot(tmp, "update"), update)
    s = tools.update(idx, [src])
    # merge: one day at a time until an update merges
    day = BASE_DAYS + 3
    for _ in range(MERGE_TRIES):
        write(day_path(src, day), day_text(day, 15))
        saved = snapshot(tmp, "merge")
        s = tools.update(idx, [src])
        day += 1
        if s.get("merges", 0) > 0:
            states["merge"] = (saved, update)
            break
    else:
        raise H.ToolError("no --update merged segments in %d one-day updates (segments: %s): "
                          "the merge policy never ran" % (MERGE_TRIES, s.get("segments")))
    # optimize: several segments and deletions
    os.unlink(day_path(src, 1))
    s = tools.update(idx, [src])
    if H.stat(s, "segments", "--update") < 2:
        write(day_path(src, day), day_text(day, 15))
        s = tools.update(idx, [src])
    states["optimize"] = (snapshot(tmp, "optimize"), tools.optimize_argv)
    return states


def main(argv):
    keep = "--keep" in argv
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    pos = [a for a in argv[1:] if not a.startswith("--") and a != only]
    if len(pos) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tools = H.Tools(pos[0])
    if tools.missing():
        print("update_crash: FAIL: programs missing: %s" % ", ".join(tools.missing()))
        return 1
    if not tools.has_update():
        print("update_crash: skipped: this paperdex-index has no --update/--optimize yet")
        return H.SKIP
    tmp = tempfile.mkdtemp(prefix="pdx_update_crash.")
    why = strace_available(tmp)
    if why:
        print("update_crash: skipped: " + why)
        shutil.rmtree(tmp, ignore_errors=True)
        return H.SKIP
    t0 = time.time()
    c = Crash(tools, tmp)
    try:
        states = build_states(tools, tmp)
        ops = [Op(name, fn, saved, tmp) for name, (saved, fn) in states.items()]
        for op in ops:
            if only in (None, op.name):
                c.kill_at_moments(op)
        if only in (None, "errors"):
            for op in ops:
                if op.name in ("update", "optimize"):
                    c.injected_errors(op)
                    c.file_size_limits(op)
            c.tmpfs_full()
        if only in (None, "readers"):
            readers_during_updates(c, tmp)
    except H.ToolError as e:
        c.fail(str(e))
    finally:
        if keep:
            print("update_crash: kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for kind, msg in sorted(c.messages.items()):
        print("update_crash: %s: %s" % (kind, msg))
    print("update_crash: %d kill moments and %d failing-write cases (%s) in %.1f s; %d "
          "failures" % (c.total_moments, len(c.clean_failures),
                        ", ".join(sorted(c.messages)),
                        time.time() - t0, len(c.failures)), flush=True)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
