/*
 * Everyday words of research writing in Korean and English
 * (docs/LEXICON.md, "The glossary").
 *
 * A paper's title is English and its summary Korean, so most papers say
 * an everyday word of the field in one language only: "Safe Unlearning:
 * ... Defend Against Jailbreak Attacks" and a summary that says 방어. The
 * mined lexicon pairs the words the digests state in parentheses or that
 * sound alike, and only below PDX_LEXICON_MAX_DF_SHARE of the papers; the
 * everyday words are seldom stated (방어/defense, 관리/management) or too
 * common to mine (a trial: `jailbreak defense` matched no paper in full,
 * `diffusion model acceleration` ranked AsyncDiff, whose summary says
 * 가속, 15th, `학습 데이터 품질 관리` missed the data-quality papers, each
 * for want of one such word in the other language).
 *
 * These pairs are a dictionary's, not the corpus's: the translation a
 * Korean-English dictionary gives each noun in computing, for general
 * words of research writing taken from the most common Korean words of the
 * summaries (no name of a method, model or dataset; a word with two
 * common senses lists both: 추론 is reasoning and inference, 영상 image
 * and video). A query word the lexicon gives nothing, having no pair or
 * being too common to expand, gets the other column's words as
 * alternatives weighing PDX_LEXICON_WEIGHT, those under the expansion
 * bounds (expand.c expand_glossary()): 품질 finds quality, not 모델 model.
 */
#include "searcher.h"

#include <string.h>

/* Each entry: Korean forms (a query word matches one, maybe with a
 * particle) and English words, base forms (a query word matches one
 * inflected: english_form()); an English query word gets the entry's first
 * Korean form, a Korean one every English word. */
static const struct {
    const char *ko[3];
    const char *en[PDX_GLOSSARY_MAX + 1];
} glossary[] = {
    {{"모델", NULL}, {"model", NULL}},
    {{"성능", NULL}, {"performance", NULL}},
    {{"데이터", NULL}, {"data", NULL}},
    {{"생성", NULL}, {"generation", "generative", "generate", NULL}},
    {{"이미지", NULL}, {"image", NULL}},
    {{"영상", NULL}, {"image", "video", NULL}},
    {{"텍스트", NULL}, {"text", NULL}},
    {{"학습", NULL}, {"learning", "training", NULL}},
    {{"훈련", NULL}, {"training", NULL}},
    {{"벤치마크", NULL}, {"benchmark", NULL}},
    {{"추론", NULL}, {"reasoning", "inference", NULL}},
    {{"평가", NULL}, {"evaluation", "evaluate", "assessment", NULL}},
    {{"품질", NULL}, {"quality", NULL}},
    {{"효율", "효율성", NULL}, {"efficiency", "efficient", NULL}},
    {{"정확도", NULL}, {"accuracy", NULL}},
    {{"최적화", NULL}, {"optimization", "optimize", NULL}},
    {{"이해", NULL}, {"understanding", NULL}},
    {{"지식", NULL}, {"knowledge", NULL}},
    {{"예측", NULL}, {"prediction", "predict", NULL}},
    {{"정렬", NULL}, {"alignment", "align", NULL}},
    {{"인식", NULL}, {"recognition", NULL}},
    {{"장면", NULL}, {"scene", NULL}},
    {{"제어", NULL}, {"control", NULL}},
    {{"검색", NULL}, {"retrieval", "search", NULL}},
    {{"탐색", NULL}, {"exploration", "search", NULL}},
    {{"편집", NULL}, {"editing", NULL}},
    {{"설계", NULL}, {"design", NULL}},
    {{"보상", NULL}, {"reward", NULL}},
    {{"분류", NULL}, {"classification", "classify", NULL}},
    {{"선호", NULL}, {"preference", NULL}},
    {{"재구성", NULL}, {"reconstruction", NULL}},
    {{"도구", NULL}, {"tool", NULL}},
    {{"질문", NULL}, {"question", NULL}},
    {{"답변", NULL}, {"answer", NULL}},
    {{"대화", NULL}, {"dialogue", "conversation", NULL}},
    {{"정책", NULL}, {"policy", NULL}},
    {{"음성", NULL}, {"speech", "voice", NULL}},
    {{"음악", NULL}, {"music", NULL}},
    {{"의료", NULL}, {"medical", NULL}},
    {{"진단", NULL}, {"diagnosis", NULL}},
    {{"얼굴", NULL}, {"face", "facial", NULL}},
    {{"객체", NULL}, {"object", NULL}},
    {{"움직임", NULL}, {"motion", "movement", NULL}},
    {{"관리", NULL}, {"management", "manage", NULL}},
    {{"방어", NULL}, {"defense", "defend", NULL}},
    {{"공격", NULL}, {"attack", NULL}},
    {{"가속", "가속화", NULL}, {"acceleration", "accelerate", NULL}},
    {{"압축", NULL}, {"compression", "compress", NULL}},
    {{"안전", "안전성", NULL}, {"safety", "safe", NULL}},
    {{"보안", NULL}, {"security", NULL}},
    {{"개인화", NULL}, {"personalization", "personalize", NULL}},
    {{"계획", NULL}, {"planning", "plan", NULL}},
    {{"번역", NULL}, {"translation", "translate", NULL}},
    {{"요약", NULL}, {"summarization", "summary", NULL}},
    {{"분할", "세분화", NULL}, {"segmentation", NULL}},
    {{"추적", NULL}, {"tracking", NULL}},
    {{"조작", NULL}, {"manipulation", NULL}},
    {{"탐지", NULL}, {"detection", "detect", NULL}},
    {{"검증", NULL}, {"verification", "verify", NULL}},
    {{"오류", NULL}, {"error", NULL}},
    {{"분포", NULL}, {"distribution", NULL}},
    {{"표현", NULL}, {"representation", NULL}},
    {{"일반화", NULL}, {"generalization", NULL}},
    {{"환경", NULL}, {"environment", NULL}},
    {{"상호작용", NULL}, {"interaction", NULL}},
    {{"언어", NULL}, {"language", NULL}},
    {{"시각", NULL}, {"visual", "vision", NULL}},
    {{"행동", NULL}, {"behavior", "action", NULL}},
    {{"손실", NULL}, {"loss", NULL}},
    {{"문서", NULL}, {"document", NULL}},
    {{"지시", NULL}, {"instruction", NULL}},
    {{"일관성", NULL}, {"consistency", NULL}},
    {{"다양성", NULL}, {"diversity", NULL}},
    {{"견고성", "강건성", NULL}, {"robustness", NULL}},
    {{"공간", NULL}, {"spatial", "space", NULL}},
    {{"감소", NULL}, {"reduction", "reduce", NULL}},
    {{"완화", NULL}, {"mitigation", "mitigate", NULL}},
    {{"향상", NULL}, {"improvement", "improve", "enhancement", NULL}},
    {{"경량", NULL}, {"lightweight", NULL}},
    {{"정보", NULL}, {"information", NULL}},
    {{"구조", NULL}, {"structure", NULL}},
    {{"비용", NULL}, {"cost", NULL}},
    {{"속도", NULL}, {"speed", NULL}},
    {{"인간", NULL}, {"human", NULL}},
    {{"사용자", NULL}, {"user", NULL}},
    {{"협업", NULL}, {"collaboration", NULL}},
    {{"다국어", NULL}, {"multilingual", NULL}},
    {{"기억", NULL}, {"memory", NULL}},
    {{"문맥", "맥락", NULL}, {"context", NULL}},
    {{"물리", NULL}, {"physics", "physical", NULL}},
};

#define GLOSSARY_ENTRIES (sizeof glossary / sizeof *glossary)

/* Is lower-case w[0, n) English word e inflected: e itself, a plural
 * (-s, -es; -ies for a final y), -ing or -ed (-d after a final e)? Not
 * -ing on e less its final e: "facing" is no face, "spacing" no space. */
static bool english_form(const char *e, const char *w, size_t n)
{
    size_t k = strlen(e);
    if (n < k || memcmp(w, e, k - 1) != 0)
        return false;
    const char *rest = w + k - 1; /* after all of e but its last letter */
    size_t rn = n - (k - 1);
    char last = e[k - 1];
    if (last == 'y' && rn == 3 && memcmp(rest, "ies", 3) == 0)
        return true;
    if (rest[0] != last)
        return false;
    rest++;
    rn--;
    if (rn == 0 || (rn == 1 && rest[0] == 's') || (last == 'e' && rn == 1 && rest[0] == 'd'))
        return true;
    return (rn == 2 && (!memcmp(rest, "es", 2) || !memcmp(rest, "ed", 2))) ||
           (rn == 3 && !memcmp(rest, "ing", 3));
}

/* Adds s to out[0..*k) unless there or out is full. */
static void add_word(const char *s, const char *out[PDX_GLOSSARY_MAX], size_t *k)
{
    for (size_t i = 0; i < *k; i++)
        if (!strcmp(out[i], s))
            return;
    if (*k < PDX_GLOSSARY_MAX)
        out[(*k)++] = s;
}

/* The Korean words of English word w[0, n): ASCII letters only (not
 * LLM2, text-to-image), not all capitals (an acronym: SAFE is no safe). */
static size_t english_to_korean(const char *w, size_t n, const char *out[PDX_GLOSSARY_MAX])
{
    char low[32];
    bool lower = false;
    if (n < 2 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = w[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        else if (ch >= 'a' && ch <= 'z')
            lower = true;
        else
            return 0;
        low[i] = ch;
    }
    if (!lower)
        return 0;
    size_t k = 0;
    for (size_t g = 0; g < GLOSSARY_ENTRIES; g++)
        for (size_t i = 0; glossary[g].en[i]; i++)
            if (glossary[g].en[i][0] == low[0] && english_form(glossary[g].en[i], low, n)) {
                add_word(glossary[g].ko[0], out, &k);
                break;
            }
    return k;
}

size_t pdx_glossary(const char *w, size_t n, const char *out[PDX_GLOSSARY_MAX])
{
    if (n == 0)
        return 0;
    if ((unsigned char)w[0] < 0x80)
        return english_to_korean(w, n, out);
    for (size_t g = 0; g < GLOSSARY_ENTRIES; g++) {
        size_t forms = 0;
        while (glossary[g].ko[forms])
            forms++;
        if (!pdx_word_in(glossary[g].ko, forms, w, n, true))
            continue;
        size_t k = 0;
        for (size_t i = 0; glossary[g].en[i]; i++)
            add_word(glossary[g].en[i], out, &k);
        return k;
    }
    return 0;
}
