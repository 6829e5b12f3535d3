#!/usr/bin/python3
"""Xapian peer of paperdex-bench (Debian's python3-xapian).

  xapian_peer.py build --papers PAPERS.jsonl --db DIR
  xapian_peer.py query --db DIR --queries Q.tok.jsonl --judgments J.tok.jsonl
                 [--rounds R] [--setup and_or_fill|and_ids]

Indexing: TermGenerator with the English stemmer (STEM_SOME) and
FLAG_CJK_NGRAM, over the original title (wdf increment 2), authors and
summary (1 each; a position gap between fields); the stored fields go into
the document data as JSON, as paperdex stores them for result lists, and
the arXiv id into value slot 0. Ranking: BM25Weight with paperdex's k1 = 1.2
and b = 0.75 (k2 = 0, k3 = 1, min_normlen = 0.5).

Querying: QueryParser with the same stemmer and FLAG_DEFAULT |
FLAG_CJK_NGRAM, default operator AND. Two set-ups (--setup):

- and_or_fill (the default): when fewer than 10 documents match, the query
  is parsed again with OR and its best documents fill the list, as paperdex
  fills with partial matches; each hit's id is read from its document
  (fetching the hit).
- and_ids: plain AND returning Xapian's document ids, no OR fill and no
  document read: the least work Xapian can do for a top 10. (Known-item
  effectiveness maps the ids to arXiv ids afterwards, untimed.)
"""
import json
import os
import shutil
import sys
import time

import xapian

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402


def build(args):
    if os.path.exists(args.db):
        shutil.rmtree(args.db)
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(args.db, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n = 0
    with open(args.papers, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            n += 1
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(p["title"], 2)
            tg.increase_termpos(100)
            tg.index_text(" ".join(p["authors"]))
            tg.increase_termpos(100)
            tg.index_text(p["summary"])
            stored = {k: p[k] for k in ("id", "url", "title", "authors", "summary", "date",
                                        "votes")}
            doc.set_data(json.dumps(stored, ensure_ascii=False))
            doc.add_value(0, p["id"])
            doc.add_boolean_term("Q" + p["id"])
            db.add_document(doc)
    db.commit()
    db.close()
    secs = time.perf_counter() - t0
    pc.emit({"engine": "xapian", "version": xapian.version_string(), "papers": n,
             "seconds": round(secs, 3), "index_bytes": pc.path_bytes(args.db),
             "peak_rss_kb": pc.peak_rss_kb()})


class Searcher:
    def __init__(self, path):
        self.db = xapian.Database(path)
        self.enq = xapian.Enquire(self.db)
        self.enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(xapian.Stem("english"))
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)
        self.flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM

    def _run(self, text, op, k):
        self.qp.set_default_op(op)
        self.enq.set_query(self.qp.parse_query(text, self.flags))
        return self.enq.get_mset(0, k)

    def search_ids(self, q, k=10):
        """Plain AND, Xapian document ids only (the and_ids set-up)."""
        return [m.docid for m in self._run(q["query"], xapian.Query.OP_AND, k)]

    def arxiv_ids(self, docids):
        return [self.db.get_document(d).get_value(0).decode() for d in docids]

    def search(self, q, k=10):
        text = q["query"]
        ids = [m.document.get_value(0).decode() for m in self._run(text, xapian.Query.OP_AND, k)]
        if len(ids) < k and len(text.split()) > 1:
            seen = set(ids)
            for m in self._run(text, xapian.Query.OP_OR, k + len(ids)):
                i = m.document.get_value(0).decode()
                if i not in seen and len(ids) < k:
                    ids.append(i)
                    seen.add(i)
        return ids


def query(args):
    s = Searcher(args.db)
    out = {"engine": "xapian", "version": xapian.version_string(), "setup": args.setup}
    timed = s.search if args.setup == "and_or_fill" else s.search_ids
    if args.queries:
        out["latency"] = pc.measure_latency(timed, pc.read_jsonl(args.queries),
                                            rounds=args.rounds)
    if args.judgments:
        judged = s.search if args.setup == "and_or_fill" else (
            lambda q: s.arxiv_ids(s.search_ids(q)))
        out["eval"] = pc.evaluate(judged, pc.read_jsonl(args.judgments))
    pc.emit(out)


def add_args(ap):
    ap.add_argument("--setup", choices=["and_or_fill", "and_ids"], default="and_or_fill",
                    help="and_or_fill: AND, OR fill, read each hit (default); "
                         "and_ids: plain AND returning document ids")


def main():
    pc.run_cli(__doc__, build, query, add_args)


if __name__ == "__main__":
    main()
