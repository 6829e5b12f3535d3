/*
 * Korean words of one meaning (docs/LEXICON.md, "Korean synonyms").
 *
 * The lexicon pairs a Korean word with an English one where the papers
 * state or show the pair, and a loanword with the word it sounds like.
 * Two Korean words of one meaning meet there only through a shared
 * English word, and not at all when the digests never pair one of them:
 * they write 비디오 (690 papers at 1x) where a reader says 동영상 (69, no
 * pair), 탐지 where a reader may say 검출 or 감지. A trial's `동영상 생성`
 * found 49 papers, `비디오 생성` 508. These groups are general Korean
 * usage, not mined: words that a Korean dictionary gives the same meaning
 * in computing, none of them naming another idea in these texts (영상 is
 * image or video, 학습 learning or training, 주의 attention or caution:
 * none is here). Some groups are the renderings of one term that the
 * digests spread it over, the lexicon pairing one of them only
 * (자회귀/autoregressive: 자기회귀 and 자동회귀 found only the papers
 * writing them). Each word of a group finds the others (query.c
 * add_synonyms(), PDX_DERIVED_WEIGHT), and a word the lexicon lacks takes
 * the equivalents of its first group member the lexicon has (expand.c
 * expand_synonym(): 동영상 -> video).
 */
#include "searcher.h"

#include <string.h>

/* Each group ends with NULL; the table with an empty group. */
static const char *const synonym_groups[][PDX_SYNONYMS_MAX + 2] = {
    {"비디오", "동영상", NULL},
    {"탐지", "검출", "감지", NULL},
    {"객체", "물체", NULL},
    {"탐지기", "검출기", "감지기", NULL},
    {"장치", "기기", "디바이스", NULL},
    {"말뭉치", "코퍼스", NULL},
    {"합성곱", "컨볼루션", "컨벌루션", NULL},
    {"군집화", "클러스터링", NULL},
    {"기울기", "그래디언트", NULL},
    {"보상", "리워드", NULL},
    {"사용자", "유저", NULL},
    {"문서", "도큐먼트", NULL},
    {"환각", "할루시네이션", NULL},
    {"증강", "어그멘테이션", NULL},
    {"자회귀", "자기회귀", "자동회귀", "자가회귀", NULL},
    {"사전학습", "사전훈련", "프리트레이닝", NULL},
    {"노이즈", "잡음", NULL},
    {"편향", "바이어스", NULL},
    {"옵티마이저", "최적화기", NULL},
    {"쿼리", "질의", NULL},
    {"로보틱스", "로봇공학", NULL},
    /* loanwords in the spelling of the rules and the one many write */
    {"콘텐츠", "컨텐츠", NULL},
    {"메커니즘", "매커니즘", NULL},
    {"인코더", "엔코더", NULL},
    {"컨텍스트", "콘텍스트", NULL},
    {"렌더링", "랜더링", NULL},
    {"태스크", "테스크", NULL},
    {"시맨틱", "시멘틱", "세맨틱", NULL},
    {"인터랙티브", "인터렉티브", NULL},
    {"디노이징", "데노이징", NULL},
    {NULL},
};

/* Native Korean verbs and adjectives, as a query writes them ("환각을
 * 줄이는 방법", "작은 모델"), and the Sino-Korean nouns the digests name
 * the same idea with (완화, 소형): a trial's `환각을 줄이는 방법` matched 9
 * papers, two of them off the topic, and the mitigation papers, which say
 * 완화, ranked 11th to 52nd. Forms are listed, not stemmed: the endings a
 * query puts on these stems (-는 -기 -ㄴ -고 -어 -려면 -다), none a noun
 * of another meaning (높이, height, and 크게, greatly, are left out).
 * Each finds its nouns only: a noun does not find the verb. */
static const struct {
    const char *forms[9];
    const char *nouns[PDX_SYNONYMS_MAX + 1];
} verb_nouns[] = {
    {{"줄이는", "줄이기", "줄인", "줄이고", "줄여", "줄이려면", "줄이다", NULL},
     {"감소", "완화", "절감", NULL}},
    {{"높이는", "높이기", "높인", "높이고", "높여", "높이려면", "높이다", NULL},
     {"향상", "증가", NULL}},
    {{"늘리는", "늘리기", "늘린", "늘리고", "늘려", "늘리려면", "늘리다", NULL},
     {"증가", "확장", NULL}},
    {{"만드는", "만들기", "만든", "만들고", "만들어", "만들려면", "만들다", NULL},
     {"생성", "제작", "구축", NULL}},
    {{"찾는", "찾기", "찾은", "찾고", "찾아", "찾으려면", "찾다", NULL},
     {"탐색", "검색", "발견", NULL}},
    {{"고치는", "고치기", "고친", "고치고", "고쳐", "고치려면", "고치다", NULL},
     {"수정", "교정", NULL}},
    {{"막는", "막기", "막은", "막고", "막아", "막으려면", "막다", NULL},
     {"방지", "차단", "방어", NULL}},
    {{"나누는", "나누기", "나눈", "나누고", "나눠", "나누다", NULL}, {"분할", "분리", NULL}},
    {{"합치는", "합치기", "합친", "합치고", "합쳐", "합치다", NULL},
     {"병합", "결합", "통합", NULL}},
    {{"바꾸는", "바꾸기", "바꾼", "바꾸고", "바꿔", "바꾸다", NULL}, {"변환", "변경", NULL}},
    {{"지우는", "지우기", "지운", "지우고", "지워", "지우다", NULL}, {"삭제", "제거", NULL}},
    {{"배우는", "배우기", "배운", "배우고", "배워", "배우다", NULL}, {"학습", NULL}},
    {{"작은", NULL}, {"소형", "경량", NULL}},
    {{"가벼운", NULL}, {"경량", NULL}},
    {{"큰", "커다란", NULL}, {"대형", "대규모", NULL}},
    {{"빠른", "빠르게", NULL}, {"고속", "가속", NULL}},
    {{"긴", NULL}, {"장문", "장기", NULL}},
};

/* The nouns of w when it is a form of verb_nouns; 0 when none. */
static size_t verb_synonyms(const char *w, size_t n, const char *out[PDX_SYNONYMS_MAX])
{
    for (size_t v = 0; v < sizeof verb_nouns / sizeof *verb_nouns; v++) {
        size_t forms = 0;
        while (verb_nouns[v].forms[forms])
            forms++;
        if (!pdx_word_in(verb_nouns[v].forms, forms, w, n, false))
            continue;
        size_t k = 0;
        for (; verb_nouns[v].nouns[k]; k++)
            out[k] = verb_nouns[v].nouns[k];
        return k;
    }
    return 0;
}

size_t pdx_korean_synonyms(const char *w, size_t n, const char *out[PDX_SYNONYMS_MAX])
{
    for (size_t g = 0; synonym_groups[g][0]; g++) {
        const char *const *grp = synonym_groups[g];
        size_t self = PDX_SYNONYMS_MAX + 1;
        for (size_t i = 0; grp[i] && self > PDX_SYNONYMS_MAX; i++)
            if (pdx_word_in(&grp[i], 1, w, n, true))
                self = i;
        if (self > PDX_SYNONYMS_MAX)
            continue;
        size_t k = 0;
        for (size_t i = 0; grp[i]; i++)
            if (i != self)
                out[k++] = grp[i];
        return k;
    }
    return verb_synonyms(w, n, out);
}

/* The names of one family of models that papers use for each other: a
 * model that reads images and text is a VLM, an LVLM, an MLLM or an LMM
 * as its authors please, and each name holds its own slice of the papers
 * (a trial: `VLM 환각 감소` ranked the MLLM hallucination papers 25th and
 * 60th, and `LVLM hallucination` found three papers that `multimodal
 * LLMs hallucination` did not). Not VLA (vision-language-action models
 * act) nor LLM (text only). */
static const char *const model_families[][PDX_SYNONYMS_MAX + 2] = {
    {"VLM", "LVLM", "MLLM", "LMM", NULL},
    {NULL},
};

/* Is w[0, n) acronym a, in any case, or its plural (VLMs)? */
static bool is_acronym_of(const char *a, const char *w, size_t n)
{
    size_t k = strlen(a);
    if (n == k + 1 && w[k] == 's')
        n = k;
    if (n != k)
        return false;
    for (size_t i = 0; i < k; i++)
        if ((w[i] & ~0x20) != a[i])
            return false;
    return true;
}

size_t pdx_model_family(const char *w, size_t n, const char *out[PDX_SYNONYMS_MAX])
{
    for (size_t f = 0; model_families[f][0]; f++) {
        size_t self = PDX_SYNONYMS_MAX + 1;
        for (size_t i = 0; model_families[f][i]; i++)
            if (is_acronym_of(model_families[f][i], w, n))
                self = i;
        if (self > PDX_SYNONYMS_MAX)
            continue;
        size_t k = 0;
        for (size_t i = 0; model_families[f][i]; i++)
            if (i != self)
                out[k++] = model_families[f][i];
        return k;
    }
    return 0;
}
