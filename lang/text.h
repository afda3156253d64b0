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
    X(UNIT, "unit:", "单位:")                             \
    X(RECORDS_AS_OF, "{n} records as of {d}: {e} evaluated, {u} unreadable", "{n} 条记录，评估日期 {d}：已评估 {e} 条，无法读取 {u} 条") \
    X(ONE_RECORD_AS_OF, "1 record as of {d}: {e} evaluated, {u} unreadable", "1 条记录，评估日期 {d}：已评估 {e} 条，无法读取 {u} 条") \
    X(NO_RECORDS, "no records", "没有记录")                \
    X(CANNOT_BE_READ, "cannot be read:", "无法读取:")      \
    X(MEASURES_COUNT, "{n} measures", "共 {n} 项措施")     \
    X(ONE_MEASURE, "1 measure", "共 1 项措施")             \
    X(TIER_ONLY, "{a} only", "仅 {a}")                     \
    X(TIER_BOTH, "both", "两级均适用")                     \
    X(TIER_ALL, "all tiers", "所有等级")                   \
    X(PER_TIER, "per tier (the tiers overlap; a measure counts in each of its tiers)", "按等级（等级可能重叠；一项措施在其每个等级中各计一次）") \
    X(EXPLAIN_DECIDES, "<- decides", "<- 决定结果")        \
    X(EXPLAIN_WINS, "<- wins", "<- 胜出")                  \
    X(EXPLAIN_MISSING, "missing", "缺少")                  \
    X(EXPLAIN_ANY_OF, "any of", "任一")                    \
    X(EXPLAIN_NOT_REACHED, "(not reached)", "（未求值）")   \
    X(EXPLAIN_WOULD_GRANT, "would grant", "将授予")        \
    X(EXPLAIN_NO_CASE, "no case holds and there is no else: the measure grants nothing", "没有成立的取值条件且没有 else：该措施不授予任何值") \
    X(EXPLAIN_NOT_IN_FORCE_ON, "not in force on {d}:", "于 {d} 不在有效期内：") \
    X(EXPLAIN_EFFECTIVE_FROM, "effective from {d}", "自 {d} 起施行") \
    X(EXPLAIN_EXPIRES, "expires {d}", "于 {d} 失效")        \
    X(REPL_COUNTS, "{a} applies, {b} not, {n} undecided, {u} errors", "{a} 项适用，{b} 项不适用，{n} 项待定，{u} 项错误") \
    X(WHY_RECORD, "Record {n}", "记录 {n}")                \
    X(WHY_AS_OF, "as of {d}", "评估日期 {d}")              \
    X(WHY_GRANTED, "Granted", "适用的措施")                \
    X(WHY_NOT_GRANTED, "Not granted", "不适用的措施")      \
    X(WHY_UNDECIDED, "Undecided", "待定的措施")            \
    X(WHY_FAILED, "Failed", "出错的措施")                  \
    X(WHY_NONE, "none", "无")                              \
    X(WHY_BECAUSE, "because", "原因")                      \
    X(WHY_ALSO, "and", "另外")                             \
    X(WHY_REQUIRES, "requires", "要求")                    \
    X(WHY_EXCLUDED, "excluded when", "排除条件")           \
    X(WHY_THIS, "this enterprise", "该企业")               \
    X(WHY_WOULD_APPLY_IF, "would apply if", "满足以下条件即可适用") \
    X(WHY_NO_CHANGE, "no change of its facts makes it apply", "改变其事实均无法使其适用") \
    X(WHY_NOT_KNOWN, "not known", "无法确定")              \
    X(WHY_OUTSIDE, "{a}", "超出求解器的覆盖范围：{a}")     \
    X(WHY_GAVE_UP, "the solver gave up (timeout)", "求解器在时限内未能得出结论") \
    X(WHY_PROVIDE, "facts to provide", "需提供的事实")     \
    X(WHY_ASK_FIRST, "Facts to provide, most decisive first", "需提供的事实（按决定作用从大到小）") \
    X(WHY_OR, " or ", "或")                                \
    X(WHY_OR_ELSE, "; or: ", "；或：")                      \
    X(WHY_AND, " and ", "且")                              \
    X(WHY_SEP, "; ", "；")                                 \
    X(WHY_COLON, ": ", "：")                               \
    X(WHY_LIST_SEP, ", ", "、")                            \
    X(COMMA, ", ", "，")                                   \
    X(WHY_YES, "yes", "是")                                \
    X(WHY_NO, "no", "否")                                  \
    X(WHY_NOT_GIVEN, "not given", "未提供")                \
    X(WHY_AS_OF_LABEL, "evaluation date", "评估日期")      \
    X(WHY_NOT_IN_FORCE, "in force on the evaluation date", "在评估日期有效") \
    X(WHY_EFFECTIVE, "effective from {d}", "自 {d} 起施行") \
    X(WHY_EXPIRES, "expires {d}", "于 {d} 失效")           \
    X(WHY_NO_CASE, "one of the cases of its value", "其取值条件之一") \
    X(WHY_CITE, "cite", "依据")                            \
    X(WHY_ERROR, "error", "错误")                          \
    X(WHY_UNREADABLE, "the record cannot be read", "该记录无法读取") \
    X(WHY_ITEM, "item {n} of {a}", "{a}的第 {n} 项")       \
    X(WHY_DAYS, "{n} days", "{n} 天")                      \
    X(WHY_APPLIES_ALREADY, "it applies already", "已适用") \
    X(WHY_NOT_UNDECIDED, "it is not undecided", "不是待定") \
    X(WHY_NOTHING_TO_ASK, "no measure is undecided: no fact is missing", "没有待定的措施，无需补充事实") \
    X(WHY_HOURS, "{n} hours", "{n} 小时")                  \
    X(WHY_SECONDS, "{n} seconds", "{n} 秒")                \
    X(CMP_EQ, "{a} is {b}", "{a}为{b}")                    \
    X(CMP_NE, "{a} is not {b}", "{a}不为{b}")              \
    X(CMP_GE, "{a} is at least {b}", "{a}不少于{b}")       \
    X(CMP_GT, "{a} is more than {b}", "{a}多于{b}")        \
    X(CMP_LE, "{a} is at most {b}", "{a}不超过{b}")        \
    X(CMP_LT, "{a} is less than {b}", "{a}少于{b}")        \
    X(CMP_ON_OR_AFTER, "{a} is on or after {b}", "{a}在{b}或之后") \
    X(CMP_AFTER, "{a} is after {b}", "{a}在{b}之后")       \
    X(CMP_ON_OR_BEFORE, "{a} is on or before {b}", "{a}在{b}或之前") \
    X(CMP_BEFORE, "{a} is before {b}", "{a}在{b}之前")     \
    X(CMP_ONE_OF, "{a} is one of {b}", "{a}为{b}之一")     \
    X(CMP_NONE_OF, "{a} is none of {b}", "{a}不为{b}中的任何一项") \
    X(CMP_HAS, "{a} has {b}", "{a}包含{b}")                \
    X(CMP_HAS_NOT, "{a} does not have {b}", "{a}不包含{b}") \
    X(CMP_STARTS, "{a} starts with {b}", "{a}以{b}开头")   \
    X(CMP_STARTS_NOT, "{a} does not start with {b}", "{a}不以{b}开头") \
    X(CMP_ENDS, "{a} ends with {b}", "{a}以{b}结尾")       \
    X(CMP_ENDS_NOT, "{a} does not end with {b}", "{a}不以{b}结尾") \
    X(CMP_CONTAINS, "{a} contains {b}", "{a}含有{b}")      \
    X(CMP_CONTAINS_NOT, "{a} does not contain {b}", "{a}不含有{b}") \
    X(CMP_MATCHES, "{a} matches {b}", "{a}符合{b}")        \
    X(CMP_MATCHES_NOT, "{a} does not match {b}", "{a}不符合{b}") \
    X(CMP_GIVEN, "{a} is given", "已提供{a}")              \
    X(CMP_GIVEN_NOT, "{a} is not given", "未提供{a}")      \
    X(CMP_NOT, "not: {a}", "并非{a}")                      \
    X(CMP_MEASURE, "{a}: {b}", "{a}：{b}")                 \
    X(CMP_SIZE, "the number of {a}", "{a}的数量")          \
    X(CMP_ALL, "every item of {a} satisfies {b}", "{a}的每一项都满足{b}") \
    X(CMP_EXISTS, "an item of {a} satisfies {b}", "{a}中有一项满足{b}") \
    X(CMP_EXISTS_ONE, "exactly one item of {a} satisfies {b}", "{a}中恰有一项满足{b}")

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
/* Appends word [w] in [lang] to [b] with its placeholders filled: "{a}",
 * "{b}", "{n}", "{d}", "{e}", "{u}" by [a] and [bb] ... in that order of
 * letters: args[0] for {a}, args[1] for {b}, args[2] for {n}, args[3]
 * for {d}, args[4] for {e}, args[5] for {u} (NULL: "").  The words'
 * placeholders let each language put them where its grammar wants. */
void aeo_text_fill(aeo_buf *b, const char *lang, aeo_word w, const char *const args[6]);

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
