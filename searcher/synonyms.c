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
 * none is here). Each word of a group finds the others (query.c
 * add_synonyms(), PDX_DERIVED_WEIGHT), and a word the lexicon lacks takes
 * the equivalents of its first group member the lexicon has (expand.c
 * expand_synonym(): 동영상 -> video).
 */
#include "searcher.h"

/* Each group ends with NULL; the table with an empty group. */
static const char *const synonym_groups[][PDX_SYNONYMS_MAX + 2] = {
    {"비디오", "동영상", NULL},
    {"탐지", "검출", "감지", NULL},
    {"객체", "물체", NULL},
    {"탐지기", "검출기", "감지기", NULL},
    {"장치", "기기", "디바이스", NULL},
    {"말뭉치", "코퍼스", NULL},
    {"합성곱", "컨볼루션", NULL},
    {"군집화", "클러스터링", NULL},
    {"기울기", "그래디언트", NULL},
    {"보상", "리워드", NULL},
    {"사용자", "유저", NULL},
    {"문서", "도큐먼트", NULL},
    {"환각", "할루시네이션", NULL},
    {"증강", "어그멘테이션", NULL},
    {NULL},
};

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
    return 0;
}
