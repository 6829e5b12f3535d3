#!/usr/bin/python3
"""Check the cross-language known-item set against the indexed papers.

  check_crosslang.py [--papers EXPORT.jsonl] [--work DIR] [--no-build] [FILE]

FILE (default bench/topical/crosslang.jsonl) holds known-item queries in
the format of shared/eval/queries_visible.jsonl, plus the key concept of
each query in both languages:

  {"qid", "query", "kind": "ko2en" | "en2ko", "relevant": [arxiv id],
   "ko_term": "탈옥", "en_term": "jailbreak"}

ko2en: a Korean query naming the concept in Korean, for a paper whose title
and summary never use ko_term but do use en_term. en2ko: the reverse. The
check, per line: the kind is one of the two; the query has 2-4 words and
contains its own language's term, and a ko2en query is Hangul (an en2ko one
has none); the relevant paper exists in the export; the term of the query's
language is absent from the paper and the other language's term present.
Terms are compared after lower-casing, stripping accents and deleting
spaces, hyphens and underscores, so '강화 학습' also rules out '강화학습'
and 'red team' also 'red-teaming'; an English term may be a stem
('hallucinat').

Other query words that do not occur in the paper are listed as notes: a
known-item query should fail only on the crossing concept.

Exit status: 0 all lines pass, 1 some line fails (each named FILE:LINE).
Without --papers, the export is made as evaluate.py makes it (in --work).
"""
import argparse
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topical_common as tc  # noqa: E402

KINDS = ("ko2en", "en2ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# One trailing particle a Korean query word may carry (the longest first).
PARTICLES = ("에서", "으로", "로", "을", "를", "이", "가", "은", "는", "의", "에", "와", "과", "도")


def squash(text):
    """Lower case, marks stripped (Pokémon ~ pokemon), no spaces, hyphens
    or underscores."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", re.sub(r"[\s\-_]+", "", text))


def word_in(word, text):
    """Loose presence of one query word in squashed paper text: Korean
    words also without one trailing particle, English ones by their first
    five letters (a crude stem: 'captioning' ~ 'caption')."""
    w = squash(word)
    if w in text:
        return True
    if HANGUL.search(w):
        return any(w.endswith(p) and w[:-len(p)] in text for p in PARTICLES if len(w) > len(p))
    return len(w) > 5 and w[:5] in text


def check_line(o, papers):
    """(errors, notes) of one judgment object."""
    errs, notes = [], []
    for key in ("qid", "query", "kind", "relevant", "ko_term", "en_term"):
        if key not in o:
            return ["missing key '%s'" % key], notes
    kind, query = o["kind"], o["query"]
    if kind not in KINDS:
        return ["kind '%s' is not one of %s" % (kind, ", ".join(KINDS))], notes
    words = query.split()
    if not 2 <= len(words) <= 4:
        errs.append("query has %d words, want 2-4" % len(words))
    asked, other = (o["ko_term"], o["en_term"]) if kind == "ko2en" else (o["en_term"], o["ko_term"])
    if squash(asked) not in squash(query):
        errs.append("query does not contain its key term '%s'" % asked)
    if (kind == "ko2en") != bool(HANGUL.search(query)):
        errs.append("a %s query must %s Hangul" % (kind, "be" if kind == "ko2en" else "have no"))
    if not isinstance(o["relevant"], list) or len(o["relevant"]) != 1:
        return errs + ["want exactly one relevant id"], notes
    pid = o["relevant"][0]
    p = papers.get(pid)
    if p is None:
        return errs + ["paper %s is not in the export" % pid], notes
    text = squash(p["title"] + " " + p["summary"])
    if squash(asked) in text:
        errs.append("paper %s uses '%s' itself: not cross-language" % (pid, asked))
    if squash(other) not in text:
        errs.append("paper %s never uses '%s'" % (pid, other))
    key = squash(asked)
    for w in words:
        sw = squash(w)
        if sw not in key and key not in sw and not word_in(w, text):
            notes.append("word '%s' not found in %s" % (w, pid))
    return errs, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    tc.add_engine_args(ap)
    ap.add_argument("--papers", help="exported papers (paperdex-index --export-jsonl)")
    ap.add_argument("file", nargs="?", default=os.path.join(tc.HERE, "crosslang.jsonl"))
    args = ap.parse_args()
    if args.papers:
        papers = {p["id"]: p for p in tc.read_jsonl(args.papers, ("id", "title", "summary"))}
    else:
        papers = tc.engines_from_args(args).papers()
    bad = 0
    qids = set()
    counts = dict.fromkeys(KINDS, 0)
    with open(args.file, encoding="utf-8") as f:
        lines = f.read().splitlines()
    objs = tc.read_jsonl(args.file)
    numbered = [n for n, line in enumerate(lines, 1) if line.strip()]
    for n, o in zip(numbered, objs):
        errs, notes = check_line(o, papers)
        if o.get("qid") in qids:
            errs.append("qid %s appears twice" % o.get("qid"))
        qids.add(o.get("qid"))
        for e in errs:
            print("%s:%d: %s" % (args.file, n, e))
        for m in notes:
            print("%s:%d: note: %s" % (args.file, n, m))
        if errs:
            bad += 1
        elif o["kind"] in counts:
            counts[o["kind"]] += 1
    print("%d lines pass (%s), %d fail" % (
        sum(counts.values()), ", ".join("%s %d" % kv for kv in counts.items()), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
