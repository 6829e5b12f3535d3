#!/usr/bin/python3
"""Unit tests of the topical evaluation scripts (no engine, no corpus).

  /usr/bin/python3 bench/topical/test_topical.py

nDCG@10 and P@10 against hand-computed values, the qrels reader's errors,
the blind order and packet split of pool.py, the packets' silence about
engines, and check_crosslang.py's conditions. Runs in well under a second.
"""
import io
import math
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_crosslang as cc  # noqa: E402
import evaluate as ev  # noqa: E402
import pool  # noqa: E402
import topical_common as tc  # noqa: E402


def qrels_from(text, nids=("t-en-01",)):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        return tc.read_qrels(f.name, set(nids))
    finally:
        os.unlink(f.name)


class Scoring(unittest.TestCase):
    def test_ndcg_uses_grades_log2_discount_and_judged_ideal(self):
        judged = {"a": 2, "b": 1, "c": 0, "d": 2}
        ndcg, prec, unj = ev.score_list(["b", "x", "a", "c"], judged)
        dcg = 1 / math.log2(2) + 2 / math.log2(4)
        ideal = 2 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
        self.assertAlmostEqual(ndcg, dcg / ideal)
        self.assertAlmostEqual(prec, 2 / 10)  # b and a; c is judged 0
        self.assertEqual(unj, 1)  # x

    def test_perfect_list_scores_one_and_only_top_ten_counts(self):
        judged = {"p%d" % i: 1 for i in range(12)}
        ids = ["p%d" % i for i in range(12)]
        ndcg, prec, unj = ev.score_list(ids, judged)
        self.assertAlmostEqual(ndcg, 1.0)
        self.assertAlmostEqual(prec, 1.0)
        ndcg, prec, unj = ev.score_list(["z%d" % i for i in range(10)] + ids, judged)
        self.assertEqual((ndcg, prec, unj), (0.0, 0.0, 10))

    def test_need_without_relevant_paper_has_no_ndcg(self):
        ndcg, prec, unj = ev.score_list(["a"], {"a": 0})
        self.assertIsNone(ndcg)
        self.assertEqual((prec, unj), (0.0, 0))

    def test_aggregate_per_lang_and_engine(self):
        needs = [{"nid": "k", "lang": "ko"}, {"nid": "e", "lang": "en"}]
        qrels = {("k", "a"): 2, ("e", "b"): 1}
        runs = [{"nid": "k", "engine": "paperdex", "ids": ["a"]},
                {"nid": "k", "engine": "xapian", "ids": ["q"]},
                {"nid": "e", "engine": "paperdex", "ids": ["q"]},
                {"nid": "e", "engine": "xapian", "ids": ["b"]}]
        res = ev.evaluate(needs, qrels, runs)["by_lang"]
        self.assertEqual(res["ko"]["paperdex"]["ndcg10"], 1.0)
        self.assertEqual(res["ko"]["xapian"]["ndcg10"], 0.0)
        self.assertEqual(res["ko"]["xapian"]["unjudged"], 1)
        self.assertEqual(res["en"]["xapian"]["ndcg10"], 1.0)
        self.assertEqual(res["all"]["paperdex"]["ndcg10"], 0.5)
        self.assertEqual(res["all"]["paperdex"]["p10"], 0.05)


class Qrels(unittest.TestCase):
    def test_reads_grades_and_skips_comments(self):
        q = qrels_from("# nid\tid\tgrade\nt-en-01\t2401.00001\t2\n\nt-en-01\t2401.00002\t0\n")
        self.assertEqual(q, {("t-en-01", "2401.00001"): 2, ("t-en-01", "2401.00002"): 0})

    def assert_error(self, text, fragment):
        err = io.StringIO()
        with redirect_stderr(err), self.assertRaises(SystemExit):
            qrels_from(text)
        self.assertIn(fragment, err.getvalue())

    def test_bad_lines_name_file_and_line(self):
        self.assert_error("t-en-01\t2401.1\t2\nt-en-01\t2401.2\t3\n", ".tsv:2: grade must be 0, 1 or 2")
        self.assert_error("t-en-01\t2401.1\n", ".tsv:1: want nid<TAB>arxiv_id<TAB>grade")
        self.assert_error("t-xx-09\t2401.1\t1\n", ".tsv:1: unknown need")
        self.assert_error("t-en-01\t2401.1\t\n", "grade must be")  # an unfilled answer sheet
        self.assert_error("t-en-01\t2401.1\t1\nt-en-01\t2401.1\t2\n", ".tsv:2: t-en-01 2401.1 judged 1")


class Pool(unittest.TestCase):
    def test_pool_order_does_not_follow_engine_or_rank(self):
        ids = ["2401.%05d" % i for i in range(40)]
        runs = [{"nid": "n", "engine": "paperdex", "ids": ids[:10]},
                {"nid": "n", "engine": "xapian", "ids": ids[10:20]}]
        pairs = pool.top_pairs(runs, {"n"})
        self.assertEqual(len(pairs), 20)
        order = [pid for _, pid in sorted(pairs, key=lambda p: tc.blind_key(*p))]
        self.assertNotEqual(order, ids[:20])
        first_half = set(order[:10])
        self.assertTrue(first_half - set(ids[:10]) and first_half - set(ids[10:20]))

    def test_top_pairs_takes_ten_and_rejects_unknown_need(self):
        runs = [{"nid": "n", "ids": ["a%d" % i for i in range(15)]}]
        self.assertEqual(len(pool.top_pairs(runs, {"n"})), 10)
        with redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            pool.top_pairs([{"nid": "m", "ids": ["a"]}], {"n"})

    def test_packets_split_whole_needs_evenly(self):
        by_need = {"n%d" % i: ["x"] * (3 + i % 4) for i in range(12)}
        packets = pool.split_packets(by_need, 4)
        self.assertEqual(sorted(n for p in packets for n in p), sorted(by_need))
        loads = [sum(len(by_need[n]) for n in p) for p in packets]
        self.assertLessEqual(max(loads) - min(loads), 6)

    def test_packets_never_name_an_engine(self):
        needs = {"n": {"nid": "n", "query": "q", "need": "x", "grade2": "y", "grade1": "z"}}
        papers = {"a": {"title": "Paper A", "summary": "s" * 700}}
        with tempfile.TemporaryDirectory() as d:
            pool.write_packets(d, [("n", "a")], needs, papers, 4)
            for name in os.listdir(d):
                with open(os.path.join(d, name), encoding="utf-8") as f:
                    text = f.read().lower()
                for engine in tc.ENGINES:
                    self.assertNotIn(engine, text, name)
            with open(os.path.join(d, "packet_1.md"), encoding="utf-8") as f:
                md = f.read()
            self.assertIn("s" * 600 + " …", md)
            self.assertNotIn("s" * 601, md)


class Crosslang(unittest.TestCase):
    PAPERS = {"1": {"title": "Red-Teaming Chat Models", "summary": "- 모델의 jailbreak 취약점을 찾는다."},
              "2": {"title": "Safety Study", "summary": "- 모델을 탈옥 시키는 공격을 분석한다."}}

    def check(self, **kw):
        o = {"qid": "q", "query": "탈옥 취약점", "kind": "ko2en", "relevant": ["1"],
             "ko_term": "탈옥", "en_term": "jailbreak"}
        o.update(kw)
        return cc.check_line(o, self.PAPERS)

    def test_good_lines_pass(self):
        self.assertEqual(self.check(), ([], []))
        self.assertEqual(self.check(kind="en2ko", query="jailbreak safety", relevant=["2"]), ([], []))

    def test_paper_using_the_queried_term_fails(self):
        errs, _ = self.check(relevant=["2"])
        self.assertTrue(any("uses '탈옥' itself" in e for e in errs), errs)
        errs, _ = self.check(kind="en2ko", query="jailbreak safety")
        self.assertTrue(any("uses 'jailbreak' itself" in e for e in errs), errs)

    def test_spacing_and_hyphens_do_not_hide_a_term(self):
        errs, _ = self.check(kind="en2ko", query="red team safety", en_term="red team",
                             ko_term="취약점", relevant=["1"])
        self.assertTrue(any("uses 'red team' itself" in e for e in errs), errs)

    def test_other_term_must_occur_and_query_must_fit(self):
        errs, _ = self.check(en_term="adversarial")
        self.assertTrue(any("never uses 'adversarial'" in e for e in errs), errs)
        self.assertTrue(self.check(query="탈옥")[0])  # one word
        self.assertTrue(self.check(kind="en2ko", query="jailbreak 모델", relevant=["2"])[0])
        self.assertTrue(self.check(kind="other")[0])
        self.assertTrue(self.check(relevant=["9"])[0])

    def test_words_missing_from_paper_are_noted(self):
        errs, notes = self.check(query="탈옥 취약점 음악")
        self.assertEqual(errs, [])
        self.assertEqual(len(notes), 1)
        self.assertIn("음악", notes[0])


if __name__ == "__main__":
    unittest.main()
