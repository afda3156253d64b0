/* Text in several languages: `text LANG { key: "..." }` blocks, the
 * catalog's `language` and `fixed` (DESIGN.md 7.3), and the words of
 * aeo's own tables.
 *
 * A text block gives, for one language, the titles, benefits and other
 * text properties of measures and of the catalog, and labels for names
 * (defs, tiers, consts, functions, fact fields, enum values).  Several
 * files may hold blocks of one language: they merge, and a key given twice
 * is an error wherever the two are.  The source text of the catalog (a
 * measure's title string, its benefit: property) is in the catalog's base
 * `language`; a name without a label reads as itself.
 *
 * A key is written as its path with no spaces: "catalog.title", "M01",
 * "M01.benefit", "in_jurisdiction", "enterprise.address.city",
 * "enterprise.credit[\"advanced\"]".  Lookups use that same form. */
#ifndef AEO_LANG_TEXT_H
#define AEO_LANG_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/catalog.h"

/* The words of aeo's own tables, in English and Chinese: the one table of
 * them (DESIGN.md 7.3).  X(NAME, english, chinese).  Outcomes: 适用
 * (applies), 不适用 (not: the measure does not apply), 待定 (undecided:
 * facts are missing, the answer waits for them), 错误 (error). */
#define AEO_TEXT_WORDS(X)                                  \
    X(APPLIES, "applies", "适用")                          \
    X(NOT, "not", "不适用")                                \
    X(UNDECIDED, "undecided", "待定")                      \
    X(ERROR, "error", "错误")                              \
    X(ID, "ID", "编号")                                    \
    X(TITLE, "TITLE", "名称")                              \
    X(TIERS, "TIERS", "适用等级")                          \
    X(VALUE, "VALUE", "值")                                \
    X(CATEGORY, "CATEGORY", "类别")                        \
    X(CONFIDENCE, "CONFIDENCE", "可信度")                  \
    X(CITE, "CITE", "依据")                                \
    X(RECORD, "record", "记录")                            \
    X(MISSING, "missing:", "缺少:")                        \
    X(NOT_IN_FORCE, "not in force on this date", "该日期不在有效期内") \
    X(VALUES_RECORDS, "values (records):", "值（记录数）:") \
    X(UNIT, "unit:", "单位:")

typedef enum {
#define X(name, en, zh) AEO_WORD_##name,
    AEO_TEXT_WORDS(X)
#undef X
    AEO_WORD__COUNT
} aeo_word;

/* Word [w] in language [lang]: Chinese for "zh" and its variants ("zh",
 * "zh_CN", "zh_Hans", ...), English for anything else and for NULL. */
const char *aeo_text_word(const char *lang, aeo_word w);
/* The outcome word for [kind], an aeo_outcome_kind (runtime/outcome.h:
 * applies, not, undecided, error). */
const char *aeo_text_outcome(const char *lang, int kind);

/* One language's merged text blocks. */
typedef struct aeo_text_lang {
    const char *lang;
    const aeo_prop **props;   /* every key, in the order the blocks give them */
    uint32_t n, cap;
    const aeo_decl *first;    /* its first block, where warnings about it point */
} aeo_text_lang;

/* The catalog's texts (aeo_catalog.texts), filled by aeo_text_check. */
typedef struct aeo_texts {
    const char *base;          /* the catalog's `language`, or NULL */
    aeo_text_lang *langs;      /* in the order their first blocks come */
    uint32_t n_langs;
    /* `fixed: [paths]`: the facts suggestions never change, as dotted
     * paths ("enterprise.uscc"), kept for --suggest (DESIGN.md 7.4). */
    const char **fixed;
    uint32_t n_fixed;
    /* The language printers that are not told one use (--explain's
     * headers, the REPL after :lang): NULL, the source text. */
    const char *display;
} aeo_texts;

/* Checks every text block and the catalog's `language` and `fixed` (the
 * checker's names and schema must be filled: run after
 * aeo_check_catalog), reporting E0240-E0245, and fills
 * c->texts.  Returns true when it reported no error. */
bool aeo_text_check(aeo_catalog *c);
/* The lints of text blocks (W0230, W0231), after aeo_text_check on a
 * catalog without errors: run with the other lints (aeo_catalog_build's
 * AEO_BUILD_LINT stage). */
void aeo_text_lint(aeo_catalog *c);

/* Whether [lang] can be asked for: the base language, or one with a text
 * block. */
bool aeo_text_has_lang(const aeo_catalog *c, const char *lang);
/* Appends the languages [c] has ("en, zh": the base language first) to [b];
 * "none" when it has none. */
void aeo_text_langs(const aeo_catalog *c, aeo_buf *b);
/* The text of [key] in [lang], else in the base language's blocks, else
 * [fallback] (the source text).  [lang] NULL: [fallback]. */
const char *aeo_text_get(const aeo_catalog *c, const char *lang, const char *key, const char *fallback);
/* Sets the display language of [c] to [lang] (copied; NULL: the source
 * text); the caller has checked it with aeo_text_has_lang. */
void aeo_text_set_display(aeo_catalog *c, const char *lang);
/* The display language of [c], or NULL. */
const char *aeo_text_display(const aeo_catalog *c);
/* As aeo_text_get for property [prop] of measure [id] ([prop] NULL or
 * "title": its title, key "M01"; else key "M01.benefit"). */
const char *aeo_text_measure(const aeo_catalog *c, const char *lang, const char *id, const char *prop,
                             const char *fallback);

#endif
