/*
 * British spellings written the American way before Snowball stems them.
 *
 * Snowball's English stemmer knows one spelling of a word: "optimisation"
 * is optimis and "optimization" optim, "colour" colour and "color" color.
 * Papers from the UK, Europe and Australia, and readers taught there,
 * write the British one, and a query found only the papers spelling as it
 * did (a trial: "quantised" and "summarisation" found nothing,
 * "optimisation" 4 papers of 236). So the tokenizer rewrites a word before
 * stemming it, at indexing and at query time alike (stem_word()):
 *  - -ise, -ised, -ises, -ising, -iser(s), -isable, -isation(s): s -> z,
 *    when three letters or more come before "is" and they do not end as a
 *    word whose -ise is no British -ize: c after another letter than i
 *    (precise, exercise; criticise is one), v (supervise: supervision keeps
 *    its s), w (otherwise), pr (surprise, comprise) or a vowel (raise,
 *    noise, cruise), or are the root of advertise, expertise, premise,
 *    demise, promise, compromise, surmise or chemise;
 *  - -yse, -ysed, -ysing, -yser(s) after l: analyse -> analyze (not -yses,
 *    which is also the plural of analysis);
 *  - -our- in the words that drop its u (colour, behaviour, favourite...);
 *  - whole words: centre, metre, fibre, programme, dialogue, catalogue,
 *    analogue, defence, licence, judgement, artefact, ageing, grey...
 * A rewrite may only join two spellings of one word; one that joined two
 * words (prise and prize) would lose, which the three letters and the
 * exceptions keep out. docs/TOKENIZATION.md, "British spellings".
 */
#include <stdbool.h>
#include <string.h>

#include "spelling.h"

static bool ends_with(const char *w, size_t n, const char *e)
{
    size_t k = strlen(e);
    return n >= k && memcmp(w + n - k, e, k) == 0;
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Does root[0..n), before an -ise ending, make a word whose -ise is no
 * British -ize? By its ending, or as a whole (randomise, atomise and
 * customise are -ize words; promise and advertise are not). */
static bool ise_kept(const char *root, size_t n)
{
    static const char *const ends[] = {"v", "w", "pr"};
    static const char *const roots[] = {"advert", "chem", "comprom", "dem", "expert", "prem",
                                        "prom", "surm"};
    if (n < 3 || is_vowel(root[n - 1]))
        return true;
    if (root[n - 1] == 'c' && root[n - 2] != 'i')
        return true;
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
        if (ends_with(root, n, ends[i]))
            return true;
    for (size_t i = 0; i < sizeof roots / sizeof *roots; i++)
        if (strlen(roots[i]) == n && memcmp(root, roots[i], n) == 0)
            return true;
    return false;
}

/* The -ise and -yse endings: out holds the word; the s of the ending made
 * z. Returns whether it did. */
static bool ize(char *out, size_t n)
{
    static const char *const ise[] = {"isations", "isation", "isable", "isers", "iser",
                                      "ising",    "ised",    "ises",   "ise"};
    static const char *const yse[] = {"ysers", "yser", "ysing", "ysed", "yse"};
    for (size_t i = 0; i < sizeof ise / sizeof *ise; i++) {
        size_t k = strlen(ise[i]);
        if (ends_with(out, n, ise[i]) && !ise_kept(out, n - k)) {
            out[n - k + 1] = 'z';
            return true;
        }
    }
    for (size_t i = 0; i < sizeof yse / sizeof *yse; i++) {
        size_t k = strlen(yse[i]);
        if (ends_with(out, n, yse[i]) && n - k >= 3 && out[n - k - 1] == 'l') {
            out[n - k + 1] = 'z';
            return true;
        }
    }
    return false;
}

/* The -our words: out holds the word; the u dropped when it starts with
 * one of them (colour, colours, coloured, colourful). Returns the length. */
static size_t drop_our_u(char *out, size_t n)
{
    static const char *const words[] = {
        "ardour",  "armour",   "behaviour", "candour", "clamour",   "colour",  "endeavour",
        "favour",  "fervour",  "flavour",   "glamour", "harbour",   "honour",  "humour",
        "labour",  "neighbour", "odour",    "parlour", "rigour",    "rumour",  "saviour",
        "savour",  "splendour", "tumour",   "valour",  "vapour",    "vigour"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t k = strlen(words[i]);
        if (n >= k && memcmp(out, words[i], k) == 0) {
            memmove(out + k - 2, out + k - 1, n - (k - 1)); /* the u before the r */
            return n - 1;
        }
    }
    return n;
}

/* Whole words, British then American. */
static const char *const words[][2] = {
    {"acknowledgement", "acknowledgment"}, {"acknowledgements", "acknowledgments"},
    {"ageing", "aging"},                   {"aluminium", "aluminum"},
    {"analogue", "analog"},                {"analogues", "analogs"},
    {"artefact", "artifact"},              {"artefacts", "artifacts"},
    {"calibre", "caliber"},                {"catalogue", "catalog"},
    {"catalogued", "cataloged"},           {"catalogues", "catalogs"},
    {"centre", "center"},                  {"centred", "centered"},
    {"centres", "centers"},                {"centring", "centering"},
    {"defence", "defense"},                {"defences", "defenses"},
    {"dialogue", "dialog"},                {"dialogues", "dialogs"},
    {"fibre", "fiber"},                    {"fibres", "fibers"},
    {"grey", "gray"},                      {"greyscale", "grayscale"},
    {"judgement", "judgment"},             {"judgements", "judgments"},
    {"learnt", "learned"},                 {"licence", "license"},
    {"licences", "licenses"},              {"litre", "liter"},
    {"litres", "liters"},                  {"lustre", "luster"},
    {"manoeuvre", "maneuver"},             {"manoeuvres", "maneuvers"},
    {"metre", "meter"},                    {"metres", "meters"},
    {"offence", "offense"},                {"offences", "offenses"},
    {"programme", "program"},              {"programmes", "programs"},
    {"sceptic", "skeptic"},                {"sceptical", "skeptical"},
    {"sombre", "somber"},                  {"spectre", "specter"},
    {"theatre", "theater"},                {"theatres", "theaters"},
};

size_t pdx_american_spelling(const char *w, size_t n, char *out)
{
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i][0]) == n && memcmp(w, words[i][0], n) == 0) {
            size_t k = strlen(words[i][1]);
            memcpy(out, words[i][1], k);
            return k;
        }
    memcpy(out, w, n);
    size_t m = drop_our_u(out, n);
    bool changed = ize(out, m);
    return changed || m != n ? m : 0;
}
