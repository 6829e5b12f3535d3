#!/usr/bin/env python3
"""Issue 12's exactness proof: an index brought up to date one --update at a
time answers every query exactly as a fresh full build of the same files.

    python3 tests/update_exact.py BUILD_DIR SHARED_DIR [--quick] [--keep]

Copies the corpus's 306 digests (SHARED_DIR/corpus/paper_logs, read at run
time, never stored in the repository) into a temporary folder SRC and

  B: a full build of the first 270 days, then one `paperdex-index --update`
     per remaining day, with on the way
       - an earlier file edited (one paper's summary rewritten, another paper
         removed),
       - an earlier file deleted,
       - extra files that make duplicates across segments: a later copy of an
         old paper (the old one must be deleted), then that file deleted again
         (the old one must come back); an earlier-dated copy of a paper whose
         file is deleted later (the copy, dropped when added, must come back);
         a same-date copy later in walk order (it wins, as in a full build);
     and `--check` after every step;
  A: a fresh full build of SRC's final state;

and compares A and B, then A and `--optimize`d B, hit by hit with
`paperdex-search --json -n 20` (ids, order, scores as printed, snippets,
totals, expansions: everything but the time taken) over the 500 latency
queries and the 200 known-item queries, plus every tenth latency query with
--offset 10, --sort votes, --sort date, --no-expand and --no-partial. At each
step that edits, deletes or duplicates, B is also compared with a full build
of that moment on the affected papers (`id:` queries, the words of the
rewritten summaries) and a tenth of the queries. Every --update summary is
checked (files added/changed/removed/unchanged; papers added minus deleted
adds up to the full build's count).

CTest runs the full set (about a minute on the 2-core test machine, most of
it the ~3,000 paperdex-search runs); --quick, which CTest passes on sanitizer
builds (a search starts in ~0.1 s there), compares a tenth of the queries and
fewer option variants at the end. Exit status: 0 equal, 1 a difference or a failed run
(each difference printed with its query), 77 when the corpus or the --update
feature is absent.
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import update_harness as H  # noqa: E402

FIRST_DAYS = 270   # days in B's first full build
EDIT_FILE = 100    # walk-order index of the file edited on the way
DELETE_FILE = 50   # walk-order index of the file deleted on the way
LATE_SOURCE = 30   # a paper of this file gets a later-dated copy, removed again
TIE_SOURCE = 60    # a paper of this file gets a same-date copy later in walk order

# Summaries written for this test (our own words; nothing from the corpus).
# Each carries a made-up word found nowhere else, queried at the checkpoints.
NEW_BULLETS = {
    "quillfeather": [
        "- 이 요약은 증분 갱신 시험을 위해 새로 쓴 문장이며 quillfeather 라는 표지어를 담고 있습니다.",
        "- 세그먼트가 병합된 뒤에도 incremental update 결과가 전체 재색인과 같아야 합니다.",
    ],
    "lanternwick": [
        "- 나중 날짜로 다시 실린 논문의 요약으로, lanternwick 표지어가 들어 있습니다.",
        "- 같은 arXiv 번호가 두 날에 나오면 later day 쪽이 남아야 합니다.",
    ],
    "emberfold": [
        "- 더 이른 날짜에 실린 사본의 요약이며 emberfold 표지어로 찾을 수 있습니다.",
        "- 이긴 쪽 파일이 지워지면 이 사본이 duplicate 규칙에 따라 다시 살아나야 합니다.",
    ],
    "tidemark": [
        "- 같은 날짜의 사본으로 walk order 에서 뒤에 오므로 이 쪽이 이깁니다 (tidemark).",
        "- 전체 빌드와 같은 규칙을 세그먼트 사이에서도 지키는지 봅니다.",
    ],
}

HEADING = re.compile(r"^### .*arxiv\.org/abs/([0-9A-Za-z./-]+?)\)")
DATE_HEADER = re.compile(r"^## Daily Papers \((\d{4}-\d{2}-\d{2})\)")


def fail(msg):
    print("update_exact: FAIL: " + msg, flush=True)
    sys.exit(1)


def log(msg):
    print("update_exact: " + msg, flush=True)


# ---- digests ----

def sections(text):
    """(preamble lines, [(arXiv id, lines of one paper section)]) of a digest."""
    pre, secs = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("### "):
            m = HEADING.match(line)
            secs.append((m.group(1) if m else None, [line]))
        elif secs:
            secs[-1][1].append(line)
        else:
            pre.append(line)
    return pre, secs


def with_bullets(sec_lines, bullets):
    """The section with its summary bullets replaced by bullets."""
    kept = [ln for ln in sec_lines if not ln.startswith("- ")]
    while kept and not kept[-1].strip():
        kept.pop()
    return kept + ["\n"] + [b + "\n" for b in bullets] + ["\n"]


def read(path):
    # surrogateescape: a digest's invalid UTF-8 survives an edit byte for byte
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)


def copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def file_date(text):
    for line in text.splitlines():
        m = DATE_HEADER.match(line)
        if m:
            return m.group(1)
    return None


def first_paper(text):
    """(id, section lines) of the first paper with an arXiv id."""
    for pid, lines in sections(text)[1]:
        if pid:
            return pid, lines
    fail("no paper with an arXiv id")
    return None


# ---- the queries ----

def load_cases(shared, quick):
    """(query, opts) pairs compared at the end, and the tenth used at checkpoints
    (a fiftieth with quick)."""
    with open(os.path.join(shared, "eval", "latency_queries.txt"), encoding="utf-8") as f:
        latency = [ln.strip() for ln in f if ln.strip()]
    known = []
    with open(os.path.join(shared, "eval", "queries_visible.jsonl"), encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                known.append(json.loads(ln)["query"])
    top = ["-n", "20"]
    variants = [["--offset", "10", "-n", "10"], ["--sort", "votes"] + top,
                ["--sort", "date"] + top, ["--no-expand"] + top, ["--no-partial"] + top]
    tenth = [(q, top) for q in latency[::10] + known[::10]]
    full = [(q, top) for q in latency + known]
    full += [(q, v) for q in latency[::10] for v in variants]
    if quick:
        full = tenth + [(q, v) for q in latency[::50] for v in variants]
        tenth = [(q, top) for q in latency[::50] + known[::50]]
    return full, tenth


def targeted_cases(state):
    """Queries on the papers the edits touched: each id and each marker word."""
    cases = [("id:" + pid, ["-n", "5"]) for pid in sorted(state["ids"])]
    cases += [(w, ["-n", "5"]) for w in NEW_BULLETS]
    cases += [("quillfeather 갱신", ["-n", "5"]), ("\"later day\"", ["-n", "5"])]
    return cases


def compare_or_fail(tools, what, idx_a, idx_b, cases):
    t0 = time.time()
    ans_a = tools.answers(idx_a, cases)
    ans_b = tools.answers(idx_b, cases)
    msgs = H.compare("full build", ans_a, what, ans_b, cases)
    if msgs:
        fail("%s answers differently from a full build of the same files in %d of %d "
             "queries:\n%s" % (what, sum(1 for x, y in zip(ans_a, ans_b) if x != y),
                               len(cases), "\n".join(msgs)))
    hits = H.hit_count(ans_a)
    if cases and hits == 0:
        fail("%s: no query found anything: the comparison proves nothing" % what)
    log("%s == full build: %d queries, %d hits compared (%.1f s)" % (what, len(cases), hits,
                                                                     time.time() - t0))


# ---- the run ----

def plan_edits(src, corpus, files):
    """What happens before which day's update: {day index: [(name, action)]}."""
    return {
        FIRST_DAYS + 4: [("edit", EDIT_FILE)],
        FIRST_DAYS + 8: [("late_copy", LATE_SOURCE)],
        FIRST_DAYS + 14: [("early_copy", DELETE_FILE), ("tie_copy", TIE_SOURCE)],
        FIRST_DAYS + 20: [("delete", DELETE_FILE)],
        FIRST_DAYS + 26: [("remove_late_copy", None)],
    }


def apply_action(name, arg, src, files, state):
    """Changes SRC; returns the expected (added, changed, removed) file counts."""
    if name == "edit":
        path = os.path.join(src, files[arg])
        pre, secs = sections(read(path))
        if len(secs) < 3:
            fail("%s has fewer than 3 papers; pick another EDIT_FILE" % files[arg])
        (pid1, s1), (pid2, _) = secs[0], secs[1]
        secs[0] = (pid1, with_bullets(s1, NEW_BULLETS["quillfeather"]))
        del secs[1]
        write(path, "".join(pre) + "".join("".join(s) for _, s in secs))
        state["ids"].update(p for p in (pid1, pid2) if p)
        log("edited %s: summary of %s rewritten, %s removed" % (files[arg], pid1, pid2))
        return 0, 1, 0, 0
    if name == "delete":
        os.unlink(os.path.join(src, files[arg]))
        state["ids"].update(p for p, _ in sections(read(os.path.join(state["corpus"],
                                                                     files[arg])))[1] if p)
        log("deleted %s" % files[arg])
        # the early copy of one of its papers, dropped when added, comes back
        return 0, 0, 1, int(os.path.exists(os.path.join(src, "zz-extra/early_copy.md")))
    if name in ("late_copy", "early_copy", "tie_copy"):
        text = read(os.path.join(state["corpus"], files[arg]))
        pid, sec = first_paper(text)
        date = {"late_copy": "2099-12-31", "early_copy": "2001-01-02",
                "tie_copy": file_date(text)}[name]
        word = {"late_copy": "lanternwick", "early_copy": "emberfold",
                "tie_copy": "tidemark"}[name]
        rel = "zz-extra/%s.md" % name
        write(os.path.join(src, rel), "## Daily Papers (%s)\n\n%s" % (
            date, "".join(with_bullets(sec, NEW_BULLETS[word]))))
        state["ids"].add(pid)
        log("added %s: a copy of %s (from %s) dated %s" % (rel, pid, files[arg], date))
        return 1, 0, 0, 0
    if name == "remove_late_copy":
        os.unlink(os.path.join(src, "zz-extra/late_copy.md"))
        log("deleted zz-extra/late_copy.md: the old copy must come back")
        return 0, 0, 1, 1  # the old copy's file is parsed again
    fail("unknown action " + name)
    return None


def check_update_summary(s, day, expect, n_files_before):
    """The --update summary says what happened to the files: expect is
    (added, changed, removed, reparsed: unchanged files parsed again because a
    paper they lost to a duplicate comes back)."""
    what = "--update for day %d" % day
    added, changed, removed, reparsed = expect
    got = {k: H.stat(s, k, what) for k in ("files_added", "files_changed", "files_removed",
                                           "files_reparsed", "files_unchanged",
                                           "papers_added", "papers_deleted")}
    want = {"files_added": added, "files_changed": changed, "files_removed": removed,
            "files_reparsed": reparsed,
            "files_unchanged": n_files_before - changed - removed - reparsed}
    bad = ["%s %s (want %s)" % (k, got[k], v) for k, v in want.items() if got[k] != v]
    if bad:
        fail("%s: summary says %s: %s" % (what, ", ".join(bad), json.dumps(s)))
    return got["papers_added"] - got["papers_deleted"]


def main(argv):
    quick = "--quick" in argv
    keep = "--keep" in argv
    pos = [a for a in argv[1:] if a and not a.startswith("--")]
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bin_dir, shared = pos
    corpus = os.path.join(shared, "corpus", "paper_logs")
    if not os.path.isdir(corpus) or not os.path.isfile(
            os.path.join(shared, "eval", "latency_queries.txt")):
        log("skipped: no corpus and eval queries under %s" % shared)
        return H.SKIP
    tools = H.Tools(bin_dir)
    if tools.missing():
        fail("programs missing: %s" % ", ".join(tools.missing()))
    if not tools.has_update():
        log("skipped: this paperdex-index has no --update/--optimize yet (issue 12)")
        return H.SKIP
    files = H.digest_files(corpus)
    if len(files) <= FIRST_DAYS + 26:
        log("skipped: the corpus has %d digests; this test needs more than %d" % (
            len(files), FIRST_DAYS + 26))
        return H.SKIP
    full_cases, tenth = load_cases(shared, quick)
    tmp = tempfile.mkdtemp(prefix="pdx_update_exact.")
    t_start = time.time()
    try:
        run(tools, corpus, files, tmp, full_cases, tenth)
    except H.ToolError as e:
        fail(str(e))
    finally:
        if keep:
            log("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log("ok (%.1f s)" % (time.time() - t_start))
    return 0


def run(tools, corpus, files, tmp, full_cases, tenth):
    src = os.path.join(tmp, "src")
    for d in ("a", "b", "c"):
        os.mkdir(os.path.join(tmp, d))
    idx_a, idx_b, idx_c = (os.path.join(tmp, d, "papers.idx") for d in ("a", "b", "c"))
    for rel in files[:FIRST_DAYS]:
        copy(os.path.join(corpus, rel), os.path.join(src, rel))
    t0 = time.time()
    s = tools.build(idx_b, [src])
    tools.check(idx_b)
    live = H.stat(s, "papers", "the first full build")
    n_files = FIRST_DAYS
    log("B: full build of %d days: %d papers (%.1f s)" % (FIRST_DAYS, live, time.time() - t0))
    state = {"ids": set(), "corpus": corpus}
    plan = plan_edits(src, corpus, files)
    t_upd = 0.0
    segments = []
    for day in range(FIRST_DAYS, len(files)):
        expect = [1, 0, 0, 0]
        for name, arg in plan.get(day, []):
            e = apply_action(name, arg, src, files, state)
            expect = [x + y for x, y in zip(expect, e)]
        copy(os.path.join(corpus, files[day]), os.path.join(src, files[day]))
        t0 = time.time()
        s = tools.update(idx_b, [src])
        t_upd += time.time() - t0
        live += check_update_summary(s, day + 1, expect, n_files)
        n_files += expect[0] - expect[2]
        tools.check(idx_b)
        segments.append(s.get("segments"))
        if day in plan or day == len(files) - 1:
            tools.build(idx_c, [src])
            compare_or_fail(tools, "B after day %d's update (%s)" % (
                day + 1, ", ".join(n for n, _ in plan.get(day, [("last day", 0)]))),
                idx_c, idx_b, targeted_cases(state) + tenth)
    log("B: %d updates in %.1f s; segments after each: %s" % (
        len(files) - FIRST_DAYS, t_upd, segments))
    if max(x or 0 for x in segments) < 2:
        fail("B never had two segments: the test did not exercise a multi-segment index")
    s = tools.build(idx_a, [src])
    tools.check(idx_a)
    if H.stat(s, "papers", "the full build A") != live:
        fail("the updates' papers added minus deleted give %d live papers; the full build "
             "has %d" % (live, s["papers"]))
    log("A: full build of the final state: %d papers, B at %s segments" % (live,
                                                                           segments[-1]))
    compare_or_fail(tools, "B (updated)", idx_a, idx_b, full_cases + targeted_cases(state))
    s = tools.optimize(idx_b)
    tools.check(idx_b)
    if s.get("segments", 1) != 1:
        fail("--optimize left %s segments" % s.get("segments"))
    compare_or_fail(tools, "B after --optimize", idx_a, idx_b,
                    full_cases + targeted_cases(state))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
