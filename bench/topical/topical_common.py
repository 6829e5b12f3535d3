"""Shared code of the topical evaluation (bench/topical/*.py).

Builds paperdex from this checkout, indexes the corpus, exports the papers
for the Xapian peer, and runs every need's query through both engines for a
top-10 list of arXiv ids. pool.py, evaluate.py and check_crosslang.py all
start from here, so the two engines are always run the same way.

Needs Debian's /usr/bin/python3 (python3-xapian installs for it only).
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEERS = os.path.join(ROOT, "bench", "peers")
NEEDS = os.path.join(HERE, "needs.jsonl")
QRELS = os.path.join(HERE, "qrels.tsv")
POOL = os.path.join(HERE, "pool.jsonl")
LANGS = ["ko", "en", "mixed"]
K = 10
ENGINES = ["paperdex", "xapian"]


def default_shared():
    """$PAPERDEX_SHARED, else the shared folder beside this checkout (../shared
    for a main checkout, ../../shared for a worktree under wt/)."""
    env = os.environ.get("PAPERDEX_SHARED")
    if env:
        return env
    for up in (["..", "shared"], ["..", "..", "shared"]):
        cand = os.path.abspath(os.path.join(ROOT, *up))
        if os.path.isdir(cand):
            return cand
    return os.path.abspath(os.path.join(ROOT, "..", "shared"))


def write_atomic(path, text):
    """Replace path with text all at once: a crash leaves the old file."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def die(msg):
    sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), msg))
    sys.exit(2)


def read_jsonl(path, required=()):
    """Objects of a JSON Lines file; a bad line is an error naming file:line."""
    out = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        die("%s: cannot open: %s" % (path, e.strerror))
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError as e:
                die("%s:%d: not JSON: %s" % (path, n, e))
            if not isinstance(o, dict):
                die("%s:%d: not a JSON object" % (path, n))
            for key in required:
                if key not in o:
                    die("%s:%d: missing key '%s'" % (path, n, key))
            out.append(o)
    return out


def read_needs(path=NEEDS):
    needs = read_jsonl(path, ("nid", "lang", "query", "need", "grade2", "grade1"))
    seen = set()
    for n in needs:
        if n["lang"] not in LANGS:
            die("%s: need %s: lang '%s' is not one of %s" % (path, n["nid"], n["lang"], LANGS))
        if n["nid"] in seen:
            die("%s: need %s appears twice" % (path, n["nid"]))
        seen.add(n["nid"])
    return needs


def read_qrels(path, nids):
    """{(nid, id): grade} from `nid<TAB>arxiv_id<TAB>grade` lines (0, 1 or 2).
    A missing file is an empty set (nothing judged yet)."""
    qrels = {}
    if not os.path.exists(path):
        return qrels
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                die("%s:%d: want nid<TAB>arxiv_id<TAB>grade, got %d fields" % (path, n, len(parts)))
            nid, pid, grade = (p.strip() for p in parts)
            if nid not in nids:
                die("%s:%d: unknown need '%s'" % (path, n, nid))
            if grade not in ("0", "1", "2"):
                die("%s:%d: grade must be 0, 1 or 2, got '%s'" % (path, n, grade))
            if not pid:
                die("%s:%d: empty arxiv id" % (path, n))
            old = qrels.get((nid, pid))
            if old is not None and old != int(grade):
                die("%s:%d: %s %s judged %d before, now %s" % (path, n, nid, pid, old, grade))
            qrels[(nid, pid)] = int(grade)
    return qrels


def blind_key(nid, pid):
    """Sort key that hides which engine (and which rank) a pair came from."""
    return hashlib.sha256(("%s\t%s" % (nid, pid)).encode()).hexdigest()


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


class Engines:
    """paperdex (through its CLI, as a user runs it) and the Xapian peer
    (in process) over the same corpus.

    work: directory for the index, the exported papers and the Xapian
    database (outside the repository: the export holds corpus text).
    index: an existing paperdex index to search instead of building one
    (the export and Xapian database are still made from the corpus when
    work does not hold them yet)."""

    def __init__(self, work, corpus, shared, index=None, build=True, paperdex_args=()):
        self.work = work  # scratch directory, never inside the repository
        self.corpus = corpus  # digest folder that is indexed
        self.shared = shared  # SHARED= for the Makefile
        self.bin = os.path.join(ROOT, "build")  # where `make build` puts the programs
        self.paperdex_args = list(paperdex_args)  # extra paperdex-search options
        self.export = os.path.join(work, "papers.jsonl")  # paperdex-index --export-jsonl
        self.xapian_db = os.path.join(work, "xapian")  # the peer's database
        self.index = index or os.path.join(work, "paperdex.idx")  # index searched
        self._xapian = None  # Searcher of bench/peers/xapian_peer.py, opened on first use
        self._papers = None  # id -> exported paper, read on first use
        os.makedirs(work, exist_ok=True)
        if build:
            self._build()
        if index is None or not os.path.exists(self.export):
            self._index(index is None)
        self._build_xapian()

    def _build(self):
        code, out, err = run(["make", "-C", ROOT, "build", "SHARED=" + self.shared])
        if code != 0:
            die("make build failed:\n" + out[-2000:] + err[-2000:])

    def _index(self, keep):
        """Index the corpus and export its papers. When the caller brought
        its own index, the one built here only serves the export."""
        idx = self.index if keep else os.path.join(self.work, "export-only.idx")
        code, out, err = run([os.path.join(self.bin, "paperdex-index"), "-q", "--json", "-o", idx,
                              "--export-jsonl", self.export, self.corpus])
        if code != 0:
            die("paperdex-index failed (%d): %s" % (code, err.strip()))

    def _build_xapian(self):
        """Build the Xapian database from the export, unless it was built from
        these very bytes before (a build takes about a minute; the export is
        the same whenever the corpus and the exporter are)."""
        with open(self.export, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        stamp = self.xapian_db + ".sha256"
        if os.path.isdir(self.xapian_db) and os.path.exists(stamp):
            with open(stamp) as f:
                if f.read().strip() == digest:
                    return
        code, out, err = run([sys.executable, os.path.join(PEERS, "xapian_peer.py"), "build",
                              "--papers", self.export, "--db", self.xapian_db])
        if code != 0:
            die("xapian_peer.py build failed: %s" % err.strip())
        write_atomic(stamp, digest + "\n")

    def paperdex(self, query, k=K):
        """Top-k ids of paperdex-search --json, default options plus
        paperdex_args; lines that are not hits (a summary line) are skipped."""
        cmd = [os.path.join(self.bin, "paperdex-search"), "-i", self.index, "--json", "-n", str(k)]
        code, out, err = run(cmd + self.paperdex_args + ["--", query])
        if code == 1:
            return []
        if code != 0:
            die("paperdex-search failed on %r (%d): %s" % (query, code, err.strip()))
        ids = []
        for line in out.splitlines():
            if not line.strip():
                continue
            o = json.loads(line)
            if o.get("type", "hit") == "hit" and "id" in o:
                ids.append(o["id"])
        return ids[:k]

    def xapian(self, query, k=K):
        if self._xapian is None:
            sys.path.insert(0, PEERS)
            try:
                import xapian_peer
            except ImportError as e:
                die("cannot load the Xapian peer (%s): run with /usr/bin/python3 "
                    "and python3-xapian installed" % e)
            self._xapian = xapian_peer.Searcher(self.xapian_db)
        import xapian
        try:
            return self._xapian.search({"query": query}, k)
        except xapian.QueryParserError:
            return self._xapian_wordwise(query, k)

    def _xapian_wordwise(self, query, k):
        """Xapian 1.4's QueryParser with FLAG_CJK_NGRAM rejects some queries
        that mix a digit-led Hangul word with others ('LLM 양자화 4비트' is a
        parse error, each word alone parses). Rather than count such a need
        as an empty list for Xapian, parse each word alone and combine them
        as the peer does: AND, filled up with OR matches."""
        import xapian
        s = self._xapian
        sys.stderr.write("note: Xapian cannot parse %r whole; parsed word by word\n" % query)
        subs = [s.qp.parse_query(w, s.flags) for w in query.split()]

        def top(op, n):
            s.enq.set_query(xapian.Query(op, subs))
            return [m.document.get_value(0).decode() for m in s.enq.get_mset(0, n)]
        ids = top(xapian.Query.OP_AND, k)
        if len(ids) < k and len(subs) > 1:
            for pid in top(xapian.Query.OP_OR, k + len(ids)):
                if pid not in ids and len(ids) < k:
                    ids.append(pid)
        return ids

    def runs(self, needs):
        """[{"nid", "engine", "ids"}] for every need and engine."""
        out = []
        for n in needs:
            out.append({"nid": n["nid"], "engine": "paperdex", "ids": self.paperdex(n["query"])})
            out.append({"nid": n["nid"], "engine": "xapian", "ids": self.xapian(n["query"])})
        return out

    def papers(self):
        if self._papers is None:
            self._papers = {p["id"]: p for p in read_jsonl(self.export, ("id", "title", "summary"))}
        return self._papers


def add_engine_args(ap):
    """Options every script that runs the engines takes."""
    ap.add_argument("--work", default="/tmp/topical_work",
                    help="scratch directory for index, export and Xapian db (default %(default)s)")
    ap.add_argument("--corpus", default=None,
                    help="digest folder (default SHARED/corpus/paper_logs)")
    ap.add_argument("--shared", default=default_shared(), help="SHARED= folder (default %(default)s)")
    ap.add_argument("--index", default=None, help="search this paperdex index instead of building one")
    ap.add_argument("--no-build", action="store_true", help="do not run make build first")


def engines_from_args(args, paperdex_args=()):
    corpus = args.corpus or os.path.join(args.shared, "corpus", "paper_logs")
    if not os.path.isdir(corpus):
        die("%s: no such directory (use --corpus or --shared)" % corpus)
    return Engines(args.work, corpus, args.shared, index=args.index, build=not args.no_build,
                   paperdex_args=paperdex_args)


def write_runs(path, runs):
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in runs))


def read_runs(path):
    return read_jsonl(path, ("nid", "ids"))
