/* vocab.h -- the closed vocabularies of the registries, with labels in three languages. */
#ifndef LX_VOCAB_H
#define LX_VOCAB_H
#include <stddef.h>
#include <stdint.h>

/* One term: a stable code stored in the database and used by the API, and
 * its labels. Import accepts the code or any label. */
typedef struct vocab_term {
    const char *code;  /* stored and sent in JSON */
    const char *zh;    /* Simplified Chinese label (import/export headers) */
    const char *zh_tw; /* Traditional Chinese label */
    const char *en;    /* English label */
} vocab_term;

typedef struct vocab {
    const char *name;          /* "rank", "tag" ... */
    const vocab_term *terms;   /* the terms, in display order */
    size_t n;                  /* number of terms */
} vocab;

extern const vocab vocab_gender, vocab_rank, vocab_category, vocab_skill, vocab_tag,
    vocab_difficulty, vocab_relation, vocab_node_kind, vocab_unit_kind, vocab_org_kind,
    vocab_org_basis, vocab_contact_kind, vocab_talk_situation, vocab_request_category,
    vocab_case_channel, vocab_case_priority, vocab_case_state, vocab_case_rating, vocab_follow_up;

/* For a term of vocab_contact_kind: 1 if made in person (all but call and
 * online; seed 003: a phone call never satisfies an in-person rule), and 1 if
 * it is a meeting (courtyard, symposium, tea_party, dialogue, survey). */
int vocab_contact_in_person(int kind);
int vocab_contact_meeting(int kind);

/* Index of the term whose code or any label equals s, or -1. */
int vocab_find(const vocab *v, const char *s);
/* The code of term i (i must be valid). */
const char *vocab_code(const vocab *v, int i);

/* Sets of terms (tags, skills) are stored as bit masks: bit i is term i. */
/* Parse a list of codes or labels separated by , ， 、 ; or spaces into a mask;
 * returns -1 and the first bad item's offset in *bad if one is unknown. */
int64_t vocab_mask_parse(const vocab *v, const char *list, size_t *bad);

#endif
