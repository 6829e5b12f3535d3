/*
 * Query evaluation: document-at-a-time over the block postings, scoring
 * with BM25 per field times a vote boost, into a bounded top-k heap.
 *
 * Iterators nest as the query does (searcher.h):
 *   slot   = union of its cursors (term ordinals x allowed fields)
 *   clause = intersection of its slots, then a position check for phrases
 *   group  = union of its clauses
 *   query  = intersection of the required groups, minus negated groups,
 *            filtered by date, votes and id.
 * Every iterator moves forward only, with seek(target) built on the
 * cursors' skip tables, so a rare term drives the walk and a frequent one
 * is only probed. Memory per query is proportional to the number of query
 * terms (cursors) and k, never to the collection.
 *
 * When fewer than offset+limit papers match every required group, a second
 * pass takes the union of the groups; those hits are marked partial and
 * rank after every full match, by their score times their coverage, the
 * share of the query's information they match (coverage()). Users of
 * digests search with remembered, imperfect words.
 *
 * Pruning. Once the heap is full (and, for honest totals, more than
 * PDX_EXACT_TOTAL full matches were counted), papers that cannot enter it
 * are passed over: MaxScore over the per-cursor bounds (the best of the
 * list's impacts, list_norm()) in eval_required() and eval_single(),
 * phrase positions skipped when the bag-of-words bound cannot enter,
 * proximity computed only when it can matter, and in the partial pass the
 * same bounds plus MaxScore over whole groups (partial_ms: a paper with
 * only the groups whose bounds, at their coverage, cannot enter is never
 * visited; the papers one group holds alone are walked on that group
 * only, up to the next paper of another: lone_run()). Every bound includes
 * the largest proximity factor and vote boost (in the full-match pass,
 * the proximity factor of each cursor's own group: a first or last word
 * is in one pair, a middle word in two; cursor_prox()), and a paper is
 * passed over only when its bound is below the heap's worst score by a
 * rounding margin (cannot_reach()), so equal scores still reach the
 * tie-break: the hits are exactly those of an exhaustive search, bit for
 * bit (tests/test_exact.c checks this against pdx_search_set_exhaustive()).
 *
 * Block-max. The skip entries hold each block's largest tf, shortest field
 * and most votes (format.h), so a range of documents can be bounded
 * without decoding it: from the candidate to the end of the first of the
 * cursors' current blocks to end, every cursor's papers are in one known
 * block (block_bound()). When that bound, with the proximity factors and
 * the largest vote boost of those blocks, cannot enter the heap
 * (cannot_reach(), the same margin), the whole range is passed over:
 * block-max AND in eval_required(), block-max MaxScore in eval_single()
 * (after the essential lists chose the candidate) and the same bound, with
 * coverage, in the partial pass. pdx_search_stats counts the ranges
 * skipped; tests/test_exact.c requires each path to be taken.
 *
 * Candidates. In the conjunctive pass a candidate is first bounded from
 * its cursors alone (candidate_excluded(): exact BM25 where a cursor is on
 * it, list bounds where a cursor has not been moved to it yet, times its
 * own vote boost read from the compact DOCS row), before the lists that
 * MaxScore only probes are moved to it, again after each of those is
 * moved there, largest bound first (probe_excluded()), and before its
 * clauses are scored; frequent pairs ("기존 모델") have thousands of
 * candidates that cannot enter. Measured on the 20x corpus (in-process,
 * minimum of 5 rounds per query): the range skipping of block-max gains little on
 * these lists by itself (common words score flatly, and a block's
 * largest tf and shortest field rarely belong to one paper), the
 * candidate bounds and the compact rows most. So what is left is the
 * cost of each candidate: the papers MaxScore draws that cannot enter
 * are passed over in a loop of their own that moves only the lists
 * drawn from (essential_sieve(); for one word drawn from one list,
 * single_sieve(), which still counts them); while one list leads that
 * walk alone, its papers are bounded and probed straight from its decoded
 * block (sieve_block(): 20x sum -6%, p99 -8%; 200x sum -11%, p99 -7%,
 * session 12), and the bound is tested
 * multiplied out, with no division (one_on_excluded(),
 * all_on_excluded()). Positions for proximity are read only while the
 * paper could enter with every pair of its words not yet read close
 * (proximity_bonus(), from the tfs, then pair by pair), and a partial
 * candidate is first bounded by its groups' list bounds
 * (partial_bound_may_enter()).
 *
 * Counting before pruning. Up to PDX_EXACT_TOTAL every full match is
 * counted, but once the heap is full a candidate whose bound cannot enter
 * it needs no score: only whether it matches, which a one-slot clause on
 * it decides without positions (matches_only(), clause_holds()). A word
 * with lexicon equivalents is one group whose union the equivalents make
 * several times larger; eval_union() walks it with next() on the
 * one-slot clauses' cursors instead of the nested seeks, and counts the
 * papers that cannot enter the same way (issue 10: expansion must stay
 * cheap). pdx_search_stats counts both; tests/test_exact.c requires them.
 *
 * Span equivalents. expand.c puts the equivalent of a multi-word span
 * ("fine tuning": 미세 조정) into each of the span's groups, so that a
 * paper with it satisfies them all. Here the copies share one set of
 * cursors (share_span_clause()) and one verdict per paper
 * (clause_verdict()): the lists are walked, and a phrase's positions
 * read, once per span rather than once per word. The exhaustive search
 * shares nothing, so tests/test_exact.c checks the sharing too.
 *
 * Segments. An index is a view over segments with deleted papers
 * (search_view.c). The query is evaluated segment by segment, each with
 * its own cursors (the segment's local term ordinals) but every statistic
 * of the view's live papers (query_stats(): N, df and so idf per list, the
 * groups' information and mass; average lengths): a paper scores the same
 * in any segment, and as in one segment built from the live papers alone.
 * All segments push into one heap and one count, so the heap's threshold
 * prunes every later segment exactly as it would the rest of one; the
 * partial pass runs, on every segment, only once the full matches of all
 * were counted. Deleted papers fail passes_filters(): never scored or
 * counted. Hits carry view doc ids (segment base + local id).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "searcher.h"

void pdx_search_opts_default(pdx_search_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->sort = PDX_SORT_SCORE;
    o->k1 = PDX_DEFAULT_K1;
    o->b = PDX_DEFAULT_B;
    o->field_weight[PDX_FIELD_TITLE] = PDX_DEFAULT_W_TITLE;
    o->field_weight[PDX_FIELD_AUTHORS] = PDX_DEFAULT_W_AUTHORS;
    o->field_weight[PDX_FIELD_SUMMARY] = PDX_DEFAULT_W_SUMMARY;
    o->vote_weight = PDX_DEFAULT_VOTE_WEIGHT;
}

void pdx_results_clear(pdx_results *r)
{
    if (!r)
        return;
    free(r->hits);
    memset(r, 0, sizeof *r);
}

/* ---- iterators ---- */

typedef struct cur {
    pdx_postings p;
    uint8_t field;
    /* Its clause decides whether its group matches (not an optional
     * clause): a paper it has may be one of the group's matches, so the
     * vote bound of its block bounds those papers (block_bound()). */
    bool decides;
    uint32_t group; /* index of its group in eval.groups */
    /* The last group whose clause reads this cursor: a span's equivalent
     * is one clause in each of the span's consecutive groups, sharing its
     * cursors (share_span_clause()), so group..group_last. */
    uint32_t group_last;
    double idf_w; /* w_f * idf_f(t) */
    double idf;   /* idf_f(t) alone: how informative the term is there */
    double ub;    /* most this cursor can add to a score (MaxScore) */
    /* The most proximity can multiply what it adds by, in the full-match
     * pass (cursor_prox()); 1 in the partial pass, whose bounds take the
     * query's largest factor. ubm = ub x pm. */
    double pm, ubm;
    /* Block-max bounds of block bm_block (UINT32_MAX: none yet), kept
     * because the same block is asked for again and again: the most the
     * cursor adds to a score there (its largest tf at its shortest field
     * length) and the vote boost of its most voted paper. */
    uint32_t bm_block;
    double bm_ub, bm_boost;
} cur;

typedef struct slot_it {
    cur *c;   /* n cursors, owned by the eval's array */
    uint32_t n;
    uint32_t doc;
    int32_t rel; /* position of this slot relative to the clause's first */
} slot_it;

typedef struct clause_it clause_it;
struct clause_it {
    slot_it *s;
    uint32_t n;
    uint8_t fields;
    bool dead;     /* a slot has no cursor: never matches */
    bool optional; /* adds score, never decides a match (searcher.h) */
    /* clause_decides() in the full-match pass [0] and the partial one [1]:
     * asked at every step of a seek, so worked out once (build()) */
    bool decides[2];
    bool alternative; /* another form of its group's first clause */
    bool positioned; /* doc is the clause's answer to its last seek */
    uint32_t doc;
    /* The slot with the fewest papers (lead_slot()): clause_seek() asks
     * it first, so a phrase's rarest bigram leads its leapfrog. */
    uint32_t lead;
    /* The clause's whole word (pdx_clause.has_whole), one cursor per
     * allowed field it occurs in: where it is on the paper, the phrase
     * holds in that field without a position check. Not scored. */
    cur *whole;
    uint32_t n_whole;
    /* the query's clause: a filter (kind, no slots) is matched per paper,
     * a whole-author phrase is checked against the author names */
    const pdx_clause *src;
    /* The clause of the group before whose slots and cursors this one
     * reads (share_span_clause()), or NULL: its verdict at a paper is
     * this clause's too (clause_verdict()). */
    struct clause_it *owner;
    /* clause_verdict()'s last answer: at memo_doc (PDX_NO_DOC: none),
     * whether the clause held and its BM25 there. */
    uint32_t memo_doc;
    bool memo_ok;
    double memo_sc;
    /* clause_holds()'s last verdict, without a score: at holds_doc
     * (PDX_NO_DOC: none), whether the clause held. */
    uint32_t holds_doc;
    bool holds;
};

typedef struct group_it {
    clause_it *c;
    uint32_t n;
    uint32_t doc;
    /* A clause that decides a match is a filter (date:2024 OR word): any
     * paper may match the group, whatever its cursors hold. */
    bool has_filter;
    /* Scratch of block_bound(): the largest vote boost of the blocks of
     * this group's deciding cursors, 0 when none has a block left. */
    double bm_boost;
    uint32_t qg; /* the query's group (pdx_query.groups index) */
    /* How informative the query word is (group_info()): a pair of words
     * earns proximity in proportion to it (pair_weight()). */
    double info;
    /* What matching the word is worth to a partial match, info to the
     * power PDX_COVERAGE_IDF_POWER; its share of the query's sum is the
     * coverage (coverage()). 0 for a word the index does not have. */
    double mass;
} group_it;

/* One (term, field) list a query reads, as the view counts it. */
typedef struct list_stat {
    uint32_t vord;  /* the view's term ordinal */
    uint8_t field;  /* enum pdx_field */
    bool live;      /* some live paper has the term in the field */
    double idf;     /* idf of the list over the view's live papers */
} list_stat;

/* What every segment's evaluation of one query shares (query_stats()):
 * the statistics of the view's live papers, so that a paper scores the
 * same whichever segment holds it, and as it would in one segment built
 * from the live papers alone. */
typedef struct query_stat {
    /* every (term, field) list the query's term slots may read, sorted
     * by (vord, field), once each */
    list_stat *lists;
    size_t n_lists;
    double n_live; /* BM25's N: the view's live papers */
    /* A lone segment without deletions, the common case: its lists'
     * statistics are the view's, so build() fills them in from the
     * cursors it opens instead of reading every list header twice. */
    bool from_cursors;
    bool infos_done; /* info, mass and mass_total are set */
    /* per query group (pdx_query.groups index): group_info() and its
     * mass, from the view's lists, so that a segment without the word
     * weighs it as the others do */
    double *info, *mass;
    double mass_total; /* sum of the required groups' mass */
} query_stat;

typedef struct eval {
    pdx_searcher *s;
    /* The segment this evaluation reads (the view's segment seg, or the
     * lone segment searched): cursors, documents and ids are its local
     * ones; hits carry base + local, the view's doc id. */
    pdx_index *ix;
    uint32_t seg, base;
    bool has_deleted; /* the segment has deleted papers: they never match */
    bool filtering;   /* has_filters(): passes_filters() has something to check */
    query_stat *qs; /* not owned */
    const pdx_query *q;
    const pdx_search_opts *o;
    cur *curs;
    size_t n_curs;
    bool curs_owned; /* curs is the eval's, not the searcher's kept array */
    slot_it *slots;
    clause_it *clauses;
    group_it *groups; /* required first, then negated */
    uint32_t n_req, n_neg;
    /* The required groups in the order the conjunction aligns them: the
     * rarest first (group_cost()), so a candidate comes from it and the
     * commoner groups are only probed there, instead of stepping a
     * frequent word paper by paper while a rare one leaps ahead. */
    uint32_t *walk;
    uint32_t id_doc; /* local; PDX_NO_DOC if no id filter, not found or elsewhere */
    bool id_filter;
    uint32_t *posbuf[2]; /* phrase check scratch */
    size_t cap_pos[2];
    uint32_t *prox;      /* proximity scratch */
    size_t cap_prox;
    struct prox_part *parts; /* proximity_bonus()'s pairs at a paper */
    size_t cap_parts;
    double avg[PDX_NFIELDS];
    /* b / avg[f], for bounds that need not equal a score to the last bit
     * (bound_norm()). */
    double b_avg[PDX_NFIELDS];
    /* A required or negated clause is a phrase: whether a paper matches
     * needs positions, which a paper that cannot enter the heap need not
     * get (it is then neither verified nor counted). */
    bool has_phrase;
    double max_boost;  /* the vote boost of the most voted paper */
    cur **rc;          /* cursors of the required groups, by bound ascending */
    uint32_t n_rc;
    uint32_t n_nonessential; /* leading rc entries not drawn from */
    /* A cursor is in rc more than once: a clause shared by the groups of a
     * span (share_span_clause()) is listed in each (sieve_block()). */
    bool rc_repeats;
    bool draw;               /* MaxScore's walk pays (PDX_DRAW_RATIO) */
    double lead_cost;        /* group_cost() of the group walk[0] */
    double theta;            /* heap threshold the split was made for */
    double prox_max;         /* the largest proximity factor (prox_factor_of()) */
    double mass_total;       /* sum of the required groups' mass */
    double *boost_tab; /* boost of 0..BOOST_TABLE-1 votes, 0 until met (searcher's) */
    /* Block-max: the last range [bm_from, bm_upto] whose bound was found
     * able to enter the heap at threshold bm_theta (or let through
     * unchecked after it: bm_misses, bm_skip_check()); candidates inside
     * it are not checked again until the threshold rises. */
    uint32_t bm_from, bm_upto;
    double bm_theta;
    uint32_t bm_misses; /* checks in a row that skipped nothing at bm_theta */
    /* The partial pass ranks papers by the words they match: a filter
     * alternative in a group (date:2024 OR word) does not count there, or
     * every paper passing it would be a partial match. */
    bool partial_pass;
    int err;
} eval;

/* Records a failure of the view (its message), not of e's segment. */
__attribute__((cold)) static int fail_view(eval *e, int rc)
{
    if (!e->err)
        e->err = pdx_searcher_error(e->s, rc, "%s", pdx_index_errmsg(e->s->ix));
    return rc;
}

__attribute__((cold)) static int fail(eval *e, int rc)
{
    if (!e->err) {
        e->err = rc;
        if (rc == PDX_ENOMEM)
            pdx_searcher_error(e->s, rc, "out of memory while searching");
        else
            pdx_searcher_error(e->s, rc, "%s", pdx_index_errmsg(e->ix));
    }
    return rc;
}

/* The local id in e's segment of view doc id vdoc, PDX_NO_DOC when
 * another segment holds it (or vdoc is PDX_NO_DOC). */
static uint32_t local_doc(const eval *e, uint32_t vdoc)
{
    if (vdoc == PDX_NO_DOC || vdoc < e->base || vdoc - e->base >= e->ix->n_docs)
        return PDX_NO_DOC;
    return vdoc - e->base;
}

static uint32_t slot_seek(eval *e, slot_it *s, uint32_t target)
{
    uint32_t m = PDX_NO_DOC;
    for (uint32_t i = 0; i < s->n; i++) {
        pdx_postings *p = &s->c[i].p;
        if (p->doc < target) {
            int rc = pdx_postings_seek(p, target);
            if (rc) {
                fail(e, rc);
                return s->doc = PDX_NO_DOC;
            }
        }
        if (p->doc < m)
            m = p->doc;
    }
    return s->doc = m;
}

/* Smallest doc >= target passing filter clause c: the id's paper, or the
 * first record that passes, read in order. Filters inside OR groups are
 * rare; a scan costs a record read per paper, once per query, since the
 * answer stands until target passes it. */
static uint32_t filter_seek(eval *e, clause_it *c, uint32_t target)
{
    if (c->positioned && c->doc >= target)
        return c->doc;
    c->positioned = true;
    if (c->src->kind == PDX_CLAUSE_ID) {
        uint32_t id = local_doc(e, c->src->id_doc);
        return c->doc = id != PDX_NO_DOC && id >= target ? id : PDX_NO_DOC;
    }
    for (uint32_t d = target; d < e->ix->n_docs; d++) {
        pdx_doc pd;
        int rc = pdx_doc_scan(e->ix, d, &pd);
        if (rc) {
            fail(e, rc);
            break;
        }
        if (pdx_clause_filter_passes(c->src, e->base + d, &pd))
            return c->doc = d;
    }
    return c->doc = PDX_NO_DOC;
}

/* The slot of clause c whose cursors hold the fewest papers. */
static uint32_t lead_slot(const clause_it *c)
{
    uint32_t lead = 0;
    uint64_t best = UINT64_MAX;
    for (uint32_t k = 0; k < c->n; k++) {
        uint64_t df = 0;
        for (uint32_t i = 0; i < c->s[k].n; i++)
            df += c->s[k].c[i].p.df;
        if (df < best) {
            best = df;
            lead = k;
        }
    }
    return lead;
}

/* Smallest doc >= target where every slot of the clause has a posting. */
static uint32_t clause_seek(eval *e, clause_it *c, uint32_t target)
{
    if (c->src->kind != PDX_CLAUSE_TERMS)
        return filter_seek(e, c, target);
    if (c->dead || c->doc == PDX_NO_DOC)
        return c->doc = PDX_NO_DOC;
    /* Once positioned, all the clause's cursors are at or past c->doc, and
     * nothing moves them backwards: the answer stands until target passes
     * it. (Unions and the partial pass ask again at every step.) */
    if (c->positioned && c->doc >= target)
        return c->doc;
    c->positioned = true;
    /* The slots in turn, the lead slot first, until all n in a row are on
     * d: a slot that moves d is on it already, so it counts as the first
     * of the run instead of being asked again. */
    uint32_t d = target;
    for (uint32_t k = 0, on = 0; on < c->n; k = k + 1 == c->n ? 0 : k + 1) {
        uint32_t i = k == 0 ? c->lead : k <= c->lead ? k - 1 : k;
        uint32_t sd = slot_seek(e, &c->s[i], d);
        if (sd == PDX_NO_DOC || e->err)
            return c->doc = PDX_NO_DOC;
        on = sd > d ? 1 : on + 1;
        d = sd;
    }
    return c->doc = d;
}

/* The weight of clause cl's matches in field f: its own, but at least
 * PDX_TITLE_ALT_WEIGHT for an alternative in a title. Titles are English:
 * a Korean query reaches them only through its words' equivalents, which
 * weigh PDX_LEXICON_WEIGHT so that the words as typed rank first in a
 * summary; but a title says what a paper is about, and at 0.3 a paper
 * merely mentioning the words in its summary outranked one named after
 * them (a trial: `강화학습으로 추론 능력 향상` ranked Text2World, a benchmark
 * whose results mention RL-trained reasoning models, above DeepSeek-R1).
 * Chosen on bench/'s evaluations (session 31: 0.45, 0.6, 0.8 and 1 tried,
 * and a factor of 1.5 or 2 on the weight): at 0.6 topical nDCG@10 0.891 ->
 * 0.904 (Korean 0.875 -> 0.906), cross-language MRR@10 0.895 -> 0.930,
 * the paraphrased known-item sets 0.856 -> 0.877 and 0.868 -> 0.875, the
 * visible known-item set 0.927 -> 0.914. The floor is per clause: a
 * span's equivalent, its weight split among the span's words, weighs 0.6
 * in each of their groups, so a title naming a whole span of two words
 * counts twice what one naming one word does (a factor on the weight
 * instead, which keeps the split, measured lower: topical 0.898). It
 * raises the other alternatives below it too (an English compound's other
 * spelling, 0.5 of the word typed: "finetuning" in a title for
 * fine-tuning); a derived Korean noun is in no title. */
#define PDX_TITLE_ALT_WEIGHT 0.6

static double clause_field_weight(const pdx_clause *cl, unsigned f)
{
    if (f == PDX_FIELD_TITLE && cl->alternative && cl->weight < PDX_TITLE_ALT_WEIGHT)
        return PDX_TITLE_ALT_WEIGHT;
    return cl->weight;
}

/* Does clause c decide matches in this pass? (Not an optional one, nor a
 * filter in the partial pass.) */
static bool clause_decides(const eval *e, const clause_it *c)
{
    return c->decides[e->partial_pass];
}

static uint32_t group_seek(eval *e, group_it *g, uint32_t target)
{
    uint32_t m = PDX_NO_DOC;
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (!clause_decides(e, c))
            continue;
        /* a union asks every clause at every step: most answers stand
         * (clause_seek()), so the call is spared for them */
        uint32_t d = c->positioned && c->doc >= target ? c->doc : clause_seek(e, c, target);
        if (d < m)
            m = d;
    }
    return g->doc = m;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Positions of slot s in field f at the current doc, sorted, into
 * e->posbuf[which]; returns the count (0 on error). */
static size_t slot_positions(eval *e, slot_it *s, unsigned f, int which, uint32_t doc)
{
    size_t n = 0;
    unsigned runs = 0; /* cursors that gave positions: each run is sorted */
    for (uint32_t i = 0; i < s->n; i++) {
        cur *c = &s->c[i];
        if (c->field != f || c->p.doc != doc)
            continue;
        runs++;
        uint32_t tf = pdx_postings_tf(&c->p);
        if (n + tf > e->cap_pos[which]) {
            size_t nc = PDX_MAX(n + tf, e->cap_pos[which] * 2);
            uint32_t *nb = realloc(e->posbuf[which], nc * sizeof *nb);
            if (!nb) {
                fail(e, PDX_ENOMEM);
                return 0;
            }
            e->posbuf[which] = nb;
            e->cap_pos[which] = nc;
        }
        int rc = pdx_postings_positions(&c->p, e->posbuf[which] + n);
        if (rc) {
            fail(e, rc);
            return 0;
        }
        n += tf;
    }
    if (runs > 1)
        qsort(e->posbuf[which], n, sizeof(uint32_t), cmp_u32);
    return n;
}

/* Start positions of clause c in field f of doc, sorted, left in
 * posbuf[0]: the first slot's positions, narrowed slot by slot to those
 * where every slot follows at its relative position. Returns the count. */
static bool slot_in_field(const slot_it *s, unsigned f, uint32_t doc)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->c[i].field == f && s->c[i].p.doc == doc)
            return true;
    return false;
}

static size_t clause_starts(eval *e, clause_it *c, unsigned f, uint32_t doc)
{
    /* no positions are decoded for a field some slot is not in */
    for (uint32_t k = 0; k < c->n; k++)
        if (!slot_in_field(&c->s[k], f, doc))
            return 0;
    size_t n = slot_positions(e, &c->s[0], f, 0, doc);
    for (uint32_t k = 1; k < c->n && n; k++) {
        size_t m = slot_positions(e, &c->s[k], f, 1, doc);
        int32_t rel = c->s[k].rel;
        size_t out = 0, j = 0;
        uint32_t *a = e->posbuf[0], *b = e->posbuf[1];
        for (size_t i = 0; i < n; i++) {
            uint64_t want = (uint64_t)a[i] + (uint64_t)rel;
            while (j < m && b[j] < want)
                j++;
            if (j < m && b[j] == want)
                a[out++] = a[i];
        }
        n = out;
    }
    return n;
}

static double tf_norm(eval *e, uint32_t tf, uint32_t len, unsigned f)
{
    double k1 = e->o->k1, b = e->o->b;
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / e->avg[f]));
}

/* The largest tf_norm() of a posting of list p: the largest over its
 * impacts (impact.h), the postings no other beats in both tf and length,
 * since tf_norm() grows with tf and shrinks with the length. */
static double list_norm(eval *e, const pdx_postings *p)
{
    uint32_t tf[PDX_MAX_IMPACTS], len[PDX_MAX_IMPACTS];
    uint32_t n = pdx_postings_impacts(p, tf, len);
    double m = 0;
    for (uint32_t i = 0; i < n; i++) {
        double v = tf_norm(e, tf[i], len[i], p->field);
        m = v > m ? v : m;
    }
    return m;
}

/* BM25 of clause c at doc: the sum over its cursors on doc whose field is
 * in `fields` (a bit per field). *any tells whether there was one. */
static double clause_sum(eval *e, clause_it *c, uint32_t doc, const pdx_doc_score *d,
                         unsigned fields, bool *any)
{
    double sum = 0;
    for (uint32_t k = 0; k < c->n; k++)
        for (uint32_t i = 0; i < c->s[k].n; i++) {
            cur *cu = &c->s[k].c[i];
            if (cu->p.doc != doc || !(fields & (1u << cu->field)))
                continue;
            sum += cu->idf_w * tf_norm(e, pdx_postings_tf(&cu->p), d->len[cu->field], cu->field);
            *any = true;
        }
    return sum;
}

/* The fields of doc where clause c's whole word is (pdx_clause.has_whole),
 * a bit per field: there its phrase holds. */
static unsigned whole_fields(eval *e, clause_it *c, uint32_t doc)
{
    unsigned fields = 0;
    for (uint32_t i = 0; i < c->n_whole; i++) {
        pdx_postings *p = &c->whole[i].p;
        if (p->doc < doc) {
            int rc = pdx_postings_seek(p, doc);
            if (rc) {
                fail(e, rc);
                return 0;
            }
        }
        if (p->doc == doc)
            fields |= 1u << c->whole[i].field;
    }
    return fields;
}

/* The fields of doc where term clause c, all of whose slots are on doc,
 * holds (a bit per field): every field for one slot; for a phrase, those
 * where its whole word is or its positions follow each other. With
 * first, the search stops at the first such field: a verdict needs no
 * more. 0 too when a whole-author clause names none of the paper's
 * authors, or on an error. */
static unsigned clause_fields(eval *e, clause_it *c, uint32_t doc, bool first)
{
    unsigned ok = PDX_FIELDS_ALL;
    if (c->n != 1) {
        ok = c->n_whole ? whole_fields(e, c, doc) : 0;
        for (unsigned f = 0; f < PDX_NFIELDS && !(first && ok) && !e->err; f++)
            if ((c->fields & ~ok & (1u << f)) && clause_starts(e, c, f, doc))
                ok |= 1u << f;
        if (e->err)
            return 0;
    }
    if (ok && c->src->whole_author) {
        int m = pdx_clause_author_matches(e->s, c->src, e->base + doc);
        if (m < 0 && !e->err)
            e->err = m;
        if (m <= 0)
            return 0;
    }
    return ok;
}

/* Verifies clause c at doc (which all its slots are on) and adds its BM25
 * to *score. A phrase contributes only in the fields where it occurs: where
 * its whole word is, or else where the positions say so. */
static bool clause_score(eval *e, clause_it *c, uint32_t doc, const pdx_doc_score *d, double *score)
{
    if (c->src->kind != PDX_CLAUSE_TERMS)
        return true; /* a filter that passed: no score */
    unsigned ok_fields = clause_fields(e, c, doc, false);
    if (!ok_fields)
        return false;
    bool any = false;
    *score += clause_sum(e, c, doc, d, ok_fields, &any);
    return any;
}

/* The clause's BM25 at doc over all its allowed fields, positions
 * ignored: exact for a one-slot clause, an upper bound for a phrase. Needs
 * no positions, so it is cheap. */
static double clause_bow(eval *e, clause_it *c, uint32_t doc, const pdx_doc_score *d)
{
    bool any = false;
    return clause_sum(e, c, doc, d, PDX_FIELDS_ALL, &any);
}

/* Upper bound of group g's score at doc, and (if present is not NULL)
 * whether some required clause of it has every slot on doc (a match unless
 * a phrase fails). */
static double group_bound(eval *e, group_it *g, uint32_t doc, const pdx_doc_score *d, bool *present)
{
    double ub = 0;
    if (present)
        *present = false;
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (c->optional) {
            if (clause_seek(e, c, doc) != doc)
                continue;
        } else if (!clause_decides(e, c) || c->doc != doc) {
            continue;
        } else {
            if (present)
                *present = true;
        }
        ub += clause_bow(e, c, doc, d);
    }
    return ub;
}

/* Group g at doc: true if a clause on doc verifies. Alternatives (other
 * spellings of the word: a lexicon equivalent, the noun of a derived form)
 * stand in for the words as written more than they add to them: the group
 * scores the better of the words and the best alternative, plus
 * PDX_ALT_BLEND of the other. A paper that writes both "Transformer" and
 * "트랜스포머" gains a little (it defines the idea: topical), but does not
 * outrank one that writes the query's word twice as often (known-item
 * queries). 0.5 was chosen on bench/'s known-item and topical evaluations
 * (0 loses topical nDCG, 1 loses known-item MRR). Then the optional
 * clauses add. */
#define PDX_ALT_BLEND 0.5

/* clause_score() of deciding clause c at doc alone, its BM25 in *sc. A
 * span's equivalent is one clause in each of the span's groups, reading
 * the same cursors (share_span_clause()): the first group to ask
 * verifies it (positions, for a phrase) and the others reuse the answer. */
static bool clause_verdict(eval *e, clause_it *c, uint32_t doc, const pdx_doc_score *d,
                           double *sc)
{
    clause_it *o = c->owner ? c->owner : c;
    if (o->memo_doc != doc) {
        double v = 0;
        bool ok = clause_score(e, o, doc, d, &v);
        if (e->err)
            return false;
        o->memo_doc = doc;
        o->memo_ok = ok;
        o->memo_sc = v;
    }
    *sc = o->memo_sc;
    return o->memo_ok;
}
static bool group_score(eval *e, group_it *g, uint32_t doc, const pdx_doc_score *d, double *score)
{
    bool ok = false;
    double words = 0, best_alt = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (!clause_decides(e, c) || c->doc != doc)
            continue;
        double sc;
        if (!clause_verdict(e, c, doc, d, &sc))
            continue;
        ok = true;
        if (c->alternative)
            best_alt = sc > best_alt ? sc : best_alt;
        else
            words += sc;
    }
    if (!ok)
        return false;
    *score += words > best_alt ? words + PDX_ALT_BLEND * best_alt
                               : best_alt + PDX_ALT_BLEND * words;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->c[i].optional && clause_seek(e, &g->c[i], doc) == doc)
            clause_score(e, &g->c[i], doc, d, score);
    return true;
}

/* ---- proximity ----
 *
 * Known-item queries are often a phrase remembered loosely: words of the
 * summary in their order, with particles changed ("일상적으로 수행하는").
 * So two consecutive query words that occur close together, in query
 * order, in one field earn a bonus of PDX_PROXIMITY x (their BM25 there).
 * "Close" is at most 3 positions between the end of the first and the
 * start of the second: room for the bridge bigram and the bigrams of a
 * one- or two-syllable particle. Up to 6 earns half. */
#define PDX_PROXIMITY 0.5

static double pair_prox(const uint32_t *a, size_t na, uint32_t a_len, const uint32_t *b,
                        size_t nb)
{
    uint64_t best = UINT64_MAX;
    size_t j = 0;
    for (size_t i = 0; i < na; i++) {
        uint64_t end = (uint64_t)a[i] + a_len - 1;
        while (j < nb && b[j] <= end)
            j++;
        if (j == nb)
            break;
        uint64_t d = b[j] - end - 1;
        if (d < best)
            best = d;
    }
    return best <= 3 ? 1.0 : best <= 6 ? 0.5 : 0.0;
}

/* Does the group stand for one query word: its first clause, plus perhaps
 * other forms of it and an optional as-written clause (no OR)? */
static bool one_word(const group_it *g)
{
    for (uint32_t i = 1; i < g->n; i++)
        if (!g->c[i].optional && !g->c[i].alternative)
            return false;
    return true;
}

/* Weight of the proximity bonus of the pair of groups a, b: a pair is
 * only as telling as its commoner word, and two common words side by side
 * ("현상 완화") happen in many papers, so the bonus is scaled by
 * m / (m + PDX_PROXIMITY_INFO), m the smaller info. Always below 1, so
 * prox_factor() stays a bound. The constant is small on purpose: on the
 * evaluations of bench/ every larger one (0.1 to 4) lowered topical
 * nDCG@10 for Korean needs, and those from 0.5 up known-item MRR@10 too
 * (0.934 to 0.927-0.932). At 0.05 a pair whose commoner word is in 80% of
 * the papers (idf 0.2) keeps 0.8 of its bonus, in every other paper (idf
 * 0.7) 0.93, a rare pair all but 1%. */
#define PDX_PROXIMITY_INFO 0.05
static double pair_weight(const group_it *a, const group_it *b)
{
    double m = PDX_MIN(a->info, b->info);
    return m / (m + PDX_PROXIMITY_INFO);
}

/* Relative margin of every pruning decision. A bound is a sum taken in
 * another order than the score it bounds (cursors by bound, not query
 * order) and multiplied by other factors ((s x 1.5) x boost against
 * (s + 0.5 s) x boost), so it can come out a few ulps below an equal
 * score; the paper must then still reach the tie-break (newer date, then
 * smaller arXiv id). A sum of n terms is off by at most about n x 2^-53
 * relative, n <= 3 x PDX_MAX_QUERY_TERMS; 1e-9 is far above that and far
 * below any difference that decides a ranking. */
#define PDX_BOUND_SLACK 1e-9

/* True when a paper whose score is at most bound cannot enter a heap whose
 * worst score is theta: only when the bound is below it by the margin,
 * since an equal score may still win the tie-break. Scores are >= 0. */
static bool cannot_reach(double bound, double theta)
{
    return bound * (1 + PDX_BOUND_SLACK) < theta;
}

/* The fields where pair (g, g + 1) of the required groups may earn a
 * proximity bonus at doc: both groups one word with their first clause
 * on doc; 0 when the pair earns none. */
static unsigned prox_pair_fields(const eval *e, uint32_t g, uint32_t doc)
{
    const group_it *ga = &e->groups[g], *gb = &e->groups[g + 1];
    if (!one_word(ga) || !one_word(gb) || ga->c[0].doc != doc || gb->c[0].doc != doc ||
        !ga->c[0].n || !gb->c[0].n)
        return 0;
    return ga->c[0].fields & gb->c[0].fields;
}

/* What pair (g, g + 1) earns in field f at doc when its words are close
 * (pair_prox() 1): PDX_PROXIMITY x pair_weight() x their BM25 there. */
static double pair_bonus(eval *e, uint32_t g, unsigned f, uint32_t doc, const pdx_doc_score *d)
{
    group_it *ga = &e->groups[g], *gb = &e->groups[g + 1];
    bool any = false;
    return PDX_PROXIMITY * pair_weight(ga, gb) *
           (clause_sum(e, &ga->c[0], doc, d, 1u << f, &any) +
            clause_sum(e, &gb->c[0], doc, d, 1u << f, &any));
}

/* A pair of query words (g, g + 1) and a field f where they may earn a
 * proximity bonus at a paper, with what they earn when close there
 * (pair_bonus()). */
typedef struct prox_part {
    uint32_t g;
    unsigned f;
    double part;
} prox_part;

/* The pairs of doc that may earn a bonus, in proximity order (pairs, then
 * fields), into e->parts, with what each earns when with_part (else 0:
 * computed when needed); returns how many, SIZE_MAX out of memory. */
static size_t prox_parts(eval *e, uint32_t doc, const pdx_doc_score *d, bool with_part)
{
    size_t n = 0, cap = (size_t)(e->n_req - 1) * PDX_NFIELDS;
    if (cap > e->cap_parts) {
        prox_part *np = realloc(e->parts, cap * sizeof *np);
        if (!np) {
            fail(e, PDX_ENOMEM);
            return SIZE_MAX;
        }
        e->parts = np;
        e->cap_parts = cap;
    }
    for (uint32_t g = 0; g + 1 < e->n_req; g++) {
        unsigned fields = prox_pair_fields(e, g, doc);
        for (unsigned f = 0; f < PDX_NFIELDS; f++)
            if (fields & (1u << f))
                e->parts[n++] = (prox_part){g, f, with_part ? pair_bonus(e, g, f, doc, d) : 0};
    }
    return n;
}

/* How close the words of pair part are at doc (pair_prox(): 0, 0.5 or
 * 1), from their positions. */
static double part_prox(eval *e, const prox_part *part, uint32_t doc)
{
    clause_it *a = &e->groups[part->g].c[0], *b = &e->groups[part->g + 1].c[0];
    size_t na = clause_starts(e, a, part->f, doc);
    if (!na || e->err)
        return 0;
    /* keep a's starts while b's are computed into posbuf[0] */
    if (na > e->cap_prox) {
        uint32_t *np = realloc(e->prox, na * sizeof *np);
        if (!np) {
            fail(e, PDX_ENOMEM);
            return 0;
        }
        e->prox = np;
        e->cap_prox = na;
    }
    memcpy(e->prox, e->posbuf[0], na * sizeof *e->prox);
    size_t nb = clause_starts(e, b, part->f, doc);
    if (!nb || e->err)
        return 0;
    return pair_prox(e->prox, na, a->n, e->posbuf[0], nb);
}

/* The proximity bonus of doc, which scores score before it, into *bonus:
 * over its pairs (prox_parts(), in that order), pair_prox() times what
 * the pair earns when close. With a heap to enter (theta > 0; bst the
 * paper's vote boost) it returns false, *bonus unset, as soon as the
 * paper cannot enter even were every pair not yet read close: first from
 * the tfs alone, then after each pair's positions, so a paper that
 * cannot enter never has all its positions read. Such a bound is the
 * bonus so far plus the parts left, which is at least the bonus: each
 * part at least what it adds; the difference in summation order is far
 * inside cannot_reach()'s margin. */
static bool proximity_bonus(eval *e, uint32_t doc, const pdx_doc_score *d, double score,
                            double bst, double theta, double *bonus)
{
    *bonus = 0;
    bool bar = theta > 0;
    size_t n = prox_parts(e, doc, d, bar);
    if (n == SIZE_MAX)
        return false;
    double left = 0; /* the parts not yet read */
    for (size_t j = 0; bar && j < n; j++)
        left += e->parts[j].part;
    if (bar && n && cannot_reach((score + left) * bst, theta))
        return false;
    double sum = 0;
    for (size_t j = 0; j < n && !e->err; j++) {
        prox_part *pp = &e->parts[j];
        double p = part_prox(e, pp, doc);
        if (p > 0)
            sum += p * (bar ? pp->part : pair_bonus(e, pp->g, pp->f, doc, d));
        if (bar && j + 1 < n) {
            left = 0;
            for (size_t k = j + 1; k < n; k++)
                left += e->parts[k].part;
            if (cannot_reach((score + sum + left) * bst, theta))
                return false;
        }
    }
    *bonus = sum;
    return true;
}

/* The largest factor proximity can multiply group g's score by: pair
 * (g, g+1) adds at most PDX_PROXIMITY x pair_weight() x the two groups'
 * scores (pair_prox() is at most 1, and the clause sums it weighs are
 * parts of those scores), so a group's score comes back at most
 * PDX_PROXIMITY x the weights of the (at most two) pairs it is in. A
 * score is then at most the sum over the groups of their scores times
 * this factor: a query's first and last words, in one pair each, are
 * bounded tighter than its middle ones (cursor_prox()). Pairs of common
 * words weigh less than 1, and their queries are the costly ones. */
static double group_prox(const eval *e, uint32_t g)
{
    const group_it *gs = e->groups;
    double w = 0;
    if (!one_word(&gs[g]))
        return 1; /* in no pair that earns (prox_pair_fields()) */
    if (g > 0 && one_word(&gs[g - 1]))
        w += pair_weight(&gs[g - 1], &gs[g]);
    if (g + 1 < e->n_req && one_word(&gs[g + 1]))
        w += pair_weight(&gs[g], &gs[g + 1]);
    return 1 + PDX_PROXIMITY * w;
}

/* The largest over the groups: the factor of a score as a whole.
 * Computed once per pass (collect_required()) into e->prox_max. */
static double prox_factor_of(const eval *e)
{
    double most = 1;
    for (uint32_t g = 0; g < e->n_req; g++)
        most = PDX_MAX(most, group_prox(e, g));
    return most;
}

static double prox_factor(const eval *e)
{
    return e->prox_max;
}

/* Whether the query or the segment has anything passes_filters() checks:
 * deleted papers, an id, a date or vote range, a group of filters. */
static bool has_filters(const eval *e)
{
    const pdx_query *q = e->q;
    bool any = e->has_deleted || e->id_filter || q->date_lo > 0 || q->date_hi < INT32_MAX ||
               q->has_votes_filter;
    for (uint32_t g = 0; g < q->n_groups && !any; g++)
        any = q->groups[g].filters_only;
    return any;
}

static bool filters_pass(eval *e, uint32_t doc, const pdx_doc_score *d);

/* Does paper doc pass the query's filters and is it live? Most queries
 * have none, and every candidate asks. */
static inline bool passes_filters(eval *e, uint32_t doc, const pdx_doc_score *d)
{
    return !e->filtering || filters_pass(e, doc, d);
}

static bool filters_pass(eval *e, uint32_t doc, const pdx_doc_score *d)
{
    const pdx_query *q = e->q;
    if (e->has_deleted && pdx_doc_deleted(e->ix, doc))
        return false;
    if (e->id_filter && doc != e->id_doc)
        return false;
    if (q->date_lo > 0 || q->date_hi < INT32_MAX) {
        /* an undated paper (0) passes no date range, open-ended ones
         * included (date:..2024-06), as unknown votes pass no votes one */
        int32_t date = pdx_doc_date(e->ix, doc);
        if (date <= 0 || date < q->date_lo || date > q->date_hi)
            return false;
    }
    if (q->has_votes_filter) {
        if (d->votes < 0 || d->votes < q->votes_lo || d->votes > q->votes_hi)
            return false;
    }
    /* groups of filters only (date:2024-06 OR date:2024-07, -votes:<5):
     * some filter passes, or none for an excluded group; they read the
     * whole record */
    pdx_doc full;
    bool read = false;
    for (uint32_t g = 0; g < q->n_groups; g++) {
        const pdx_group *gr = &q->groups[g];
        if (!gr->filters_only)
            continue;
        int rc;
        if (!read && (rc = pdx_doc_scan(e->ix, doc, &full))) {
            fail(e, rc);
            return false;
        }
        read = true;
        bool any = false;
        for (uint32_t c = 0; c < gr->n_clauses && !any; c++)
            any = pdx_clause_filter_passes(&gr->clauses[c], e->base + doc, &full);
        if (any == gr->negated)
            return false;
    }
    return true;
}

static bool excluded(eval *e, uint32_t doc, const pdx_doc_score *d)
{
    /* an excluded filter excludes in the partial pass too */
    bool partial = e->partial_pass, out = false;
    e->partial_pass = false;
    for (uint32_t i = 0; i < e->n_neg && !out; i++) {
        group_it *g = &e->groups[e->n_req + i];
        double ignore = 0;
        out = group_seek(e, g, doc) == doc && group_score(e, g, doc, d, &ignore);
    }
    e->partial_pass = partial;
    return out;
}

/* ---- top-k ---- */

typedef struct heap {
    pdx_hit *h;
    int32_t *date;
    int64_t *votes;
    size_t n, k;
} heap;

typedef struct rank_ctx {
    eval *e;         /* the evaluation pushing hits (its segment's dates) */
    pdx_index *view; /* the index searched: hits carry its doc ids */
    pdx_sort sort;
    /* Ranking by score in a search that may prune (not exhaustive): a full
     * heap then bars papers below its worst (heap_bars_entry()). */
    bool by_score;
    /* The first error reading a record a tie asked for (its message is
     * the searcher's): the search fails with it rather than rank on a guess. */
    int err;
    pdx_searcher *s;
    uint32_t tie_reads; /* records tie_date() read (PDX_TIE_READS) */
} rank_ctx;

/* The date of a hit whose record the heap has not read (PDX_LAZY_DATE:
 * ranking by score reads it only for a tie of scores, from the view). */
#define PDX_LAZY_DATE INT32_MIN

/* Records the first error of a read a tie asked for, with its message. */
static void rank_fail(rank_ctx *rc, int err)
{
    if (rc->err)
        return;
    rc->err = pdx_searcher_error(rc->s, err, "%s", pdx_index_errmsg(rc->view));
}

/* The date of hit a, read from its record into *date the first time a
 * tie asks for it: a heap entry or a candidate may be tied again and
 * again (the copies of one paper in a scaled corpus), and each read of a
 * record is a cache miss. The first PDX_TIE_READS reads of a search go
 * through pdx_doc_get (a one-shot handle's cold cache), the rest through
 * the mapping (pdx_doc_scan): the papers of a query of filters alone all
 * tie. A record that cannot be read fails the search (rank_fail()), as a
 * hit's does, rather than rank on a guess; once one has, ties read no
 * more. The ids of equal dates are read through the mapping
 * (pdx_stored_scan), rarely. */
static int32_t tie_date(rank_ctx *rc, const pdx_hit *a, int32_t *date)
{
    if (*date == PDX_LAZY_DATE && rc->err)
        *date = 0;
    if (*date == PDX_LAZY_DATE) {
        pdx_doc d;
        int err = rc->tie_reads++ < PDX_TIE_READS ? pdx_doc_get(rc->view, a->doc, &d)
                                                   : pdx_doc_scan(rc->view, a->doc, &d);
        if (err)
            rank_fail(rc, err);
        *date = err ? 0 : d.date;
    }
    return *date;
}

/* Negative if hit a ranks before hit b. *pa and *pb are their dates,
 * PDX_LAZY_DATE until a tie reads them (tie_date()). */
static int rank_cmp(rank_ctx *rc, const pdx_hit *a, int32_t *pa, int64_t va, const pdx_hit *b,
                    int32_t *pb, int64_t vb)
{
    int32_t da = *pa, db = *pb;
    /* Every full match before any partial one; partial ones carry their
     * coverage in their score. */
    if (a->partial != b->partial)
        return a->partial ? 1 : -1;
    if (rc->sort == PDX_SORT_VOTES && va != vb)
        return va > vb ? -1 : 1;
    if (rc->sort == PDX_SORT_DATE && da != db)
        return da > db ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    da = tie_date(rc, a, pa);
    db = tie_date(rc, b, pb);
    if (da != db)
        return da > db ? -1 : 1;
    /* Last resort, rare: the arXiv ids. */
    pdx_stored sa, sb;
    int err = pdx_stored_scan(rc->view, a->doc, &sa);
    if (!err)
        err = pdx_stored_scan(rc->view, b->doc, &sb);
    if (err) {
        rank_fail(rc, err);
        return a->doc < b->doc ? -1 : a->doc > b->doc;
    }
    int c = memcmp(sa.id, sb.id, PDX_MIN(sa.id_len, sb.id_len));
    if (c)
        return c;
    if (sa.id_len != sb.id_len)
        return sa.id_len < sb.id_len ? -1 : 1;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* The heap keeps the k best with the worst at the root. */
static bool worse(rank_ctx *rc, heap *h, size_t i, size_t j)
{
    return rank_cmp(rc, &h->h[i], &h->date[i], h->votes[i], &h->h[j], &h->date[j], h->votes[j]) >
           0;
}

static void heap_swap(heap *h, size_t i, size_t j)
{
    pdx_hit t = h->h[i];
    h->h[i] = h->h[j];
    h->h[j] = t;
    int32_t td = h->date[i];
    h->date[i] = h->date[j];
    h->date[j] = td;
    int64_t tv = h->votes[i];
    h->votes[i] = h->votes[j];
    h->votes[j] = tv;
}

static void sift_down(rank_ctx *rc, heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && worse(rc, h, l, m))
            m = l;
        if (r < h->n && worse(rc, h, r, m))
            m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

/* Offers hit (a view doc id, of rc->e's segment), whose paper has these
 * scoring values, to the heap. Its date is read now only when the heap
 * ranks by date; ranking by score needs it for a tie alone (tie_date()),
 * and reading a paper's record for every push costs a cache miss each. */
static void heap_push(rank_ctx *rc, heap *h, const pdx_hit *hit, const pdx_doc_score *d)
{
    int64_t votes = d->votes < 0 ? -1 : d->votes;
    int32_t date = rc->sort == PDX_SORT_DATE ? pdx_doc_date(rc->e->ix, hit->doc - rc->e->base)
                                             : PDX_LAZY_DATE;
    if (h->n < h->k) {
        size_t i = h->n++;
        h->h[i] = *hit;
        h->date[i] = date;
        h->votes[i] = votes;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(rc, h, i, p))
                break;
            heap_swap(h, i, p);
            i = p;
        }
        return;
    }
    if (h->k == 0 || rank_cmp(rc, hit, &date, votes, &h->h[0], &h->date[0], h->votes[0]) >= 0)
        return;
    h->h[0] = *hit;
    h->date[0] = date;
    h->votes[0] = votes;
    sift_down(rc, h, 0);
}

/* The vote boost; log1p costs as much as scoring a posting, so the usual
 * vote counts come from a table, filled as counts are met (0: not yet; a
 * boost is at least 1): a one-shot search computes the few it needs, not
 * a thousand. */
#define BOOST_TABLE 1024

/* The vote boost of a paper with votes > 0 at vote weight w: the formula,
 * which the table, the counts past it and the index's largest boost share. */
static double vote_boost(double w, int64_t votes)
{
    return 1 + w * log1p((double)votes);
}

/* boost_of_votes() past the table's filled entries. */
static double boost_miss(const eval *e, int64_t votes)
{
    if (votes <= 0)
        return 1;
    if (votes >= BOOST_TABLE)
        return vote_boost(e->o->vote_weight, votes);
    return e->boost_tab[votes] = vote_boost(e->o->vote_weight, votes);
}

/* Every candidate asks: the table's hit is inline. */
static inline double boost_of_votes(const eval *e, int64_t votes)
{
    if (votes > 0 && votes < BOOST_TABLE && e->boost_tab[votes] != 0)
        return e->boost_tab[votes];
    return boost_miss(e, votes);
}

static double boost(eval *e, const pdx_doc_score *d)
{
    return boost_of_votes(e, d->votes);
}

/* ---- setup ---- */

/* A group's mass is its info to this power (coverage() says why). */
#define PDX_COVERAGE_IDF_POWER 0.1

/* The view's statistics of list (vord, field), NULL when the query
 * reads no such list (query_stats() listed them all). */
static list_stat *list_stat_of(const query_stat *qs, uint32_t vord, unsigned field)
{
    size_t lo = 0, hi = qs->n_lists;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const list_stat *l = &qs->lists[mid];
        if (l->vord < vord || (l->vord == vord && l->field < field))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < qs->n_lists && qs->lists[lo].vord == vord && qs->lists[lo].field == field)
        return &qs->lists[lo];
    return NULL;
}

/* How informative term clause cl is: the sum over its slots of the slot's
 * smallest idf (the field where the term is commonest, usually the
 * summary; a phrase counts all its terms, as its BM25 does). -1 when it
 * cannot match anywhere: a slot with no live list in its fields. */
static double clause_info(const query_stat *qs, const pdx_clause *cl)
{
    double sum = 0;
    uint32_t used = 0;
    for (uint32_t k = 0; k < cl->n_slots; k++) {
        const pdx_slot *sl = &cl->slots[k];
        if (!sl->text)
            continue; /* a position the query does not constrain */
        used++;
        double m = INFINITY;
        for (uint32_t o = 0; o < sl->n_ords; o++)
            for (unsigned f = 0; f < PDX_NFIELDS; f++) {
                const list_stat *l = (cl->fields & (1u << f)) ? list_stat_of(qs, sl->ords[o], f)
                                                              : NULL;
                if (l && l->live)
                    m = PDX_MIN(m, l->idf);
            }
        if (m == INFINITY)
            return -1;
        sum += m;
    }
    return used ? sum : -1;
}

/* How informative a group's word is: the largest clause_info() of its
 * clauses that decide a match. 0 for a word the index does not have.
 * Field and clause weights are left out: they say where a word counts,
 * not how rare it is. From the view's lists, not a segment's cursors:
 * proximity weights and coverage (scores) depend on it. */
static double group_info(const query_stat *qs, const pdx_group *gr)
{
    double best = 0;
    for (uint32_t i = 0; i < gr->n_clauses; i++) {
        const pdx_clause *cl = &gr->clauses[i];
        if (cl->optional || cl->kind != PDX_CLAUSE_TERMS)
            continue;
        best = PDX_MAX(best, clause_info(qs, cl));
    }
    return best;
}

static int cmp_list_stat(const void *a, const void *b)
{
    const list_stat *x = a, *y = b;
    if (x->vord != y->vord)
        return x->vord < y->vord ? -1 : 1;
    return (x->field > y->field) - (x->field < y->field);
}

/* BM25's idf of a list of df papers among N. */
static double idf_of(double N, double df)
{
    return log(1 + (N - df + 0.5) / (df + 0.5));
}

/* Lists into qs->lists every (term, field) list the query's term slots
 * may read, once each, sorted (list_stat_of()). */
static int collect_lists(query_stat *qs, const pdx_query *q)
{
    size_t n = 0;
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            for (uint32_t k = 0; k < cl->n_slots; k++)
                n += (size_t)cl->slots[k].n_ords * PDX_NFIELDS;
        }
    qs->lists = malloc((n ? n : 1) * sizeof *qs->lists);
    if (!qs->lists)
        return PDX_ENOMEM;
    for (uint32_t g = 0; g < q->n_groups; g++)
        for (uint32_t c = 0; c < q->groups[g].n_clauses; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            for (uint32_t k = 0; k < cl->n_slots; k++)
                for (uint32_t o = 0; o < cl->slots[k].n_ords; o++)
                    for (unsigned f = 0; f < PDX_NFIELDS; f++)
                        if (cl->fields & (1u << f))
                            qs->lists[qs->n_lists++] =
                                (list_stat){.vord = cl->slots[k].ords[o], .field = (uint8_t)f};
        }
    qsort(qs->lists, qs->n_lists, sizeof *qs->lists, cmp_list_stat);
    size_t u = 0;
    for (size_t i = 0; i < qs->n_lists; i++)
        if (!u || cmp_list_stat(&qs->lists[u - 1], &qs->lists[i]))
            qs->lists[u++] = qs->lists[i];
    qs->n_lists = u;
    return PDX_OK;
}

/* Each group's information and mass (query_stat), from the lists'. */
static void query_infos(query_stat *qs, const pdx_query *q)
{
    for (uint32_t g = 0; g < q->n_groups; g++) {
        const pdx_group *gr = &q->groups[g];
        if (gr->filters_only)
            continue;
        qs->info[g] = group_info(qs, gr);
        qs->mass[g] = qs->info[g] > 0 ? pow(qs->info[g], PDX_COVERAGE_IDF_POWER) : 0;
        if (!gr->negated)
            qs->mass_total += qs->mass[g];
    }
    qs->infos_done = true;
}

/* The lists' idf from their live papers over the view
 * (pdx_search_term_stats(): each term looked up once per segment). */
static int view_list_stats(pdx_searcher *s, query_stat *qs)
{
    for (size_t l = 0; l < qs->n_lists; l++) {
        const uint32_t *locals;
        const uint64_t *df;
        int rc = pdx_search_term_stats(s, qs->lists[l].vord, &locals, &df);
        if (rc)
            return rc;
        qs->lists[l].live = df[qs->lists[l].field] > 0;
        qs->lists[l].idf = idf_of(qs->n_live, (double)df[qs->lists[l].field]);
    }
    return PDX_OK;
}

/* The statistics every segment's evaluation of q shares (query_stat):
 * the idf of each list from its live papers over the view (BM25's N the
 * view's live papers), and each group's information and mass; for a lone
 * segment without deletions, left to build() (from_cursors). */
static int query_stats(pdx_searcher *s, const pdx_query *q, query_stat *qs)
{
    memset(qs, 0, sizeof *qs);
    qs->info = calloc(q->n_groups ? q->n_groups : 1, sizeof *qs->info);
    qs->mass = calloc(q->n_groups ? q->n_groups : 1, sizeof *qs->mass);
    if (!qs->info || !qs->mass || collect_lists(qs, q))
        return pdx_searcher_error(s, PDX_ENOMEM, "out of memory");
    qs->n_live = pdx_search_n_live(s->ix);
    qs->from_cursors = pdx_search_n_segs(s->ix) == 1 && !pdx_search_has_deleted(s->ix);
    if (qs->from_cursors)
        return PDX_OK;
    int rc = view_list_stats(s, qs);
    if (!rc)
        query_infos(qs, q);
    return rc;
}

static void query_stats_free(query_stat *qs)
{
    free(qs->lists);
    free(qs->info);
    free(qs->mass);
    memset(qs, 0, sizeof *qs);
}

/* Are a and b the same alternative clause: an equivalent the lexicon
 * gave a span of several words, which expand.c copies into each of the
 * span's groups? */
static bool same_alternative(const pdx_clause *a, const pdx_clause *b)
{
    return a->alternative && b->alternative && !a->optional && !b->optional &&
           a->weight == b->weight && a->fields == b->fields && a->has_whole == b->has_whole &&
           (!a->has_whole || a->whole_ord == b->whole_ord) && pdx_clause_same_terms(a, b);
}

/* Clause c of required group gi, when it is a copy of an equivalent in
 * the group before (a span's equivalent, same_alternative()), reads that
 * clause's slots and cursors instead of opening its own: the span's
 * groups then walk and decode its lists once, not once per word. Its
 * cursors' group_last covers gi (block_bound()). Not in an exhaustive
 * search, the reference tests/test_exact.c compares with. Sharing is exact: every
 * seek of either clause goes to a target no smaller than any before
 * (the passes move forward), so each finds the cursors where its own
 * would be, and both score the same postings. Returns whether it did. */
static bool share_span_clause(eval *e, group_it *gi, clause_it *c)
{
    uint32_t g = (uint32_t)(gi - e->groups);
    if (g == 0)
        return false;
    group_it *prev = &e->groups[g - 1];
    for (uint32_t i = 0; i < prev->n; i++) {
        clause_it *p = &prev->c[i];
        if (!same_alternative(p->src, c->src))
            continue;
        c->owner = p->owner ? p->owner : p;
        c->s = p->s;
        c->n = p->n;
        c->lead = p->lead;
        c->dead = p->dead;
        c->whole = p->whole;
        c->n_whole = p->n_whole;
        for (uint32_t k = 0; k < p->n; k++)
            for (uint32_t j = 0; j < p->s[k].n; j++)
                p->s[k].c[j].group_last = g;
        for (uint32_t j = 0; j < p->n_whole; j++)
            p->whole[j].group_last = g;
        e->s->stats.shared_clauses++;
        if (p->n > 1)
            e->has_phrase = true;
        return true;
    }
    return false;
}

/* Opens the cursors of clause c's whole word (pdx_clause.has_whole) at
 * the end of e->curs, outside every slot: they decide where the phrase
 * holds, they add nothing to a score. */
static int open_whole(eval *e, clause_it *c, const pdx_clause *cl, uint32_t group)
{
    c->whole = &e->curs[e->n_curs];
    uint32_t local;
    int rc = pdx_search_term_local(e->s->ix, cl->whole_ord, e->seg, &local);
    if (rc == PDX_ENOTFOUND)
        return PDX_OK; /* not in this segment: positions decide */
    if (rc)
        return fail_view(e, rc);
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!(cl->fields & (1u << f)))
            continue;
        cur *cu = &e->curs[e->n_curs];
        rc = pdx_postings_open(&cu->p, e->ix, local, f);
        if (rc == PDX_ENOTFOUND)
            continue;
        if (rc)
            return fail(e, rc);
        cu->field = (uint8_t)f;
        cu->decides = false; /* in no slot: never drawn from, never bounds */
        cu->group = cu->group_last = group;
        cu->bm_block = UINT32_MAX;
        cu->idf = cu->idf_w = cu->ub = cu->ubm = cu->bm_ub = cu->bm_boost = 0;
        cu->pm = 1;
        e->n_curs++;
        c->n_whole++;
    }
    return PDX_OK;
}

/* The ordinal in e's segment of slot term vord: PDX_OK, PDX_ENOTFOUND
 * (the segment lacks it) or an error of the view. */
static int local_ord(const eval *e, uint32_t vord, uint32_t *local)
{
    if (e->qs->from_cursors)
        return pdx_search_term_local(e->s->ix, vord, e->seg, local);
    const uint32_t *locals;
    const uint64_t *df;
    int rc = pdx_search_term_stats(e->s, vord, &locals, &df);
    if (rc)
        return rc;
    *local = locals[e->seg];
    return *local == PDX_NO_ORD ? PDX_ENOTFOUND : PDX_OK;
}

/* Cursors above this many bytes are freed with their evaluation rather
 * than kept in the searcher (a query of hundreds of words). */
#define PDX_CURSOR_KEEP ((size_t)256 << 10)

/* Room for n cursors: the searcher's kept array when it fits (grown if
 * need be), else one of the evaluation's own (e->curs_owned). */
static cur *eval_curs(eval *e, size_t n)
{
    pdx_searcher *s = e->s;
    size_t bytes = n * sizeof(cur);
    if (bytes > PDX_CURSOR_KEEP) {
        e->curs_owned = true;
        return malloc(bytes);
    }
    if (s->cursors_bytes < bytes) {
        free(s->cursors);
        s->cursors = malloc(bytes);
        s->cursors_bytes = s->cursors ? bytes : 0;
    }
    return s->cursors;
}

static int build(eval *e)
{
    const pdx_query *q = e->q;
    pdx_index *ix = e->ix;
    size_t n_slots = 0, n_clauses = 0, n_curs = 0;
    for (uint32_t g = 0; g < q->n_groups; g++) {
        n_clauses += q->groups[g].n_clauses;
        for (uint32_t c = 0; c < q->groups[g].n_clauses; c++) {
            const pdx_clause *cl = &q->groups[g].clauses[c];
            n_slots += cl->n_slots;
            for (uint32_t k = 0; k < cl->n_slots; k++)
                n_curs += (size_t)cl->slots[k].n_ords * PDX_NFIELDS;
            n_curs += cl->has_whole ? PDX_NFIELDS : 0;
        }
    }
    e->groups = calloc(q->n_groups ? q->n_groups : 1, sizeof *e->groups);
    e->clauses = calloc(n_clauses ? n_clauses : 1, sizeof *e->clauses);
    e->slots = calloc(n_slots ? n_slots : 1, sizeof *e->slots);
    e->curs = eval_curs(e, n_curs ? n_curs : 1);
    if (!e->groups || !e->clauses || !e->slots || !e->curs)
        return fail(e, PDX_ENOMEM);
    size_t ci = 0, si = 0;
    /* Required groups first, then negated ones. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t g = 0; g < q->n_groups; g++) {
            const pdx_group *gr = &q->groups[g];
            if (gr->negated != (pass == 1) || gr->filters_only)
                continue; /* filter groups: passes_filters() */
            group_it *gi = &e->groups[pass ? e->n_req + e->n_neg++ : e->n_req++];
            gi->c = &e->clauses[ci];
            gi->n = gr->n_clauses;
            for (uint32_t c = 0; c < gr->n_clauses; c++) {
                const pdx_clause *cl = &gr->clauses[c];
                clause_it *cit = &e->clauses[ci++];
                cit->s = &e->slots[si];
                cit->fields = cl->fields;
                cit->optional = cl->optional;
                cit->decides[0] = !cl->optional;
                cit->decides[1] = !cl->optional && cl->kind == PDX_CLAUSE_TERMS;
                cit->alternative = cl->alternative;
                cit->doc = 0;
                cit->src = cl;
                cit->memo_doc = PDX_NO_DOC;
                cit->holds_doc = PDX_NO_DOC;
                if (!pass && !e->s->exhaustive && share_span_clause(e, gi, cit))
                    continue;
                uint32_t used = 0;
                for (uint32_t k = 0; k < cl->n_slots; k++) {
                    const pdx_slot *sl = &cl->slots[k];
                    if (!sl->text)
                        continue; /* a position the query does not constrain */
                    slot_it *st = &e->slots[si++];
                    st->c = &e->curs[e->n_curs];
                    st->rel = (int32_t)k;
                    for (uint32_t o = 0; o < sl->n_ords; o++) {
                        uint32_t local;
                        int rc = local_ord(e, sl->ords[o], &local);
                        if (rc == PDX_ENOTFOUND)
                            continue; /* not in this segment */
                        if (rc)
                            return fail_view(e, rc);
                        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
                            if (!(cl->fields & (1u << f)))
                                continue;
                            /* a list only deleted papers have is none */
                            list_stat *ls = list_stat_of(e->qs, sl->ords[o], f);
                            if (!ls || (!ls->live && !e->qs->from_cursors))
                                continue;
                            cur *cu = &e->curs[e->n_curs];
                            rc = pdx_postings_open(&cu->p, ix, local, f);
                            if (rc == PDX_ENOTFOUND)
                                continue;
                            if (rc)
                                return fail(e, rc);
                            if (e->qs->from_cursors) {
                                ls->live = true;
                                ls->idf = idf_of(e->qs->n_live, cu->p.df);
                            }
                            cu->field = (uint8_t)f;
                            cu->decides = !cl->optional;
                            cu->group = cu->group_last = (uint32_t)(gi - e->groups);
                            cu->bm_block = UINT32_MAX;
                            cu->idf = ls->idf;
                            cu->idf_w =
                                clause_field_weight(cl, f) * e->o->field_weight[f] * cu->idf;
                            cu->ub = cu->idf_w * list_norm(e, &cu->p);
                            cu->pm = 1; /* cursor_prox() sets it for the pass */
                            cu->ubm = cu->ub;
                            e->n_curs++;
                            st->n++;
                        }
                    }
                    if (st->n == 0)
                        cit->dead = true;
                    used++;
                }
                cit->n = used;
                cit->lead = lead_slot(cit);
                if (used > 1 && cl->has_whole &&
                    open_whole(e, cit, cl, (uint32_t)(gi - e->groups)))
                    return e->err;
                if (used == 0 && cl->kind == PDX_CLAUSE_TERMS)
                    cit->dead = true;
                if (cl->kind != PDX_CLAUSE_TERMS && !cl->optional)
                    gi->has_filter = true;
                if ((used > 1 || cl->whole_author) && !cl->optional)
                    e->has_phrase = true;
            }
            gi->qg = g;
        }
    }
    /* the groups' weights, known once every list was seen */
    if (!e->qs->infos_done)
        query_infos(e->qs, q);
    for (uint32_t g = 0; g < e->n_req + e->n_neg; g++) {
        e->groups[g].info = e->qs->info[e->groups[g].qg];
        e->groups[g].mass = e->qs->mass[e->groups[g].qg];
    }
    e->mass_total = e->qs->mass_total;
    return PDX_OK;
}

/* Forgets the range block-max pruning last let through (a new pass, new
 * cursors). */
static void bm_forget(eval *e)
{
    e->bm_from = 1;
    e->bm_upto = 0;
    e->bm_theta = -1;
    e->bm_misses = 0;
}

static int cmp_cur_ub(const void *a, const void *b)
{
    const cur *x = *(const cur *const *)a, *y = *(const cur *const *)b;
    return x->ubm < y->ubm ? -1 : x->ubm > y->ubm;
}

/* Papers group g may match, estimated from its lists: per deciding term
 * clause its rarest slot's documents (a phrase matches no more), summed
 * over the clauses; a filter clause may pass any paper. */
static double group_cost(const eval *e, const group_it *g)
{
    double cost = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        const clause_it *c = &g->c[i];
        if (c->optional)
            continue;
        if (c->src->kind != PDX_CLAUSE_TERMS) {
            cost += e->ix->n_docs;
            continue;
        }
        double best = INFINITY;
        for (uint32_t k = 0; k < c->n; k++) {
            double df = 0;
            for (uint32_t j = 0; j < c->s[k].n; j++)
                df += c->s[k].c[j].p.df;
            best = PDX_MIN(best, df);
        }
        cost += c->n ? best : 0;
    }
    return cost;
}

/* e->walk: the required groups by group_cost() ascending (ties in query
 * order). */
static int order_walk(eval *e)
{
    free(e->walk);
    e->walk = malloc((e->n_req ? e->n_req : 1) * sizeof *e->walk);
    double *cost = malloc((e->n_req ? e->n_req : 1) * sizeof *cost);
    if (!e->walk || !cost) {
        free(cost);
        return fail(e, PDX_ENOMEM);
    }
    for (uint32_t g = 0; g < e->n_req; g++) {
        cost[g] = group_cost(e, &e->groups[g]);
        uint32_t at = g;
        for (; at > 0 && cost[e->walk[at - 1]] > cost[g]; at--)
            e->walk[at] = e->walk[at - 1];
        e->walk[at] = g;
    }
    e->lead_cost = e->n_req ? cost[e->walk[0]] : 0;
    free(cost);
    return PDX_OK;
}

/* Each required cursor's proximity factor pm, and its bound with it, ubm.
 * In the full-match pass a cursor adds to its group's score only, and the
 * proximity bonus weighs the sums of a group's first clause only
 * (pair_bonus()), so a cursor of that clause brings at most its group's
 * factor (group_prox()) times what it adds, and one of an alternative
 * what it adds (the blend of alternatives gives at most their sum). A
 * clause shared by the groups of a span (share_span_clause()) is read in
 * each of them; such a query takes the largest factor for every cursor,
 * a margin the bound may not need (an independent review found none) but
 * that keeps it simple to trust. The partial pass keeps pm 1 and
 * multiplies its bounds by e->prox_max (partial_bound_may_enter()). */
static void cursor_prox(eval *e)
{
    bool span = e->rc_repeats; /* a span's clause is in several groups */
    for (uint32_t g = 0; g < e->n_req; g++) {
        group_it *gi = &e->groups[g];
        double pm = e->partial_pass ? 1 : span ? e->prox_max : group_prox(e, g);
        for (uint32_t c = 0; c < gi->n; c++)
            for (uint32_t k = 0; k < gi->c[c].n; k++)
                for (uint32_t i = 0; i < gi->c[c].s[k].n; i++) {
                    cur *cu = &gi->c[c].s[k].c[i];
                    /* only the first clause's sums earn a bonus
                     * (pair_bonus()) */
                    cu->pm = c == 0 || span ? pm : 1;
                    cu->ubm = cu->ub * cu->pm;
                }
    }
}

/* Lists the required groups' cursors by bound, for MaxScore. */
static int collect_required(eval *e)
{
    if (order_walk(e))
        return e->err;
    size_t n = 0;
    for (uint32_t g = 0; g < e->n_req; g++)
        for (uint32_t c = 0; c < e->groups[g].n; c++)
            for (uint32_t k = 0; k < e->groups[g].c[c].n; k++)
                n += e->groups[g].c[c].s[k].n;
    free(e->rc);
    e->rc = malloc((n ? n : 1) * sizeof *e->rc);
    if (!e->rc)
        return fail(e, PDX_ENOMEM);
    e->n_rc = 0;
    for (uint32_t g = 0; g < e->n_req; g++)
        for (uint32_t c = 0; c < e->groups[g].n; c++)
            for (uint32_t k = 0; k < e->groups[g].c[c].n; k++)
                for (uint32_t i = 0; i < e->groups[g].c[c].s[k].n; i++)
                    e->rc[e->n_rc++] = &e->groups[g].c[c].s[k].c[i];
    e->rc_repeats = false;
    for (uint32_t i = 0; i < e->n_rc; i++)
        e->rc_repeats |= e->rc[i]->group_last != e->rc[i]->group;
    e->prox_max = prox_factor_of(e);
    cursor_prox(e);
    qsort(e->rc, e->n_rc, sizeof *e->rc, cmp_cur_ub);
    e->theta = -1;
    e->n_nonessential = 0;
    e->draw = false;
    bm_forget(e);
    return PDX_OK;
}

static void eval_free(eval *e)
{
    free(e->groups);
    free(e->clauses);
    free(e->slots);
    if (e->curs_owned)
        free(e->curs);
    free(e->posbuf[0]);
    free(e->posbuf[1]);
    free(e->prox);
    free(e->parts);
    free(e->rc);
    free(e->walk);
}

/* ---- the passes ---- */

/* Full matches: intersection of the required groups. */

/* When MaxScore's walk pays. Its candidates are the papers of the
 * essential lists, each stepped to with next(); without it eval_required()
 * aligns the groups, the cheapest (walk[0]) leading with seeks, so its
 * candidates are at most that group's papers. Past PDX_EXACT_TOTAL the
 * costly conjunctions of three or four common Korean words have
 * essential lists that hold several times the papers of their rarest
 * word (`텍스트 조건 대규모 언어` at 200x: 313,000 against 89,600), while
 * a frequent pair's essential lists are its rarer word's. So the walk is
 * taken while its lists hold at most PDX_DRAW_RATIO times the papers of
 * the lead group. Measured on the slowest 200x queries (instructions,
 * callgrind): with 2, the conjunctions that now align cost 0.68-0.86x,
 * the pairs are unchanged; with 1, 'language model' costs 2.2x. */
#define PDX_DRAW_RATIO 2.0

/* MaxScore. Each cursor has an upper bound on what it can add to a
 * paper's score (its list's largest tf at its shortest field length,
 * times its proximity factor: ubm). With the cursors sorted by bound, the
 * longest prefix whose bounds sum, times the largest vote boost, stays
 * below the heap's worst score is "non-essential": a paper found only in
 * those lists cannot enter the heap. So candidates are drawn from the essential lists alone,
 * and the others are only probed (seek) for the papers drawn. This keeps
 * one-word queries on large collections from walking every posting of a
 * frequent summary term when the top hits have it in their titles.
 * eval_required() walks the essential lists only when that pays (draw,
 * PDX_DRAW_RATIO). */
static void maxscore_split(eval *e, double theta)
{
    double sum = 0;
    uint32_t k = 0;
    while (k < e->n_rc) {
        double next = sum + e->rc[k]->ubm;
        if (!cannot_reach(next * e->max_boost, theta))
            break;
        sum = next;
        k++;
    }
    e->n_nonessential = k;
    e->theta = theta;
    double drawn = 0;
    for (uint32_t i = k; i < e->n_rc; i++)
        drawn += e->rc[i]->p.df;
    e->draw = k > 0 && drawn <= PDX_DRAW_RATIO * e->lead_cost;
}

/* The first document >= doc in an essential list, PDX_NO_DOC if none. */
static uint32_t maxscore_next(eval *e, uint32_t doc)
{
    uint32_t m = PDX_NO_DOC;
    for (uint32_t i = e->n_nonessential; i < e->n_rc; i++) {
        pdx_postings *p = &e->rc[i]->p;
        if (p->doc < doc) {
            int rc = pdx_postings_seek(p, doc);
            if (rc) {
                fail(e, rc);
                return PDX_NO_DOC;
            }
        }
        if (p->doc < m)
            m = p->doc;
    }
    return m;
}

/* Block-max bound. For each cursor of the required groups, the block that
 * holds its first document >= doc is found from the skip table alone
 * (pdx_postings_block_of(): nothing is decoded); until the end of the
 * first of those blocks to end, *upto, every paper a cursor has is in that
 * cursor's block, so that block's largest tf at its shortest field length
 * bounds what the cursor adds, and the block's most voted paper bounds the
 * vote boost. Returns a bound of the score of every paper in [doc, *upto]
 * (*upto is PDX_NO_DOC when no cursor has a document >= doc):
 *   full matches    sum of the blocks' bounds, each x its cursor's
 *                   proximity factor, x the smallest over the groups of
 *                   the group's largest block boost (a full match is in
 *                   a deciding cursor of every group; a group with a
 *                   filter clause may match any paper: the index's
 *                   largest boost);
 *   partial matches sum x proximity factor x the largest block boost x
 *                   the coverage of the groups that have a block there.
 * The sum takes every cursor of the groups (alternatives and optional
 * clauses too), as MaxScore's bounds do. */
static double coverage(const eval *e, double mass);
static double block_bound(eval *e, uint32_t doc, uint32_t *upto)
{
    uint32_t end = PDX_NO_DOC;
    double sum = 0;
    for (uint32_t g = 0; g < e->n_req; g++)
        e->groups[g].bm_boost = 0;
    for (uint32_t i = 0; i < e->n_rc; i++) {
        cur *cu = e->rc[i];
        uint32_t b = pdx_postings_block_of(&cu->p, doc);
        if (b >= cu->p.n_blocks)
            continue; /* no document >= doc: adds nothing */
        end = PDX_MIN(end, pdx_skip_last_doc(&cu->p, b));
        if (b != cu->bm_block) {
            cu->bm_block = b;
            /* the block's corner, or the list's impacts when lower */
            cu->bm_ub = PDX_MIN(cu->ub, cu->idf_w * tf_norm(e, pdx_skip_max_tf(&cu->p, b),
                                                            pdx_skip_min_len(&cu->p, b),
                                                            cu->field));
            cu->bm_boost = boost_of_votes(e, pdx_skip_max_votes(&cu->p, b));
        }
        sum += cu->bm_ub * cu->pm;
        for (uint32_t gi = cu->group; cu->decides && gi <= cu->group_last; gi++)
            if (cu->bm_boost > e->groups[gi].bm_boost)
                e->groups[gi].bm_boost = cu->bm_boost;
    }
    *upto = end;
    if (!e->partial_pass) {
        double vb = INFINITY;
        for (uint32_t g = 0; g < e->n_req; g++)
            vb = PDX_MIN(vb, e->groups[g].has_filter ? e->max_boost : e->groups[g].bm_boost);
        return sum * vb;
    }
    double vb = 0, mass = 0;
    for (uint32_t g = 0; g < e->n_req; g++) {
        if (e->groups[g].bm_boost > 0) {
            vb = PDX_MAX(vb, e->groups[g].bm_boost);
            mass += e->groups[g].mass;
        }
    }
    return sum * prox_factor(e) * coverage(e, mass) * vb;
}

/* Block-max pruning at candidate doc, against the heap's worst score
 * theta: true when no paper from doc to the end of the blocks
 * (block_bound()) can enter, with *next the first document past them
 * (PDX_NO_DOC: none left), so the caller moves there without decoding
 * what lies between. A range let through is not checked again until
 * theta rises. */
static bool bm_skip_check(eval *e, uint32_t doc, double theta, uint32_t *next);
static inline bool bm_skip(eval *e, uint32_t doc, double theta, uint32_t *next)
{
    if (doc >= e->bm_from && doc <= e->bm_upto && theta == e->bm_theta)
        return false;
    return bm_skip_check(e, doc, theta, next);
}

/* A check that skips nothing costs a pass over every cursor's skip table
 * and is repeated at the end of the shortest of their blocks: on a
 * frequent pair at 200x, every 20 or so candidates, 11% of the query for
 * no range skipped (common words score flatly, so every block of theirs
 * can enter). So after m checks in a row that skipped nothing at one
 * threshold, the range let through is 2^min(m, BM_MISS_SHIFT) times the
 * one checked, starting again at one range when a check skips or theta
 * rises. Ranges let through unchecked are evaluated as any other: the
 * hits do not change, only how often a skip is looked for (500 latency
 * queries, per-query minima: 20x sum -2.7%, p99 -5%; 200x sum -3%, p99
 * -5 to -10%). */
#define BM_MISS_SHIFT 3

static void bm_let_through(eval *e, uint32_t doc, uint32_t upto, double theta)
{
    if (theta != e->bm_theta)
        e->bm_misses = 0;
    uint64_t end = upto;
    if (upto != PDX_NO_DOC) {
        uint64_t len = (uint64_t)(upto - doc) + 1;
        end += len * ((1u << PDX_MIN(e->bm_misses, BM_MISS_SHIFT)) - 1);
        end = PDX_MIN(end, (uint64_t)PDX_NO_DOC - 1);
    }
    e->bm_misses++;
    e->bm_from = doc;
    e->bm_upto = (uint32_t)end;
    e->bm_theta = theta;
}

static bool bm_skip_check(eval *e, uint32_t doc, double theta, uint32_t *next)
{
    uint32_t upto;
    double bound = block_bound(e, doc, &upto);
    if (!cannot_reach(bound, theta)) {
        bm_let_through(e, doc, upto, theta);
        return false;
    }
    e->bm_misses = 0;
    *next = upto == PDX_NO_DOC ? PDX_NO_DOC : upto + 1;
    return true;
}

/* tf_norm()'s denominator less tf, k1 (1 - b + b len / avg), without the
 * division by the average: for bounds, a few ulps off (PDX_BOUND_SLACK). */
static inline double norm_of(double k1, double one_less_b, double b_avg, uint32_t len)
{
    return k1 * (one_less_b + b_avg * len);
}
static inline double bound_norm(const eval *e, unsigned f, uint32_t len)
{
    return norm_of(e->o->k1, 1 - e->o->b, e->b_avg[f], len);
}

/* cannot_reach((BM25 of cursor on, tf there + rest) x k, theta) for a paper with
 * values d, multiplied out so that it needs no division:
 *   (w (k1 + 1) tf / (tf + norm) + rest) k (1 + slack) < theta
 *   <=>  w (k1 + 1) tf K < (theta - rest K) (tf + norm),  K = k (1 + slack)
 * (tf + norm > 0: tf >= 1; w takes the cursor's proximity factor pm).
 * The subtraction may cancel, but its error is about 2^-52 theta, far
 * below the slack's 1e-9 theta. bound_norm() leaves out the division by
 * the average length: a few ulps off the score, which the slack covers
 * too. */
static inline bool parts_excluded(double a, double tf, double norm, double rest, double k,
                                  double theta)
{
    double K = k * (1 + PDX_BOUND_SLACK), room = theta - rest * K;
    return room > 0 && a * tf * K < room * (tf + norm);
}
/* a = w (k1 + 1) of cursor on */
static inline double cursor_a(const eval *e, const cur *on)
{
    return on->pm * on->idf_w * (e->o->k1 + 1);
}
static inline bool one_on_excluded(const eval *e, const cur *on, double tf, uint32_t len,
                                   double rest, double k, double theta)
{
    return parts_excluded(cursor_a(e, on), tf, bound_norm(e, on->field, len), rest, k, theta);
}

/* one_on_excluded() for every cursor on doc at once: the sum of their
 * fractions a_i / d_i (a_i = pm w (k1 + 1) tf K, d_i = tf + norm) is
 * below room when sum_i a_i prod_{j != i} d_j < room prod_j d_j, which
 * builds up a cursor at a time with no division (num / den is the sum so
 * far). Each step is off by a few ulps relative, as a sum of divisions
 * would be. A product too large for a double makes the test fail: the
 * paper is not passed over (without the check, a product that overflows
 * at the last cursor would compare num < inf and pass over any paper:
 * hundreds of prefix terms on one paper, with k1 = 10, do it;
 * tests/test_exact.c). */
static bool all_on_excluded(const eval *e, uint32_t doc, const pdx_doc_score *d, double rest,
                            double k, double theta)
{
    double K = k * (1 + PDX_BOUND_SLACK), room = theta - rest * K;
    if (room <= 0)
        return false;
    double k1p1K = (e->o->k1 + 1) * K, num = 0, den = 1;
    for (uint32_t i = 0; i < e->n_rc; i++) {
        const cur *cu = e->rc[i];
        if (cu->p.doc != doc)
            continue;
        double tf = pdx_postings_tf(&cu->p);
        double di = tf + bound_norm(e, cu->field, d->len[cu->field]);
        num = num * di + cu->pm * cu->idf_w * k1p1K * tf * den;
        den *= di;
    }
    return isfinite(den) && isfinite(num) && num < room * den;
}

/* Can candidate doc (every required group on it), with its paper's values
 * d and vote boost bst, not enter a heap whose worst score is theta? Its
 * bound from the cursors alone: the exact BM25 of each cursor on doc, the
 * list bound of each cursor not yet moved to doc (an optional clause's,
 * say: it may hold doc), nothing for a cursor past doc; each times its
 * proximity factor (cursor_prox()), the sum times bst. A group scores at
 * most the sum of its clauses' cursors on doc (the blend of alternatives
 * gives less), so this bounds the score at the cost of a pass over the
 * cursors, without the clauses. First with the list bounds of the
 * cursors on doc too, which settles the papers of a frequent pair that
 * few votes hold back; then with their BM25, tested with no division
 * (one_on_excluded() when one cursor is on doc, the common case of
 * MaxScore's essential walk; all_on_excluded()). */
static bool candidate_excluded(eval *e, uint32_t doc, const pdx_doc_score *d, double bst,
                               double theta)
{
    double rest = 0, on_ub = 0;
    const cur *on = NULL;
    uint32_t n_on = 0;
    for (uint32_t i = 0; i < e->n_rc; i++) {
        const cur *cu = e->rc[i];
        if (cu->p.doc == doc) {
            on = cu;
            on_ub += cu->ubm;
            n_on++;
        } else if (cu->p.doc < doc) {
            rest += cu->ubm;
        }
    }
    if (cannot_reach((rest + on_ub) * bst, theta))
        return true;
    if (n_on != 1)
        return all_on_excluded(e, doc, d, rest, bst, theta);
    return one_on_excluded(e, on, pdx_postings_tf(&on->p), d->len[on->field], rest, bst, theta);
}

/* MaxScore's probe of the other lists for candidate doc, which the
 * essential lists let through: the non-essential cursors not yet at doc
 * are moved there one at a time, largest list bound first, each trading
 * its list bound for what it holds on doc (nothing when it has passed
 * it), until the bound excludes doc (true) or every cursor is there. A
 * frequent word's long list is then moved only for the candidates the
 * others' actual weights leave open, not for every one eval_required()
 * aligns. */
static bool probe_excluded(eval *e, uint32_t doc, const pdx_doc_score *d, double bst,
                           double theta)
{
    for (uint32_t i = e->n_nonessential; i-- > 0;) {
        pdx_postings *p = &e->rc[i]->p;
        if (p->doc >= doc)
            continue;
        int rc = pdx_postings_seek(p, doc);
        if (rc) {
            fail(e, rc);
            return false;
        }
        if (candidate_excluded(e, doc, d, bst, theta))
            return true;
    }
    return false;
}

/* The essential cursor on doc when it is the only one there, with the
 * smallest document of the other essential cursors in *lim (all past
 * doc); NULL when several are on doc. */
static cur *sieve_leader(const eval *e, uint32_t doc, uint32_t *lim)
{
    cur *lead = NULL;
    *lim = PDX_NO_DOC;
    for (uint32_t i = e->n_nonessential; i < e->n_rc; i++) {
        cur *cu = e->rc[i];
        if (cu->p.doc != doc) {
            if (cu->p.doc < *lim)
                *lim = cu->p.doc;
        } else if (lead) {
            return NULL;
        } else {
            lead = cu;
        }
    }
    return lead;
}

/* What the non-essential cursors may add to paper doc when none is on
 * it: the list bounds of those before it (candidate_excluded()'s rest);
 * *horizon is the first document one of them stands on at or past doc
 * (PDX_NO_DOC: none), where this changes: the cursors stand still while
 * a block is sieved. */
static double rest_at(const eval *e, uint32_t doc, uint32_t *horizon)
{
    double rest = 0;
    *horizon = PDX_NO_DOC;
    for (uint32_t i = 0; i < e->n_nonessential; i++) {
        const cur *cu = e->rc[i];
        if (cu->p.doc < doc)
            rest += cu->ubm;
        else if (cu->p.doc < *horizon)
            *horizon = cu->p.doc;
    }
    return rest;
}

/* What cursor cu adds to the score of the paper with scoring row (row,
 * rec), its current one: its BM25 there times its proximity factor, as
 * one_on_excluded() bounds it. */
static inline double cursor_weight(const eval *e, const cur *cu, uint32_t tf, const uint8_t *row,
                                   const uint8_t *rec)
{
    double norm = bound_norm(e, cu->field, pdx_row_len(row, rec, cu->field));
    return cursor_a(e, cu) * tf / (tf + norm);
}

/* probe_excluded() for a paper the leader alone holds of the essential
 * cursors, weighing sum (the leader's weight) and rest (rest_at()): each
 * non-essential cursor before it, largest list bound first, is moved
 * there and trades its list bound for its weight there (nothing when it
 * has passed it), until the bound excludes the paper (true) or every
 * cursor is there. */
static bool lead_probe_excluded(eval *e, uint32_t doc, const uint8_t *row, const uint8_t *rec,
                                double sum, double rest, double bst, double theta)
{
    for (uint32_t i = e->n_nonessential; i-- > 0;) {
        cur *cu = e->rc[i];
        if (cu->p.doc >= doc) /* past it: not in rest */
            continue;
        int rc = pdx_postings_seek(&cu->p, doc);
        if (rc) {
            fail(e, rc);
            return false;
        }
        rest -= cu->ubm;
        if (cu->p.doc == doc)
            sum += cursor_weight(e, cu, pdx_postings_tf(&cu->p), row, rec);
        if (cannot_reach((sum + rest) * bst, theta))
            return true;
    }
    return false;
}

/* What sieve_block() found of the paper it returns. */
typedef enum {
    SIEVE_UNCHECKED, /* essential_sieve() tests it */
    SIEVE_PASSED,    /* its bound, every cursor on it, may enter: a candidate */
} sieve_verdict;

/* essential_sieve()'s common case, a block at a time: while one essential
 * cursor leads alone (the rarer word of a frequent pair), the papers of
 * its decoded block are sieved in a loop over the block's arrays, without
 * the cursor steps, full scoring rows and passes over every cursor that
 * candidate_excluded() and probe_excluded() cost each (Lucene's MaxScore
 * bulk scorer filters its windows so). Each paper is bounded by the
 * leader's weight there plus the list bounds of the non-essential cursors
 * before it (candidate_excluded()'s bound: the other essential cursors
 * are past it, and a paper a non-essential cursor stands on is handed
 * back unchecked), then probed as probe_excluded() does. So every paper
 * passed over is one they pass over, and one that passes is a candidate
 * (SIEVE_PASSED). Returns the first paper left (the leader's, another
 * essential cursor's, or one past e->bm_upto), PDX_NO_DOC at the end or
 * on an error. */
static uint32_t sieve_block(eval *e, uint32_t doc, double theta, sieve_verdict *v)
{
    uint32_t lim, horizon;
    cur *lead = sieve_leader(e, doc, &lim);
    *v = SIEVE_UNCHECKED;
    if (!lead)
        return doc;
    pdx_postings *p = &lead->p;
    /* the first paper not sieved: bm_upto is PDX_NO_DOC only when no
     * cursor has a paper ahead (block_bound()), and then lim is too */
    uint32_t stop = lim <= e->bm_upto ? lim : e->bm_upto + 1;
    double rest = rest_at(e, doc, &horizon);
    /* one_on_excluded()'s terms, in locals: the loop runs for most of
     * the leader's postings */
    const uint8_t *rows = pdx_doc_row(e->ix, 0), *recs = pdx_doc_record(e->ix, 0);
    const double a = cursor_a(e, lead), k1 = e->o->k1, one_less_b = 1 - e->o->b;
    const double b_avg = e->b_avg[lead->field];
    const unsigned field = lead->field;
    uint64_t passed = 0;
    for (;;) {
        uint32_t i = p->i;
        for (; i < p->n && p->docs[i] < stop; i++) {
            uint32_t d = p->docs[i];
            if (d >= horizon) {
                rest = rest_at(e, d, &horizon);
                if (horizon == d) /* a cursor on it: exact there */
                    break;
            }
            const uint8_t *row = rows + (size_t)d * PDX_DOC_ROW_SIZE;
            const uint8_t *rec = recs + (size_t)d * PDX_DOC_RECORD_SIZE;
            double bst = boost_of_votes(e, pdx_row_votes(row, rec));
            double norm = norm_of(k1, one_less_b, b_avg, pdx_row_len(row, rec, field));
            if (parts_excluded(a, p->tfs[i], norm, rest, bst, theta)) {
                passed++;
                continue;
            }
            /* lead_probe_excluded() weighs each rc entry once as it
             * moves it: a cursor listed twice would keep its second
             * list bound (looser, so exact, but not probe_excluded()'s) */
            if (e->rc_repeats)
                break;
            double sum = cursor_weight(e, lead, p->tfs[i], row, rec);
            bool out = lead_probe_excluded(e, d, row, rec, sum, rest, bst, theta);
            if (e->err)
                return PDX_NO_DOC;
            if (!out) {
                *v = SIEVE_PASSED;
                break;
            }
            e->s->stats.candidates_probed++;
            horizon = 0; /* the probed cursors moved: rest_at() again */
        }
        if (i < p->n) {
            p->i = i;
            p->doc = p->docs[i];
            break;
        }
        int rc = pdx_postings_next_block(p); /* the block is used up */
        if (rc) {
            fail(e, rc);
            return PDX_NO_DOC;
        }
        if (p->doc >= stop)
            break;
    }
    e->s->stats.candidates_essential += passed;
    return p->doc < lim ? p->doc : lim;
}

/* MaxScore's walk of the essential lists at threshold theta, from doc
 * (where maxscore_next() left them: every essential cursor at or past
 * doc, one on it). Papers whose bound cannot enter (candidate_excluded(),
 * then probe_excluded()) are passed over in this loop, moving only the
 * essential cursors and the probed ones, so a frequent pair pays for each
 * such paper its bound and one step, not a turn of eval_required()'s
 * loop. Returns the first paper the bound lets through, or the first past
 * the range block-max let through (e->bm_upto), where eval_required()
 * looks for a skip first (*again: the paper is not yet checked);
 * PDX_NO_DOC at the end or on an error. */
static uint32_t essential_sieve(eval *e, uint32_t doc, double theta, bool *again)
{
    *again = false;
    for (;;) {
        if (doc > e->bm_upto) {
            *again = true;
            return doc;
        }
        sieve_verdict v;
        doc = sieve_block(e, doc, theta, &v);
        if (doc == PDX_NO_DOC || e->err)
            return PDX_NO_DOC;
        if (doc > e->bm_upto) {
            *again = true;
            return doc;
        }
        if (v == SIEVE_PASSED)
            return doc;
        pdx_doc_score d;
        pdx_doc_score_get(e->ix, doc, &d);
        double bst = boost(e, &d);
        if (candidate_excluded(e, doc, &d, bst, theta)) {
            e->s->stats.candidates_essential++;
        } else if (probe_excluded(e, doc, &d, bst, theta)) {
            e->s->stats.candidates_probed++;
        } else {
            return e->err ? PDX_NO_DOC : doc;
        }
        /* maxscore_next(e, doc + 1) would do, through seek(): stepping
         * the cursors on doc with next() costs 4% fewer instructions on
         * the slowest 20x queries */
        uint32_t next = PDX_NO_DOC;
        for (uint32_t i = e->n_nonessential; i < e->n_rc; i++) {
            pdx_postings *p = &e->rc[i]->p;
            if (p->doc == doc) {
                int rc = pdx_postings_next(p);
                if (rc) {
                    fail(e, rc);
                    return PDX_NO_DOC;
                }
            }
            if (p->doc < next)
                next = p->doc;
        }
        if (next == PDX_NO_DOC)
            return PDX_NO_DOC;
        doc = next;
    }
}

/* True when a paper must beat the heap's worst score to enter: ranking
 * by score with the heap full. Decisions that only save work for papers
 * that cannot enter (positions for proximity, the partial pass) start
 * then. Never in an exhaustive search. */
static bool heap_bars_entry(const rank_ctx *rc, const heap *h)
{
    return rc->by_score && h->n == h->k;
}

/* Passing papers over uncounted (MaxScore, unchecked phrases) waits until
 * more than PDX_EXACT_TOTAL full matches were counted, so the total is
 * exact up to it and reported as "at least PDX_EXACT_TOTAL" past it,
 * whatever the page (report_total()). */
static bool may_prune(const rank_ctx *rc, const heap *h, uint64_t total)
{
    return heap_bars_entry(rc, h) && total > PDX_EXACT_TOTAL;
}

/* Does term clause c, on doc, hold there (in some allowed field)? Its
 * verdict alone: the fields are tried until one holds, and no score is
 * summed. A span's equivalent shares the verdict of the clause it reads
 * the cursors of, as clause_verdict() does. */
static bool clause_holds(eval *e, clause_it *c, uint32_t doc)
{
    clause_it *o = c->owner ? c->owner : c;
    if (o->memo_doc == doc)
        return o->memo_ok;
    if (o->holds_doc == doc)
        return o->holds;
    o->holds_doc = doc;
    o->holds = clause_fields(e, o, doc, true) != 0 && !e->err;
    return o->holds;
}

/* Does group g match at doc (every slot of one of its deciding clauses
 * being on it)? Only the verdict: a one-slot clause there decides it
 * without positions, so the phrases of alternatives are checked only
 * when no such clause is on doc. */
static bool group_matches(eval *e, group_it *g, uint32_t doc)
{
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (clause_decides(e, c) && c->doc == doc &&
            (c->src->kind != PDX_CLAUSE_TERMS || (c->n == 1 && !c->src->whole_author)))
            return true;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (clause_decides(e, c) && c->doc == doc && c->src->kind == PDX_CLAUSE_TERMS &&
            clause_holds(e, c, doc))
            return true;
    }
    return false;
}

/* Does the candidate doc (every required group on it) match in full? The
 * count of a paper that cannot enter the heap needs no more. */
static bool matches_only(eval *e, uint32_t doc)
{
    for (uint32_t i = 0; i < e->n_req; i++)
        if (!group_matches(e, &e->groups[i], doc) || e->err)
            return false;
    return true;
}

/* Full matches from doc on (eval_union() hands over here once pruning
 * may start). */
static void eval_required(eval *e, rank_ctx *rc, heap *h, uint64_t *total, uint32_t doc)
{
    while (!e->err) {
        if (may_prune(rc, h, *total)) {
            double theta = h->h[0].score;
            if (theta != e->theta)
                maxscore_split(e, theta);
            uint32_t next;
            if (bm_skip(e, doc, theta, &next)) {
                e->s->stats.blockmax_and++;
                if (next == PDX_NO_DOC)
                    return;
                doc = next;
                continue;
            }
            if (e->draw) {
                uint32_t to = maxscore_next(e, doc);
                if (to == PDX_NO_DOC)
                    return;
                if (to > doc) { /* check the blocks there first */
                    doc = to;
                    continue;
                }
                /* doc is in an essential list: before the other lists
                 * are moved to it (decoding their blocks), the bound with
                 * theirs at their list bounds */
                bool again;
                to = essential_sieve(e, doc, theta, &again);
                if (to == PDX_NO_DOC)
                    return;
                doc = to;
                if (again)
                    continue;
            }
        }
        bool agree = true;
        for (uint32_t i = 0; i < e->n_req; i++) {
            uint32_t gd = group_seek(e, &e->groups[e->walk[i]], doc);
            if (gd == PDX_NO_DOC)
                return;
            if (gd > doc) {
                doc = gd;
                agree = false;
                break;
            }
        }
        if (!agree)
            continue;
        pdx_doc_score d;
        pdx_doc_score_get(e->ix, doc, &d);
        if (passes_filters(e, doc, &d)) {
            double score = 0, bst = boost(e, &d);
            bool ok = true, full = heap_bars_entry(rc, h);
            double theta = full ? h->h[0].score : 0;
            /* Pruning: a paper whose cursors' bound cannot enter is
             * neither scored nor counted (frequent pairs have thousands of
             * such papers, and scoring walks every clause) */
            if (full && candidate_excluded(e, doc, &d, bst, theta)) {
                /* it cannot enter: past PDX_EXACT_TOTAL it is passed
                 * over, before it only counted (no score, proximity or
                 * alternative checked once the match is known) */
                if (may_prune(rc, h, *total)) {
                    e->s->stats.candidates_and++;
                } else {
                    e->s->stats.counted_unscored++;
                    if (matches_only(e, doc) && (!e->n_neg || !excluded(e, doc, &d)))
                        (*total)++;
                }
                ok = false;
            }
            /* Pruning: when even the bag-of-words bound (plus the largest
             * proximity bonus) cannot enter a full heap, skip the
             * positions; the paper is neither verified nor counted.
             * Without phrases the bag of words is the exact score,
             * computed below. */
            if (ok && e->has_phrase && may_prune(rc, h, *total)) {
                double ub = 0;
                for (uint32_t i = 0; i < e->n_req; i++)
                    ub += group_bound(e, &e->groups[i], doc, &d, NULL);
                ok = !cannot_reach(ub * prox_factor(e) * bst, theta);
            }
            for (uint32_t i = 0; i < e->n_req && ok; i++)
                ok = group_score(e, &e->groups[i], doc, &d, &score);
            if (ok && !e->err && (!e->n_neg || !excluded(e, doc, &d))) {
                (*total)++;
                /* Proximity needs positions: only when it can matter. */
                bool may_enter = true;
                if (e->n_req > 1 && (!full || !cannot_reach(score * prox_factor(e) * bst, theta))) {
                    double bonus;
                    may_enter = proximity_bonus(e, doc, &d, score, bst, full ? theta : 0, &bonus);
                    if (may_enter)
                        score += bonus;
                    else
                        e->s->stats.proximity_skipped++;
                }
                pdx_hit hit = {e->base + doc, score * bst, false, e->n_req, 0};
                if (may_enter && (!full || hit.score >= theta))
                    heap_push(rc, h, &hit, &d);
            }
        }
        if (doc == PDX_NO_DOC - 1)
            return;
        doc++;
    }
}

/* ---- one word with its alternatives ----
 *
 * A word the query's expansion gave other names (a lexicon equivalent, a
 * folded plural, a derived form's noun) is one group of several clauses.
 * Its matches are the union of theirs, which the lexicon makes several
 * times larger than the word's own ("latent": 126 papers, with 잠재 473),
 * and until PDX_EXACT_TOTAL are counted every one of them must be visited.
 * eval_required() would align each through the group's clause and slot
 * seeks and score it; here a clause of one slot steps its cursors with
 * next(), and a paper whose bound cannot enter a full heap is only
 * counted: a one-slot clause on it decides the match with no position or
 * score read. Once pruning may start, eval_required() goes on from there.
 * Scores, counts and order are eval_required()'s (tests/test_exact.c
 * compares with the exhaustive search, which takes eval_required()). */

/* The sum of clause c's cursors' list bounds: what it adds to a score at
 * most (a group's blend of its clauses never exceeds their sum). */
static double clause_ub(const clause_it *c)
{
    double ub = 0;
    for (uint32_t k = 0; k < c->n; k++)
        for (uint32_t j = 0; j < c->s[k].n; j++)
            ub += c->s[k].c[j].ub;
    return ub;
}

/* Can the query be evaluated by eval_union()? One required group, whose
 * clauses are all terms, none shared with another group, none a whole
 * author name deciding the match. */
static bool union_fits(const eval *e)
{
    if (e->n_req != 1 || e->s->exhaustive)
        return false;
    const group_it *g = &e->groups[0];
    for (uint32_t i = 0; i < g->n; i++) {
        const clause_it *c = &g->c[i];
        if (c->src->kind != PDX_CLAUSE_TERMS || c->owner ||
            (c->src->whole_author && !c->optional))
            return false;
    }
    return true;
}

/* The group's next candidate >= doc: the smallest document of its
 * deciding clauses, a one-slot clause's being its cursors' smallest. */
static uint32_t union_next(eval *e, group_it *g, uint32_t doc)
{
    uint32_t m = PDX_NO_DOC;
    for (uint32_t i = 0; i < g->n && !e->err; i++) {
        clause_it *c = &g->c[i];
        if (c->optional)
            continue;
        if (c->n == 1) {
            uint32_t cm = PDX_NO_DOC;
            for (uint32_t k = 0; k < c->s[0].n; k++)
                cm = PDX_MIN(cm, c->s[0].c[k].p.doc);
            c->doc = c->s[0].doc = cm;
            c->positioned = true;
        } else if (!(c->positioned && c->doc >= doc)) {
            clause_seek(e, c, doc);
        }
        m = PDX_MIN(m, c->doc);
    }
    return e->err ? PDX_NO_DOC : m;
}

/* Bound of the group's score at doc, before the vote boost: the list
 * bounds of the deciding cursors on doc, plus every optional cursor's
 * (opt_ub: they are not aligned until scored). */
static double union_bound(const group_it *g, uint32_t doc, double opt_ub)
{
    double sum = opt_ub;
    for (uint32_t i = 0; i < g->n; i++) {
        const clause_it *c = &g->c[i];
        if (c->optional || c->doc != doc)
            continue;
        for (uint32_t k = 0; k < c->n; k++)
            for (uint32_t j = 0; j < c->s[k].n; j++)
                if (c->s[k].c[j].p.doc == doc)
                    sum += c->s[k].c[j].ub;
    }
    return sum;
}

/* Moves the cursors of the one-slot deciding clauses off doc. */
static void union_step(eval *e, group_it *g, uint32_t doc)
{
    for (uint32_t i = 0; i < g->n; i++) {
        clause_it *c = &g->c[i];
        if (c->optional || c->n != 1)
            continue;
        for (uint32_t k = 0; k < c->s[0].n; k++) {
            pdx_postings *p = &c->s[0].c[k].p;
            int rc;
            if (p->doc == doc && (rc = pdx_postings_next(p))) {
                fail(e, rc);
                return;
            }
        }
    }
}

/* Paper doc, every filter passed, whose record is d: counted if it
 * matches, scored and offered to the heap if it may enter. */
static void union_take(eval *e, rank_ctx *rc, heap *h, uint64_t *total, uint32_t doc,
                       const pdx_doc_score *d, double opt_ub)
{
    group_it *g = &e->groups[0];
    bool full = heap_bars_entry(rc, h);
    double theta = full ? h->h[0].score : 0, bst = boost(e, d);
    if (full && cannot_reach(union_bound(g, doc, opt_ub) * e->prox_max * bst, theta)) {
        e->s->stats.counted_union++;
        if (group_matches(e, g, doc) && !e->err && (!e->n_neg || !excluded(e, doc, d)))
            (*total)++;
        return;
    }
    double score = 0;
    if (!group_score(e, g, doc, d, &score) || e->err || (e->n_neg && excluded(e, doc, d)))
        return;
    (*total)++;
    pdx_hit hit = {e->base + doc, score * bst, false, 1, 0};
    if (!full || hit.score >= theta)
        heap_push(rc, h, &hit, d);
}

static void eval_union(eval *e, rank_ctx *rc, heap *h, uint64_t *total)
{
    group_it *g = &e->groups[0];
    double opt_ub = 0;
    for (uint32_t i = 0; i < g->n; i++)
        opt_ub += g->c[i].optional ? clause_ub(&g->c[i]) : 0;
    uint32_t doc = 0;
    while (!e->err) {
        if (may_prune(rc, h, *total)) {
            eval_required(e, rc, h, total, doc);
            return;
        }
        doc = union_next(e, g, doc);
        if (doc == PDX_NO_DOC)
            return;
        pdx_doc_score d;
        pdx_doc_score_get(e->ix, doc, &d);
        if (passes_filters(e, doc, &d))
            union_take(e, rc, h, total, doc, &d, opt_ub);
        union_step(e, g, doc);
        if (doc == PDX_NO_DOC - 1)
            return;
        doc++;
    }
}

/* eval_single() drawing from one list, rc[from], into a full heap: every
 * paper of that list matches the word and is counted when it passes the
 * filters, and one whose bound (its BM25 there, plus the list bounds of
 * the lists only probed) cannot enter is passed over in this loop,
 * without the probes or eval_single()'s turn. Stops with the cursor on
 * the first paper that may enter, on the first past upto (the end of the
 * range block-max let through), at the end of the list, or, when pruning may
 * not start yet (prune false), once more than PDX_EXACT_TOTAL papers are
 * counted, so that eval_single() starts it; true in the first case. */
static bool single_sieve(eval *e, uint32_t from, double theta, uint32_t upto, bool prune,
                         uint64_t *total)
{
    double rest = 0;
    for (uint32_t i = 0; i < from; i++)
        rest += e->rc[i]->ubm;
    const cur *cu = e->rc[from];
    pdx_postings *p = &e->rc[from]->p;
    /* kept in locals, written back on the way out: the loop runs for
     * most of a frequent word's postings */
    bool plain = !e->filtering && !e->n_neg;
    uint64_t counted = *total, passed = 0, stop = prune ? UINT64_MAX : PDX_EXACT_TOTAL;
    bool may_enter = false;
    while (p->doc <= upto && p->doc != PDX_NO_DOC && counted <= stop) {
        uint32_t doc = p->doc;
        double bst = boost_of_votes(e, pdx_doc_votes(e->ix, doc));
        uint32_t len = pdx_doc_len(e->ix, doc, cu->field);
        if (!one_on_excluded(e, cu, pdx_postings_tf(p), len, rest, bst, theta)) {
            may_enter = true;
            break;
        }
        if (plain) {
            counted++;
        } else {
            pdx_doc_score d;
            pdx_doc_score_get(e->ix, doc, &d);
            if (passes_filters(e, doc, &d) && (!e->n_neg || !excluded(e, doc, &d)))
                counted++;
            if (e->err)
                break;
        }
        passed++;
        int rc = pdx_postings_next(p);
        if (rc) {
            fail(e, rc);
            break;
        }
    }
    *total = counted;
    e->s->stats.candidates_single += passed;
    return may_enter && !e->err;
}

/* The most common query, one word that is one term (or a prefix), has no
 * intersection, phrase or proximity to evaluate: a plain union of its
 * cursors (one per field and expanded term), stepping each with next()
 * rather than through the slot/clause/group seeks, with the same MaxScore
 * and the same scores as eval_required. */
static void eval_single(eval *e, rank_ctx *rc, heap *h, uint64_t *total)
{
    uint32_t doc = 0;
    while (!e->err) {
        bool full = heap_bars_entry(rc, h);
        bool prune = may_prune(rc, h, *total);
        if (prune && h->h[0].score != e->theta)
            maxscore_split(e, h->h[0].score);
        uint32_t from = prune ? e->n_nonessential : 0;
        if (from == e->n_rc)
            return; /* nothing left can enter the heap */
        /* the next candidate: smallest current document of the lists
         * drawn from; the others are brought up to it */
        doc = PDX_NO_DOC;
        for (uint32_t i = from; i < e->n_rc; i++)
            if (e->rc[i]->p.doc < doc)
                doc = e->rc[i]->p.doc;
        if (doc == PDX_NO_DOC)
            return;
        uint32_t next;
        if (prune && bm_skip(e, doc, h->h[0].score, &next)) {
            e->s->stats.blockmax_single++;
            if (next == PDX_NO_DOC)
                return;
            for (uint32_t i = from; i < e->n_rc; i++) {
                int rc2 = pdx_postings_seek(&e->rc[i]->p, next);
                if (rc2) {
                    fail(e, rc2);
                    return;
                }
            }
            continue;
        }
        if (full && from + 1 == e->n_rc) {
            bool may_enter = single_sieve(e, from, h->h[0].score,
                                          prune ? e->bm_upto : PDX_NO_DOC - 1, prune, total);
            if (e->err)
                return;
            if (!may_enter)
                continue; /* past the range checked: the checks again there */
            doc = e->rc[from]->p.doc;
        }
        for (uint32_t i = 0; i < from; i++) {
            int rc2 = pdx_postings_seek(&e->rc[i]->p, doc);
            if (rc2) {
                fail(e, rc2);
                return;
            }
        }
        pdx_doc_score d;
        pdx_doc_score_get(e->ix, doc, &d);
        double score = 0;
        for (uint32_t i = 0; i < e->n_rc; i++) {
            cur *cu = e->rc[i];
            if (cu->p.doc != doc)
                continue;
            score += cu->idf_w * tf_norm(e, pdx_postings_tf(&cu->p), d.len[cu->field], cu->field);
            int rc2;
            if (i >= from && (rc2 = pdx_postings_next(&cu->p))) {
                fail(e, rc2);
                return;
            }
        }
        if (passes_filters(e, doc, &d) && (!e->n_neg || !excluded(e, doc, &d))) {
            (*total)++;
            pdx_hit hit = {e->base + doc, score * boost(e, &d), false, 1, 0};
            if (!full || hit.score >= h->h[0].score)
                heap_push(rc, h, &hit, &d);
        }
    }
}

/* Coverage of a partial match: the share of the query's mass (the
 * words' idf to the power PDX_COVERAGE_IDF_POWER) that the groups it
 * matches hold, to the power PDX_COVERAGE_POWER. Its score is its BM25
 * (with proximity) times this, so partial matches are ordered by the
 * weight of what they match: two rare words of four can outrank three
 * common ones, which a count of the words matched first never lets them.
 * Monotone in the groups matched, so the groups present at a paper bound
 * it.
 *
 * Both powers were chosen on the evaluations of bench/ (see README
 * "Ranking"). The share of plain idf (power 1) rewards the rarest word
 * most, and the rarest word of a query that matched nothing whole is
 * often the one the paper does not use, or uses in another sense ("거대"
 * for 대규모, "풀이" of equations for 문제 풀이): topical nDCG@10 fell by
 * 0.015. The share of the count (power 0, Lucene's coord) changed no
 * ranking there. idf^0.1 (0.25 lost 0.005 of topical nDCG once the
 * lexicon was in) tilts the count towards rare words, and the square
 * keeps a paper that matches one word many times below those that match
 * most words. */
#define PDX_COVERAGE_POWER 2.0
static double coverage(const eval *e, double mass)
{
    if (e->mass_total <= 0)
        return 1;
    double share = mass / e->mass_total;
    return pow(share, PDX_COVERAGE_POWER);
}

/* Can a partial match scoring at most bound (coverage and vote boost
 * included) still enter the heap? Not past a full match at its root. */
static bool partial_may_enter(const rank_ctx *rc, const heap *h, double bound)
{
    if (!heap_bars_entry(rc, h))
        return true;
    return h->h[0].partial && !cannot_reach(bound, h->h[0].score);
}

/* Adds group i's part (its score, or a bound of it) to a running bound of
 * score plus proximity over the groups on a paper, taken in query order:
 * a group earns proximity only in a pair with the group before or after
 * it, and at most PDX_PROXIMITY x its part per pair (pair_weight() and
 * pair_prox() are at most 1). Tighter than prox_factor() when groups are
 * missing, as they are in every partial match. *prev is the part of the
 * group before (negative when it is not on the paper). */
static void add_with_proximity(double *bound, double *prev, bool on, double part)
{
    if (!on) {
        *prev = -1;
        return;
    }
    *bound += part;
    if (*prev >= 0)
        *bound += PDX_PROXIMITY * (*prev + part);
    *prev = part;
}

/* MaxScore over the groups of the partial pass. A partial match is the
 * union of the groups, most of whose papers hold one common word (모델 is
 * in 90% of them); walking it asks every group at every paper. A set of
 * groups whose bounds (gub: the sum of their cursors' list bounds, which
 * a group's blended score never exceeds) sum, at the coverage of the set,
 * times the largest proximity factor and vote boost, to less than the
 * heap's worst score cannot bring a paper in on its own: coverage grows
 * with the groups matched, so that bounds every subset of it. Candidates
 * then come from the other ("essential") groups, and the set's groups are
 * only probed at them. Any such set will do; the best spares the longest
 * walk. MaxScore's set, the longest prefix of the groups by bound, often
 * is not: a Korean word is a phrase whose bigram cursors' bounds add up,
 * so the commonest word has the largest bound yet matches too little
 * alone (`세계 음악 시각적 환각`: 시각적, in 18% of the papers, cannot
 * enter without another word). So partial_ms_split() also takes the
 * groups by their cost (group_cost()), most first, each that keeps the
 * set below the heap, and keeps whichever set spares more. */
#define PDX_COARSE_BITS 6
typedef struct partial_ms {
    /* the groups only probed (the first n_nonessential), then those
     * drawn from */
    uint32_t order[PDX_MAX_QUERY_GROUPS];
    uint32_t by_gub[PDX_MAX_QUERY_GROUPS];  /* groups by gub ascending */
    uint32_t by_cost[PDX_MAX_QUERY_GROUPS]; /* groups by cost descending */
    double gub[PDX_MAX_QUERY_GROUPS];       /* per group (e->groups index) */
    double cost[PDX_MAX_QUERY_GROUPS];      /* per group: group_cost() */
    uint32_t n_nonessential;                /* leading order entries only probed */
    double theta;                           /* heap threshold of the split */
    bool on;                                /* n_req fits the arrays */
    /* The coarse bound of a candidate before its vote boost (gub of the
     * groups on it, with proximity and their coverage) depends only on
     * which groups are on it: per set of groups (a bit per group), worked
     * out the first time a candidate has that set (NaN until then), when
     * the query has at most PDX_COARSE_BITS required groups. */
    double coarse[1u << PDX_COARSE_BITS];
    /* Per group: how a paper it alone holds and the papers after it may
     * be walked (lone_fits(), lone_run()). */
    uint8_t lone[PDX_MAX_QUERY_GROUPS];
} partial_ms;

/* ---- partial matches of one word alone ----
 *
 * Most partial matches hold one word of the query, its commonest: `lapse
 * video` matches 2 papers, and the other 480 that hold `video` are the
 * fill's candidates, each asked through the nested seeks and bounded
 * twice (coarse, then its clauses) before it is scored. When a paper
 * holds one group alone and that group is one plain word (one clause of
 * one slot, no phrase, alternative or shared span), every paper of that
 * word up to the next paper of any other group holds it alone too, and
 * scores as eval_single() scores a word: its cursors' BM25, here times
 * the word's coverage and the paper's vote boost (no proximity: no pair
 * of words is on it). lone_run() walks those papers on the word's
 * cursors alone, with the same bound and the same arithmetic as
 * eval_partial(): the same hits, scores bit for bit (tests/test_exact.c);
 * filters, deleted papers and excluded words are asked only of a paper
 * that would enter the heap. Another group held alone (a phrase, a word
 * with alternatives) is walked on its own seeks, each paper visited as
 * eval_partial() visits it (lone_walk()): the other groups are not asked
 * at every step. Both stop as soon as the group's list bound at its
 * coverage, times the largest vote boost, cannot enter. Measured (the
 * 500 latency queries, 1x, minima of 5 rounds): `lapse video` 21.7 ->
 * 10.1 us, `scan 방향` 13.3 -> 7.3 us run alone; in the mixed order p50
 * -7..-11% and sum -4..-6% (plain), then sum -1..-3% and p99 -4% (walk). */

enum { LONE_NO = 0, LONE_WALK = 1, LONE_PLAIN = 2 };

/* Does another group read clause c's cursors, or c another's? */
static bool clause_shared(const eval *e, const clause_it *c)
{
    if (c->owner)
        return true;
    for (uint32_t i = 0; i < e->n_req; i++)
        for (uint32_t j = 0; j < e->groups[i].n; j++)
            if (e->groups[i].c[j].owner == c)
                return true;
    return false;
}

/* How lone_run() may walk group g's papers: on its cursors (LONE_PLAIN),
 * on its seeks (LONE_WALK), or not at all (a filter or a clause shared
 * with another group: a paper of it is another group's too). */
static uint8_t lone_fits(const eval *e, const group_it *g)
{
    if (e->n_req < 2 || g->has_filter)
        return LONE_NO;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->c[i].src->kind != PDX_CLAUSE_TERMS || clause_shared(e, &g->c[i]))
            return LONE_NO;
    const clause_it *c = &g->c[0];
    if (g->n != 1 || c->n != 1 || c->dead || c->optional || !c->decides[1] ||
        c->src->whole_author)
        return LONE_WALK;
    return LONE_PLAIN;
}

static uint32_t lone_walk(eval *e, partial_ms *ms, rank_ctx *rc, heap *h, uint32_t g,
                          uint32_t doc, uint32_t upto, double cub);

/* The bit of pdx_hit.missing for required group i: its query word's. */
static uint64_t word_bit(const eval *e, uint32_t i)
{
    uint32_t qg = e->groups[i].qg;
    return qg < 64 ? 1ull << qg : 0;
}

/* Scores the papers of lone group g from doc (which it alone holds) up
 * to the next paper of any other required group, which it returns; g's
 * cursors are left there (its seeks find them again). The bound before
 * the score is the coarse one of eval_partial() (the group's list bound
 * at its coverage, times the paper's vote boost). */
static uint32_t lone_run(eval *e, partial_ms *ms, rank_ctx *rc, heap *h, uint32_t g, uint32_t doc)
{
    uint32_t upto = PDX_NO_DOC;
    for (uint32_t i = 0; i < e->n_req; i++)
        if (i != g && e->groups[i].doc < upto)
            upto = e->groups[i].doc;
    double mass = 0;
    mass += e->groups[g].mass; /* as partial_visit() sums it */
    double cov = coverage(e, mass), cub = ms->gub[g] * cov;
    uint64_t missing = 0;
    for (uint32_t i = 0; i < e->n_req; i++)
        missing |= i == g ? 0 : word_bit(e, i);
    if (ms->lone[g] == LONE_WALK) {
        e->s->stats.lone_walked++;
        return lone_walk(e, ms, rc, h, g, doc, upto, cub);
    }
    e->s->stats.lone_plain++;
    slot_it *s = &e->groups[g].c[0].s[0];
    while (doc < upto && !e->err) {
        if (heap_bars_entry(rc, h) && !partial_may_enter(rc, h, cub * e->max_boost)) {
            slot_seek(e, s, upto); /* none of the run can enter now */
            break;
        }
        double bst = boost_of_votes(e, pdx_doc_votes(e->ix, doc));
        if (!heap_bars_entry(rc, h) || partial_may_enter(rc, h, cub * bst)) {
            pdx_doc_score d;
            pdx_doc_score_get(e->ix, doc, &d);
            bool any = false;
            double score = 0;
            score += clause_sum(e, &e->groups[g].c[0], doc, &d, PDX_FIELDS_ALL, &any);
            pdx_hit hit = {e->base + doc, score * cov * bst, true, 1, missing};
            if (partial_may_enter(rc, h, hit.score) && passes_filters(e, doc, &d) &&
                !excluded(e, doc, &d) && !e->err)
                heap_push(rc, h, &hit, &d);
        }
        uint32_t next = PDX_NO_DOC;
        for (uint32_t i = 0; i < s->n; i++) {
            pdx_postings *p = &s->c[i].p;
            if (p->doc == doc) {
                int rc2 = pdx_postings_next(p);
                if (rc2) {
                    fail(e, rc2);
                    return PDX_NO_DOC;
                }
            }
            next = p->doc < next ? p->doc : next;
        }
        doc = next;
    }
    return upto;
}

/* Inserts g into v[0..n) kept ascending by key (descending when desc):
 * a query has few groups. */
static void insert_by(uint32_t *v, uint32_t n, uint32_t g, const double *key, bool desc)
{
    uint32_t at = n;
    for (; at > 0 && (desc ? key[v[at - 1]] < key[g] : key[v[at - 1]] > key[g]); at--)
        v[at] = v[at - 1];
    v[at] = g;
}

static void partial_ms_init(const eval *e, partial_ms *ms)
{
    ms->on = e->n_req <= PDX_MAX_QUERY_GROUPS && !e->s->exhaustive;
    ms->n_nonessential = 0;
    ms->theta = -1;
    for (uint32_t g = 0; ms->on && g < e->n_req; g++) {
        const group_it *gi = &e->groups[g];
        double ub = 0;
        for (uint32_t i = 0; i < gi->n; i++)
            ub += clause_ub(&gi->c[i]);
        ms->gub[g] = ub;
        ms->cost[g] = group_cost(e, gi);
        insert_by(ms->by_gub, g, g, ms->gub, false);
        insert_by(ms->by_cost, g, g, ms->cost, true);
    }
    for (uint32_t k = 0; ms->on && k < e->n_req; k++)
        ms->order[k] = ms->by_gub[k];
    for (uint32_t m = 0; e->n_req <= PDX_COARSE_BITS && m < 1u << e->n_req; m++)
        ms->coarse[m] = NAN;
    for (uint32_t g = 0; ms->on && g < e->n_req; g++)
        ms->lone[g] = lone_fits(e, &e->groups[g]);
}

/* A set of groups whose bounds sum to sum and masses to mass: can no
 * paper of its groups alone enter a heap whose worst score is theta? */
static bool partial_set_barred(const eval *e, double sum, double mass, double theta)
{
    return cannot_reach(sum * prox_factor(e) * coverage(e, mass) * e->max_boost, theta);
}

/* Marks in `in` the groups of v[0..n_req) taken in turn, each that
 * keeps the set barred (partial_set_barred()); with prefix, stops at the
 * first that does not. Returns the cost of the set. */
static double partial_set(const eval *e, const partial_ms *ms, const uint32_t *v, bool prefix,
                          double theta, bool *in)
{
    for (uint32_t k = 0; k < e->n_req; k++)
        in[v[k]] = false;
    double sum = 0, mass = 0, cost = 0;
    for (uint32_t k = 0; k < e->n_req; k++) {
        uint32_t g = v[k];
        double s2 = sum + ms->gub[g], m2 = mass + e->groups[g].mass;
        if (!partial_set_barred(e, s2, m2, theta)) {
            if (prefix)
                break;
            continue;
        }
        in[g] = true;
        sum = s2;
        mass = m2;
        cost += ms->cost[g];
    }
    return cost;
}

/* The groups only probed at threshold theta: MaxScore's prefix by bound
 * or the set taken by cost, whichever spares more (see partial_ms). */
static void partial_ms_split(eval *e, partial_ms *ms, double theta)
{
    bool by_gub[PDX_MAX_QUERY_GROUPS], by_cost[PDX_MAX_QUERY_GROUPS];
    double c_gub = partial_set(e, ms, ms->by_gub, true, theta, by_gub);
    double c_cost = partial_set(e, ms, ms->by_cost, false, theta, by_cost);
    const bool *in = by_gub;
    if (c_cost > c_gub) {
        in = by_cost;
        e->s->stats.partial_by_cost++;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < e->n_req; i++)
        if (in[ms->by_gub[i]])
            ms->order[k++] = ms->by_gub[i];
    ms->n_nonessential = k;
    for (uint32_t i = 0; i < e->n_req; i++)
        if (!in[ms->by_gub[i]])
            ms->order[k++] = ms->by_gub[i];
    ms->theta = theta;
}

/* The next candidate >= doc of the partial pass: the smallest document of
 * the essential groups, with the others brought to it. */
static uint32_t partial_next(eval *e, const partial_ms *ms, uint32_t doc)
{
    uint32_t ne = ms->on ? ms->n_nonessential : 0, m = PDX_NO_DOC;
    for (uint32_t k = ne; k < e->n_req; k++) {
        uint32_t gd = group_seek(e, &e->groups[ms->on ? ms->order[k] : k], doc);
        if (gd < m)
            m = gd;
    }
    for (uint32_t k = 0; k < ne && m != PDX_NO_DOC; k++)
        group_seek(e, &e->groups[ms->order[k]], m);
    if (ne)
        e->s->stats.maxscore_partial++;
    return e->err ? PDX_NO_DOC : m;
}

/* The coarse bound before the vote boost of a candidate that the groups
 * of set `on` (a bit per group) are on: as partial_bound_may_enter()
 * sums it, group by group in query order. */
static double coarse_of_set(const eval *e, const partial_ms *ms, uint32_t on)
{
    double ub = 0, mass = 0, prev = -1;
    for (uint32_t i = 0; i < e->n_req; i++) {
        bool present = on >> i & 1;
        add_with_proximity(&ub, &prev, present, present ? ms->gub[i] : 0);
        if (present)
            mass += e->groups[i].mass;
    }
    return ub * coverage(e, mass);
}

/* The coarse test of partial_bound_may_enter() through ms->coarse. */
static bool coarse_may_enter(eval *e, partial_ms *ms, const rank_ctx *rc, const heap *h,
                             uint32_t doc, const pdx_doc_score *d)
{
    uint32_t on = 0;
    for (uint32_t i = 0; i < e->n_req; i++)
        on |= (uint32_t)(e->groups[i].doc == doc) << i;
    if (isnan(ms->coarse[on]))
        ms->coarse[on] = coarse_of_set(e, ms, on);
    return partial_may_enter(rc, h, ms->coarse[on] * boost(e, d));
}

/* Can partial candidate doc enter? Its bound: each group on it at its
 * list bound (coarse: gub, no clause read, the first test) or at
 * group_bound() (its clauses' bag of words, when the coarse one let it
 * through), with proximity (add_with_proximity()) and the coverage of
 * the groups present, times its vote boost; the same pruning as for
 * full matches. */
static bool partial_bound_may_enter(eval *e, partial_ms *ms, const rank_ctx *rc,
                                    const heap *h, uint32_t doc, const pdx_doc_score *d,
                                    bool coarse)
{
    if (coarse && e->n_req <= PDX_COARSE_BITS)
        return coarse_may_enter(e, ms, rc, h, doc, d);
    double ub = 0, mass = 0, prev = -1;
    for (uint32_t i = 0; i < e->n_req; i++) {
        bool present = false;
        double part = 0;
        if (e->groups[i].doc == doc) {
            if (coarse) {
                present = true;
                part = ms->gub[i];
            } else {
                part = group_bound(e, &e->groups[i], doc, d, &present);
            }
        }
        add_with_proximity(&ub, &prev, present, part);
        if (present)
            mass += e->groups[i].mass;
    }
    return partial_may_enter(rc, h, ub * coverage(e, mass) * boost(e, d));
}

/* The group lone_run() may walk from candidate doc: the only required
 * group on it, if lone_fits() it; UINT32_MAX if none. */
static uint32_t lone_group(const eval *e, const partial_ms *ms, uint32_t doc)
{
    uint32_t on = UINT32_MAX;
    for (uint32_t i = 0; ms->on && i < e->n_req; i++) {
        if (e->groups[i].doc != doc)
            continue;
        if (on != UINT32_MAX)
            return UINT32_MAX;
        on = i;
    }
    return on != UINT32_MAX && ms->lone[on] != LONE_NO ? on : UINT32_MAX;
}

/* Partial candidate doc, which the groups whose doc it is are on:
 * bounded (coarse, then its clauses), scored and pushed when it can
 * enter the heap. */
static void partial_visit(eval *e, partial_ms *ms, rank_ctx *rc, heap *h, uint32_t doc)
{
    pdx_doc_score d;
    pdx_doc_score_get(e->ix, doc, &d);
    if (heap_bars_entry(rc, h)) {
        if (ms->on && !partial_bound_may_enter(e, ms, rc, h, doc, &d, true)) {
            e->s->stats.candidates_partial++;
            return;
        }
        if (!partial_bound_may_enter(e, ms, rc, h, doc, &d, false))
            return;
    }
    if (!passes_filters(e, doc, &d))
        return;
    double score = 0, mass = 0, ub = 0, prev = -1;
    uint32_t matched = 0;
    uint64_t missing = 0;
    for (uint32_t i = 0; i < e->n_req; i++) {
        double part = 0;
        bool on = e->groups[i].doc == doc && group_score(e, &e->groups[i], doc, &d, &part);
        add_with_proximity(&ub, &prev, on, part);
        if (on) {
            score += part;
            matched++;
            mass += e->groups[i].mass;
        } else {
            missing |= word_bit(e, i);
        }
    }
    if (!matched || matched == e->n_req || e->err || excluded(e, doc, &d))
        return;
    double bst = boost(e, &d), cov = coverage(e, mass);
    /* positions for proximity only when it can matter */
    double bonus;
    if (partial_may_enter(rc, h, ub * cov * bst) &&
        proximity_bonus(e, doc, &d, score, bst, 0, &bonus)) {
        score += bonus;
        pdx_hit hit = {e->base + doc, score * cov * bst, true, matched, missing};
        heap_push(rc, h, &hit, &d);
    }
}

/* lone_run() for a group that is not one plain word (a phrase, a word
 * with alternatives): its papers up to upto are walked on its own seeks
 * and each visited as eval_partial() would, without asking the other
 * groups at every step. Returns upto. */
static uint32_t lone_walk(eval *e, partial_ms *ms, rank_ctx *rc, heap *h, uint32_t g,
                          uint32_t doc, uint32_t upto, double cub)
{
    group_it *gi = &e->groups[g];
    while (doc < upto && !e->err) {
        if (heap_bars_entry(rc, h) && !partial_may_enter(rc, h, cub * e->max_boost)) {
            group_seek(e, gi, upto); /* none of the rest can enter */
            break;
        }
        partial_visit(e, ms, rc, h, doc);
        if (doc == PDX_NO_DOC - 1)
            return PDX_NO_DOC;
        doc = group_seek(e, gi, doc + 1);
    }
    return e->err ? PDX_NO_DOC : upto;
}

static void eval_partial(eval *e, rank_ctx *rc, heap *h)
{
    partial_ms ms;
    partial_ms_init(e, &ms);
    uint32_t doc = 0;
    while (!e->err) {
        /* (the pass runs only when fewer than k papers fully match, so
         * the heap's worst hit is partial once it is full) */
        if (heap_bars_entry(rc, h)) {
            uint32_t next;
            if (bm_skip(e, doc, h->h[0].score, &next)) {
                e->s->stats.blockmax_partial++;
                if (next == PDX_NO_DOC)
                    return;
                doc = next;
                continue;
            }
            if (ms.on && h->h[0].score != ms.theta) {
                partial_ms_split(e, &ms, h->h[0].score);
                if (ms.n_nonessential == e->n_req)
                    return; /* no paper left can enter */
            }
        }
        uint32_t m = partial_next(e, &ms, doc);
        if (m == PDX_NO_DOC)
            return;
        doc = m;
        uint32_t lone = lone_group(e, &ms, doc);
        if (lone != UINT32_MAX) {
            doc = lone_run(e, &ms, rc, h, lone, doc);
            if (doc == PDX_NO_DOC)
                return;
            continue;
        }
        partial_visit(e, &ms, rc, h, doc);
        if (doc == PDX_NO_DOC - 1)
            return;
        doc++;
    }
}

/* No required words: every paper passing the filters. */
static void eval_filters_only(eval *e, rank_ctx *rc, heap *h, uint64_t *total)
{
    uint32_t lo = 0, hi = e->ix->n_docs;
    if (e->id_filter) {
        if (e->id_doc == PDX_NO_DOC)
            return;
        lo = e->id_doc;
        hi = lo + 1;
    }
    for (uint32_t doc = lo; doc < hi && !e->err; doc++) {
        pdx_doc_score d;
        pdx_doc_score_get(e->ix, doc, &d);
        if (!passes_filters(e, doc, &d) || excluded(e, doc, &d))
            continue;
        (*total)++;
        pdx_hit hit = {e->base + doc, 0, false, 0, 0};
        heap_push(rc, h, &hit, &d);
    }
}

/* Sorts the heap's hits in place, best first (a heap sort). */
static void heap_sort_best_first(rank_ctx *rc, heap *h)
{
    size_t n = h->n;
    while (h->n > 1) {
        heap_swap(h, 0, h->n - 1);
        h->n--;
        sift_down(rc, h, 0);
    }
    h->n = n;
}

void pdx_search_set_exhaustive(pdx_searcher *s, bool on)
{
    s->exhaustive = on;
}

const pdx_search_stats *pdx_search_stats_get(const pdx_searcher *s)
{
    return &s->stats;
}

void pdx_search_stats_reset(pdx_searcher *s)
{
    memset(&s->stats, 0, sizeof s->stats);
}

/* True if x is a finite number in [lo, hi] (false for NaN). */
static bool in_range(double x, double lo, double hi)
{
    return isfinite(x) && x >= lo && x <= hi;
}

/* Checks the options against the bounds of search.h. The pruning bounds
 * assume them: a negative weight makes "the most voted paper" or "the
 * largest tf" no longer the best case, and b outside 0..1 makes a longer
 * field score higher. */
static int check_opts(pdx_searcher *s, const pdx_search_opts *o)
{
    static const char *const field[PDX_NFIELDS] = {"title", "authors", "summary"};
    uint32_t limit = o->limit ? o->limit : 10;
    if ((uint64_t)limit + o->offset > PDX_MAX_OFFSET_LIMIT)
        return pdx_searcher_error(s, PDX_EINVAL, "offset + limit is too large (at most %u)",
                                  PDX_MAX_OFFSET_LIMIT);
    if (o->sort != PDX_SORT_SCORE && o->sort != PDX_SORT_VOTES && o->sort != PDX_SORT_DATE)
        return pdx_searcher_error(s, PDX_EINVAL, "unknown sort order %d", (int)o->sort);
    if (!in_range(o->k1, 0, PDX_MAX_K1))
        return pdx_searcher_error(s, PDX_EINVAL, "k1 must be a number from 0 to %g, got %g",
                                  PDX_MAX_K1, o->k1);
    if (!in_range(o->b, 0, PDX_MAX_B))
        return pdx_searcher_error(s, PDX_EINVAL, "b must be a number from 0 to %g, got %g",
                                  PDX_MAX_B, o->b);
    bool any = false;
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        if (!in_range(o->field_weight[f], 0, PDX_MAX_FIELD_WEIGHT))
            return pdx_searcher_error(s, PDX_EINVAL,
                                      "the %s field weight must be a number from 0 to %g, got %g",
                                      field[f], PDX_MAX_FIELD_WEIGHT, o->field_weight[f]);
        any |= o->field_weight[f] > 0;
    }
    if (!any)
        return pdx_searcher_error(s, PDX_EINVAL,
                                  "at least one field weight must be above 0 (all are 0)");
    if (!in_range(o->vote_weight, 0, PDX_MAX_VOTE_WEIGHT))
        return pdx_searcher_error(s, PDX_EINVAL,
                                  "the vote weight must be a number from 0 to %g, got %g",
                                  PDX_MAX_VOTE_WEIGHT, o->vote_weight);
    return PDX_OK;
}

/* Sets out->total from the full matches counted (search.h). Ranking by
 * score counts exactly until more than PDX_EXACT_TOTAL matched, then may
 * pass papers over uncounted, so any count past it is reported as
 * PDX_EXACT_TOTAL, estimated: the same figure on every page and for every
 * limit, and a true lower bound. The other orders never prune and count
 * every match. */
static void report_total(pdx_results *out, const pdx_search_opts *o, uint32_t n_req,
                         uint64_t counted)
{
    out->total = counted;
    if (o->sort == PDX_SORT_SCORE && n_req > 0 && counted > PDX_EXACT_TOTAL) {
        out->total = PDX_EXACT_TOTAL;
        out->total_estimated = true;
    }
}

/* Makes the boost table of the vote weight (it lives in the searcher, made
 * again only when the weight changes). */
static int boost_table(pdx_searcher *s, double vote_weight)
{
    if (s->boost_tab && s->boost_weight == vote_weight)
        return PDX_OK;
    if (!s->boost_tab && !(s->boost_tab = malloc(BOOST_TABLE * sizeof *s->boost_tab)))
        return pdx_searcher_error(s, PDX_ENOMEM, "out of memory");
    /* boost_of_votes() fills them in */
    memset(s->boost_tab, 0, BOOST_TABLE * sizeof *s->boost_tab);
    s->boost_weight = vote_weight;
    return PDX_OK;
}

/* What every segment's evaluation of one search shares. */
typedef struct search_ctx {
    pdx_searcher *s;
    const pdx_query *q;
    const pdx_search_opts *o;
    query_stat *qs;
    uint32_t id_doc; /* view doc id of the id: filter, PDX_NO_DOC if none */
} search_ctx;

/* Readies e to evaluate the query on segment seg of the view: the
 * segment's cursors (build()), the view's statistics. */
static int eval_open(eval *e, const search_ctx *sc, uint32_t seg, bool partial)
{
    pdx_index *view = sc->s->ix;
    uint32_t base;
    pdx_index *ix = pdx_search_seg(view, seg, &base);
    *e = (eval){.s = sc->s, .ix = ix, .seg = seg, .base = base, .qs = sc->qs, .q = sc->q,
                .o = sc->o, .theta = -1, .partial_pass = partial, .boost_tab = sc->s->boost_tab};
    e->has_deleted = pdx_search_has_deleted(ix); /* this segment's */
    for (unsigned f = 0; f < PDX_NFIELDS; f++) {
        e->avg[f] = view->avg_len[f];
        e->b_avg[f] = sc->o->b / e->avg[f];
    }
    e->max_boost = vote_boost(sc->o->vote_weight, view->max_votes);
    e->id_filter = sc->q->id != NULL;
    e->id_doc = local_doc(e, sc->id_doc);
    e->filtering = has_filters(e);
    if (build(e))
        return e->err;
    return e->n_req ? collect_required(e) : PDX_OK;
}

/* The groups every full match must match (eval.n_req). */
static uint32_t required_groups(const pdx_query *q)
{
    uint32_t n = 0;
    for (uint32_t g = 0; g < q->n_groups; g++)
        n += !q->groups[g].negated && !q->groups[g].filters_only;
    return n;
}

/* Does segment seg have some term of the slot (one with a live list in
 * an allowed field)? */
static int slot_present(const search_ctx *sc, const pdx_clause *cl, const pdx_slot *sl,
                        uint32_t seg, bool *out)
{
    *out = false;
    for (uint32_t o = 0; o < sl->n_ords && !*out; o++) {
        bool live = false;
        for (unsigned f = 0; f < PDX_NFIELDS; f++) {
            const list_stat *l = (cl->fields & (1u << f)) ? list_stat_of(sc->qs, sl->ords[o], f)
                                                          : NULL;
            live |= l && l->live;
        }
        const uint32_t *locals;
        const uint64_t *df;
        int rc = live ? pdx_search_term_stats(sc->s, sl->ords[o], &locals, &df) : PDX_OK;
        if (rc)
            return rc;
        *out = live && locals[seg] != PDX_NO_ORD;
    }
    return PDX_OK;
}

/* May group gr match a paper of segment seg? Not when every clause that
 * decides (in the partial pass, filters do not) has a slot none of whose
 * terms the segment has: its cursors there would all be empty. */
static int group_possible(const search_ctx *sc, const pdx_group *gr, uint32_t seg,
                          bool partial, bool *out)
{
    *out = false;
    for (uint32_t c = 0; c < gr->n_clauses && !*out; c++) {
        const pdx_clause *cl = &gr->clauses[c];
        if (cl->optional || (partial && cl->kind != PDX_CLAUSE_TERMS))
            continue;
        bool all = true;
        uint32_t used = 0;
        for (uint32_t k = 0; k < cl->n_slots && all; k++) {
            if (!cl->slots[k].text)
                continue;
            used++;
            int rc = slot_present(sc, cl, &cl->slots[k], seg, &all);
            if (rc)
                return rc;
        }
        *out = cl->kind != PDX_CLAUSE_TERMS || (all && used);
    }
    return PDX_OK;
}

/* Can segment seg hold a full match (every required group possible
 * there), or for the partial pass, a partial one (some group)? A segment
 * that cannot is not evaluated: on a view of many segments, most lack one
 * of a query's rarer words, and opening every other word's cursors there
 * would be wasted. */
static int segment_possible(const search_ctx *sc, uint32_t seg, bool partial, bool *out)
{
    *out = true;
    if (sc->qs->from_cursors)
        return PDX_OK; /* one segment: nothing to spare */
    const pdx_query *q = sc->q;
    for (uint32_t g = 0; g < q->n_groups; g++) {
        const pdx_group *gr = &q->groups[g];
        if (gr->negated || gr->filters_only)
            continue;
        bool may;
        int rc = group_possible(sc, gr, seg, partial, &may);
        if (rc)
            return rc;
        if (may == partial) { /* partial: one is enough; full: one missing is too many */
            *out = may;
            return PDX_OK;
        }
    }
    *out = !partial;
    return PDX_OK;
}

/* The full matches of segment seg (or, with no required words, the papers
 * passing the filters) into the shared heap and count. */
static int search_segment(const search_ctx *sc, uint32_t seg, rank_ctx *rc, heap *h,
                          uint64_t *counted)
{
    eval e;
    rc->e = &e;
    if (!eval_open(&e, sc, seg, false)) {
        if (e.n_req == 0)
            eval_filters_only(&e, rc, h, counted);
        else if (e.n_req == 1 && e.groups[0].n == 1 && e.groups[0].c[0].n == 1 &&
                 !e.groups[0].c[0].src->whole_author)
            eval_single(&e, rc, h, counted);
        else if (union_fits(&e))
            eval_union(&e, rc, h, counted);
        else
            eval_required(&e, rc, h, counted, 0);
    }
    int err = e.err;
    eval_free(&e);
    rc->e = NULL;
    return err;
}

/* The partial matches of segment seg into the shared heap. */
static int search_segment_partial(const search_ctx *sc, uint32_t seg, rank_ctx *rc, heap *h)
{
    eval e;
    rc->e = &e;
    if (!eval_open(&e, sc, seg, true))
        eval_partial(&e, rc, h);
    int err = e.err;
    eval_free(&e);
    rc->e = NULL;
    return err;
}

/* Evaluates q over every segment of the view with one heap and one
 * count: the full matches of each segment, then, when fewer than k papers
 * matched fully over all of them, the partial matches of each. The
 * heap's threshold bounds papers of any segment (scores are the view's),
 * so every pruning stays exact across segments. */
static int search_segments(const search_ctx *sc, rank_ctx *rc, heap *h, uint64_t k,
                           pdx_results *out, uint64_t *counted)
{
    uint32_t n_segs = pdx_search_n_segs(sc->s->ix), n_req = required_groups(sc->q);
    for (uint32_t i = 0; i < n_segs; i++) {
        bool may = true;
        int err = n_req ? segment_possible(sc, i, false, &may) : PDX_OK;
        if (!err && may)
            err = search_segment(sc, i, rc, h, counted);
        sc->s->stats.segments_skipped += !may;
        if (err)
            return err;
    }
    out->clauses = n_req;
    /* fewer full matches than the page needs: none was pruned (pruning
     * needs a full heap), so counted is exact here */
    if (*counted >= k || n_req <= 1 || sc->o->no_partial)
        return PDX_OK;
    out->partial_used = true;
    for (uint32_t i = 0; i < n_segs; i++) {
        bool may;
        int err = segment_possible(sc, i, true, &may);
        if (!err && may)
            err = search_segment_partial(sc, i, rc, h);
        sc->s->stats.segments_skipped += !may;
        if (err)
            return err;
    }
    return PDX_OK;
}

/* Copies the page (hits from opts->offset on) of the sorted heap into
 * out. */
static int take_page(pdx_searcher *s, const heap *h, uint32_t offset, pdx_results *out)
{
    size_t skip = PDX_MIN(h->n, (size_t)offset);
    out->n = h->n - skip;
    if (out->n) {
        out->hits = malloc(out->n * sizeof *out->hits);
        if (!out->hits) {
            out->n = 0;
            return pdx_searcher_error(s, PDX_ENOMEM, "out of memory");
        }
        memcpy(out->hits, h->h + skip, out->n * sizeof *out->hits);
        /* a caller fetches the hits (pdx_hit_get) one after another, each a
         * chain of dependent reads in its record: start them all now */
        for (size_t i = 0; i < out->n; i++)
            pdx_stored_prefetch(s->ix, out->hits[i].doc);
    }
    /* partial_used means partial hits are present among those shown or
     * skipped; keep it only if any partial hit made it in. */
    if (out->partial_used) {
        bool any = false;
        for (size_t i = 0; i < h->n; i++)
            any |= h->h[i].partial;
        out->partial_used = any;
    }
    return PDX_OK;
}

int pdx_search(pdx_searcher *s, const pdx_query *q, const pdx_search_opts *opts,
               pdx_results *out)
{
    if (!s)
        return PDX_EINVAL;
    s->errmsg[0] = 0;
    if (!out)
        return pdx_searcher_error(s, PDX_EINVAL, "results is NULL");
    memset(out, 0, sizeof *out);
    if (!q)
        return pdx_searcher_error(s, PDX_EINVAL, "query is NULL");
    /* its term ordinals are its index's: on another they name other
     * terms (a review ran one index's query on another: wrong hits) */
    if (q->ix != s->ix)
        return pdx_searcher_error(s, PDX_EINVAL,
                                  "the query was parsed for another index's searcher");
    pdx_search_opts def;
    if (!opts) {
        pdx_search_opts_default(&def);
        opts = &def;
    }
    int err = check_opts(s, opts);
    if (err || (err = boost_table(s, opts->vote_weight)))
        return err;
    uint32_t limit = opts->limit ? opts->limit : 10;
    uint64_t k64 = (uint64_t)limit + opts->offset;
    search_ctx sc = {.s = s, .q = q, .o = opts, .id_doc = PDX_NO_DOC};
    if (q->id) {
        int rc = pdx_doc_find_id(s->ix, q->id, q->id_len, &sc.id_doc);
        if (rc && rc != PDX_ENOTFOUND)
            return pdx_searcher_error(s, rc, "%s", pdx_index_errmsg(s->ix));
    }
    query_stat qs = {0};
    sc.qs = &qs;
    uint64_t counted = 0; /* full matches counted (report_total()) */
    heap h = {.k = (size_t)k64};
    h.h = malloc(h.k * sizeof *h.h);
    h.date = malloc(h.k * sizeof *h.date);
    h.votes = malloc(h.k * sizeof *h.votes);
    rank_ctx rc = {NULL, s->ix, opts->sort, !s->exhaustive && opts->sort == PDX_SORT_SCORE,
                   PDX_OK, s, 0};
    if (!h.h || !h.date || !h.votes)
        err = pdx_searcher_error(s, PDX_ENOMEM, "out of memory while searching");
    else if (!(err = query_stats(s, q, &qs)))
        err = search_segments(&sc, &rc, &h, k64, out, &counted);
    query_stats_free(&qs);
    report_total(out, opts, out->clauses, counted);
    snprintf(out->notice, sizeof out->notice, "%s", q->notice);
    if (!err)
        heap_sort_best_first(&rc, &h);
    if (!err && rc.err) /* a tie's record could not be read */
        err = rc.err;
    if (!err)
        err = take_page(s, &h, opts->offset, out);
    free(h.h);
    free(h.date);
    free(h.votes);
    return err;
}
