#!/usr/bin/python3
"""SQLite FTS5 peer of paperdex-bench.

  fts5_peer.py build --config trigram|unicode61 --papers PAPERS.jsonl --db DB
  fts5_peer.py query --config trigram|unicode61 --db DB --queries Q.tok.jsonl
               --judgments J.tok.jsonl [--rounds R]

PAPERS.jsonl comes from `paperdex-index --export-jsonl`; the .tok.jsonl files
from `paperdex-bench tokenize`. Each command prints one JSON object.

Schema: a plain table `docs` holds the stored fields (id, url, title,
authors, summary, date, votes), as paperdex stores them for its result
lists; an FTS5 table indexes title, authors and summary with
bm25(1.5, 1.0, 0.8), paperdex's default field weights.

- trigram: FTS5 over the original text with the trigram tokenizer
  (case-insensitive substrings), content kept in `docs` (external
  content). A query word of 3 or more characters becomes a quoted substring
  ("word"); a shorter one cannot use the trigram index, so it becomes a
  LIKE '%word%' filter on the three columns (a scan of the MATCH results,
  or of the whole table when no word has 3 characters: those results are
  unranked, in rowid order).
- unicode61: a contentless FTS5 table over the terms paperdex's tokenizer
  produced (exported as space-separated terms), so both engines index the
  same terms and only the engines differ. A query word becomes its
  paperdex query terms, a phrase when there are several.

Both run the words ANDed; when fewer than 10 papers match, the best papers
matching any word (OR) fill the list, as paperdex fills with partial
matches.
"""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common as pc  # noqa: E402

WEIGHTS = (1.5, 1.0, 0.8)


def fts_quote(s):
    return '"' + s.replace('"', '""') + '"'


def build(args):
    if os.path.exists(args.db):
        os.unlink(args.db)
    t0 = time.perf_counter()
    con = sqlite3.connect(args.db, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, url TEXT, title TEXT,"
                " authors TEXT, summary TEXT, date TEXT, votes INTEGER)")
    if args.config == "trigram":
        con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, authors, summary,"
                    " content='docs', content_rowid='rowid', tokenize='trigram')")
    else:
        con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, authors, summary, content='',"
                    " tokenize=\"unicode61 remove_diacritics 0 tokenchars ''''\")")
    con.execute("INSERT INTO fts(fts, rank) VALUES('rank', 'bm25(%g, %g, %g)')" % WEIGHTS)
    n = 0
    with open(args.papers, encoding="utf-8") as f:
        con.execute("BEGIN")
        for line in f:
            p = json.loads(line)
            n += 1
            authors = ", ".join(p["authors"])
            con.execute("INSERT INTO docs VALUES(?,?,?,?,?,?,?,?)",
                        (n, p["id"], p["url"], p["title"], authors, p["summary"], p["date"],
                         p["votes"]))
            if args.config == "trigram":
                row = (n, p["title"], authors, p["summary"])
            else:
                row = (n, p["title_terms"], p["authors_terms"], p["summary_terms"])
            con.execute("INSERT INTO fts(rowid, title, authors, summary) VALUES(?,?,?,?)", row)
        con.execute("COMMIT")
    con.execute("INSERT INTO fts(fts) VALUES('optimize')")
    con.close()
    secs = time.perf_counter() - t0
    pc.emit({"engine": "sqlite-fts5-" + args.config, "version": sqlite3.sqlite_version,
             "papers": n, "seconds": round(secs, 3), "index_bytes": pc.path_bytes(args.db),
             "peak_rss_kb": pc.peak_rss_kb()})


class Searcher:
    def __init__(self, db, config):
        self.con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        self.config = config
        self.ranked = "SELECT rowid FROM fts WHERE fts MATCH ? %s ORDER BY rank LIMIT ?"
        self.fetch = "SELECT id, title FROM docs WHERE rowid = ?"

    def _match_parts(self, q):
        """(match expression AND, match expression OR, LIKE words)."""
        if self.config == "unicode61":
            words = [fts_quote(" ".join(t)) for t in q["terms"] if t]
            return " AND ".join(words), " OR ".join(words), []
        long_words, short_words = [], []
        for w in q["query"].split():
            (long_words if len(w) >= 3 else short_words).append(w)
        words = [fts_quote(w) for w in long_words]
        return " AND ".join(words), " OR ".join(words), short_words

    def search(self, q, k=10):
        m_and, m_or, likes = self._match_parts(q)
        like_sql = "".join(" AND (title LIKE ? OR authors LIKE ? OR summary LIKE ?)"
                           for _ in likes)
        like_args = [a for w in likes for a in ("%" + w + "%",) * 3]
        cur = self.con.cursor()
        if m_and:
            rows = cur.execute(self.ranked % like_sql, [m_and] + like_args + [k]).fetchall()
            if len(rows) < k and m_or != m_and:
                seen = {r[0] for r in rows}
                for r in cur.execute(self.ranked % "", (m_or, k + len(rows))).fetchall():
                    if r[0] not in seen and len(rows) < k:
                        rows.append(r)
                        seen.add(r[0])
        elif likes:
            rows = cur.execute("SELECT rowid FROM fts WHERE 1" + like_sql + " LIMIT ?",
                               like_args + [k]).fetchall()
        else:
            rows = []
        ids = []
        for (rowid,) in rows:
            ids.append(cur.execute(self.fetch, (rowid,)).fetchone()[0])
        return ids


def query(args):
    s = Searcher(args.db, args.config)
    out = {"engine": "sqlite-fts5-" + args.config, "version": sqlite3.sqlite_version}
    if args.queries:
        out["latency"] = pc.measure_latency(s.search, pc.read_jsonl(args.queries),
                                            rounds=args.rounds)
    if args.judgments:
        out["eval"] = pc.evaluate(s.search, pc.read_jsonl(args.judgments))
    pc.emit(out)


def main():
    pc.run_cli(__doc__, build, query, lambda ap: ap.add_argument(
        "--config", choices=["trigram", "unicode61"], required=True))


if __name__ == "__main__":
    main()
