/* Text blocks, the catalog's `language` and `fixed`, and aeo's own words
 * (lang/text.h).
 *
 * Input: the checked catalog (its measures, defs, tiers, consts and facts
 * schema are resolved) and its AEO_DECL_TEXT declarations, each a list of
 * props whose `key` is the parsed path (IDENT, SELECT and INDEX nodes).
 * Output: diagnostics and c->texts, the merged keys per language, which
 * every printer asks through aeo_text_get.  Nothing here changes how a
 * catalog evaluates: a text block only relabels it, so it runs after the
 * checker on the same declarations and never touches the AST. */
#include "lang/text.h"

#include <stdlib.h>
#include <string.h>

#include "lang/check.h"
#include "lang/diag.h"

/* ---- aeo's own words ------------------------------------------------------ */

static const char *const words_en[] = {
#define X(name, en, zh) en,
    AEO_TEXT_WORDS(X)
#undef X
};
static const char *const words_zh[] = {
#define X(name, en, zh) zh,
    AEO_TEXT_WORDS(X)
#undef X
};

/* "zh", "zh_CN", "zh-Hant": Chinese; the tag's first subtag decides. */
static bool is_chinese(const char *lang) {
    return lang && lang[0] == 'z' && lang[1] == 'h' && (lang[2] == '\0' || lang[2] == '_' || lang[2] == '-');
}

const char *aeo_text_word(const char *lang, aeo_word w) {
    if ((unsigned)w >= AEO_WORD__COUNT) return "";
    return is_chinese(lang) ? words_zh[w] : words_en[w];
}

const char *aeo_text_outcome(const char *lang, int kind) {
    static const aeo_word by_kind[] = {AEO_WORD_APPLIES, AEO_WORD_NOT, AEO_WORD_UNDECIDED, AEO_WORD_ERROR};
    return kind >= 0 && kind < 4 ? aeo_text_word(lang, by_kind[kind]) : "";
}

void aeo_text_fill(aeo_buf *b, const char *lang, aeo_word w, const char *const args[6]) {
    static const char letters[] = "abndeu";
    const char *t = aeo_text_word(lang, w);
    while (*t) {
        const char *p = strchr(letters, t[1] ? t[1] : '!');
        if (t[0] == '{' && t[1] && p && t[2] == '}') {
            const char *a = args[p - letters];
            if (a) aeo_buf_puts(b, a);
            t += 3;
        } else {
            aeo_buf_putn(b, t, 1);
            t++;
        }
    }
}

/* ---- lookups ------------------------------------------------------------- */

static const aeo_text_lang *find_lang(const aeo_texts *t, const char *lang) {
    if (!t || !lang) return NULL;
    for (uint32_t i = 0; i < t->n_langs; i++)
        if (strcmp(t->langs[i].lang, lang) == 0) return &t->langs[i];
    return NULL;
}

static const aeo_prop *find_key(const aeo_text_lang *l, const char *key) {
    if (!l) return NULL;
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->props[i]->name, key) == 0) return l->props[i];
    return NULL;
}

bool aeo_text_has_lang(const aeo_catalog *c, const char *lang) {
    const aeo_texts *t = c->texts;
    return t && ((t->base && strcmp(t->base, lang) == 0) || find_lang(t, lang));
}

void aeo_text_langs(const aeo_catalog *c, aeo_buf *b) {
    const aeo_texts *t = c->texts;
    size_t start = b->len;
    if (t && t->base) aeo_buf_puts(b, t->base);
    for (uint32_t i = 0; t && i < t->n_langs; i++) {
        if (t->base && strcmp(t->langs[i].lang, t->base) == 0) continue;
        aeo_buf_printf(b, "%s%s", b->len > start ? ", " : "", t->langs[i].lang);
    }
    if (b->len == start) aeo_buf_puts(b, "none");
}

const char *aeo_text_get(const aeo_catalog *c, const char *lang, const char *key, const char *fallback) {
    const aeo_texts *t = c->texts;
    if (!lang || !t) return fallback;
    const aeo_prop *p = find_key(find_lang(t, lang), key);
    if (!p && t->base) p = find_key(find_lang(t, t->base), key);
    /* Only checked blocks get here: the value is a string literal. */
    return p && p->value && p->value->kind == AEO_EXPR_STRING ? p->value->u.str.s : fallback;
}

void aeo_text_set_display(aeo_catalog *c, const char *lang) {
    if (c->texts) c->texts->display = lang ? aeo_arena_strdup(c->arena, lang) : NULL;
}

const char *aeo_text_display(const aeo_catalog *c) { return c->texts ? c->texts->display : NULL; }

const char *aeo_text_measure(const aeo_catalog *c, const char *lang, const char *id, const char *prop,
                             const char *fallback) {
    if (!lang || !c->texts) return fallback;
    if (!prop || strcmp(prop, "title") == 0) return aeo_text_get(c, lang, id, fallback);
    aeo_buf key = {0};
    aeo_buf_printf(&key, "%s.%s", id, prop);
    const char *s = aeo_text_get(c, lang, key.data, fallback);
    aeo_buf_free(&key);
    return s;
}

/* ---- checking ------------------------------------------------------------ */

/* The text properties of a catalog block and of a measure, what a text
 * block may give in another language, are the string-valued ones of the
 * checker's property tables (aeo_check_block_props), but `language`, which
 * names a language rather than being written in one.  The others (dates,
 * conditions, tiers, the key) are code or data, the same in every
 * language. */
typedef struct {
    const char *text[32], *other[32];
    uint32_t n_text, n_other;
} block_props;

static void props_of(aeo_decl_kind kind, block_props *bp) {
    const char *names[64];
    bool is_string[64];
    uint32_t n = aeo_check_block_props(kind, names, is_string, 64);
    bp->n_text = bp->n_other = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool text = is_string[i] && strcmp(names[i], "language") != 0;
        if (text && bp->n_text < 32) bp->text[bp->n_text++] = names[i];
        else if (!text && bp->n_other < 32) bp->other[bp->n_other++] = names[i];
    }
    /* A measure's title is keyed by the ID alone (E0244 says so). */
    if (kind == AEO_DECL_MEASURE && bp->n_other < 32) bp->other[bp->n_other++] = "title";
}

static bool in_list(const char *const *l, uint32_t n, const char *s) {
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(l[i], s) == 0) return true;
    return false;
}

/* "a, b and c" */
static void join_words(aeo_buf *b, const char *const *w, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) aeo_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", w[i]);
}

/* A key split into its path: root name, the fields after it, and an enum
 * value in ["..."] at its end. */
typedef struct {
    const aeo_expr *segs[16];    /* IDENT, then SELECTs, outermost last */
    uint32_t n;
    const aeo_expr *index;       /* the INDEX node, or NULL */
} key_path;

static bool split_key(const aeo_expr *k, key_path *kp) {
    kp->n = 0;
    kp->index = NULL;
    if (k->kind == AEO_EXPR_INDEX) {
        if (k->u.index.index->kind != AEO_EXPR_STRING) return false;
        kp->index = k;
        k = k->u.index.operand;
    }
    const aeo_expr *rev[16];
    uint32_t n = 0;
    for (; k->kind == AEO_EXPR_SELECT; k = k->u.select.operand) {
        if (n == 15) return false;
        rev[n++] = k;
    }
    if (k->kind != AEO_EXPR_IDENT) return false;   /* an index in the middle */
    kp->segs[kp->n++] = k;
    while (n) kp->segs[kp->n++] = rev[--n];
    return true;
}

static const char *seg_name(const aeo_expr *e) {
    return e->kind == AEO_EXPR_IDENT ? e->u.ident.name : e->u.select.field;
}
static aeo_span seg_span(const aeo_expr *e) {
    return e->kind == AEO_EXPR_IDENT ? e->span : e->u.select.field_span;
}

static aeo_decl *find_decl(const aeo_decls *v, const char *name) {
    for (uint32_t i = 0; i < v->n; i++)
        if (v->items[i]->name && strcmp(v->items[i]->name, name) == 0) return v->items[i];
    return NULL;
}

/* Reports an unknown [name] at [at] among [cands]: "did you mean" when one
 * is close. */
static void unknown(aeo_catalog *c, aeo_diag_code code, aeo_span at, const char *what, const char *name,
                    const char *const *cands, uint32_t n, const char *hint) {
    const char *sug = aeo_suggest(name, cands, n);
    if (sug)
        aeo_diag_add(&c->diags, code, at, "%s '%s'%s; did you mean '%s'?", what, name, hint, sug);
    else
        aeo_diag_add(&c->diags, code, at, "%s '%s'%s", what, name, hint);
}

/* The source text a key relabels, for W0230 (NULL: none to compare). */
static const char *source_text(const aeo_catalog *c, const aeo_prop *p, const key_path *kp) {
    const char *root = seg_name(kp->segs[0]);
    if (kp->index) return kp->index->u.index.index->u.str.s;
    if (kp->n == 1) {
        aeo_decl *m = find_decl(&c->measures, root);
        return m ? m->title : root;
    }
    const aeo_decl *owner = strcmp(root, "catalog") == 0 ? c->catalog : find_decl(&c->measures, root);
    if (owner && kp->n == 2) {
        const aeo_prop *q = aeo_decl_prop(owner, seg_name(kp->segs[1]));
        return q && q->value && q->value->kind == AEO_EXPR_STRING ? q->value->u.str.s : NULL;
    }
    /* A field's label: the field's name. */
    (void)p;
    return seg_name(kp->segs[kp->n - 1]);
}

/* Whether the source gives [key] a text of its own (a measure's title, a
 * property the measure or catalog block has), so the base language need
 * not repeat it in a text block. */
static bool source_has(const aeo_catalog *c, const char *key) {
    const char *dot = strchr(key, '.');
    if (strchr(key, '[')) return false;
    if (!dot) return find_decl(&c->measures, key) != NULL;
    size_t n = (size_t)(dot - key);
    const aeo_decl *owner = NULL;
    if (n == 7 && strncmp(key, "catalog", 7) == 0) owner = c->catalog;
    else
        for (uint32_t i = 0; i < c->measures.n; i++)
            if (strlen(c->measures.items[i]->name) == n && strncmp(c->measures.items[i]->name, key, n) == 0)
                owner = c->measures.items[i];
    return owner && !strchr(dot + 1, '.') && aeo_decl_prop(owner, dot + 1);
}

/* Checks one key; true when it names something that takes a text. */
static bool check_key(aeo_catalog *c, const aeo_prop *p) {
    key_path kp;
    if (!p->key || !split_key(p->key, &kp)) {
        aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, p->name_span,
                     "'%s' is not a text key: write a name path (%s.benefit, %s.%s), with an enum value "
                     "in [\"...\"] at its end",
                     p->name, c->measures.n ? c->measures.items[0]->name : "M01", aeo_catalog_root_word(c),
                     aeo_catalog_example_field(c, false));
        return false;
    }
    const char *root = seg_name(kp.segs[0]);
    aeo_decl *m = find_decl(&c->measures, root);
    bool is_catalog = strcmp(root, "catalog") == 0;
    bool is_facts = c->root_name && strcmp(root, c->root_name) == 0;
    if (kp.index && !is_facts) {
        aeo_diag_add(&c->diags, AEO_E_TEXT_ENUM, kp.index->span,
                     "only a fact field of an enum type has value labels; '%s' is not a fact field", root);
        return false;
    }
    /* catalog.PROP, M01.PROP: a text property. */
    if (is_catalog || m) {
        block_props bp;
        props_of(is_catalog ? AEO_DECL_CATALOG : AEO_DECL_MEASURE, &bp);
        const char *const *text = bp.text, *const *other = bp.other;
        uint32_t n_text = bp.n_text, n_other = bp.n_other;
        if (kp.n == 1) {
            if (m) return true;   /* M01: the title */
            aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, p->name_span,
                         "'catalog' alone is not a text key; name one of its text properties, as in catalog.title");
            return false;
        }
        const char *prop = seg_name(kp.segs[1]);
        aeo_span at = seg_span(kp.segs[1]);
        if (kp.n > 2) {
            aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, seg_span(kp.segs[2]), "'%s.%s' has no parts to label", root, prop);
            return false;
        }
        if (in_list(text, n_text, prop)) return true;
        if (in_list(other, n_other, prop)) {
            if (m && strcmp(prop, "title") == 0)
                aeo_diag_add(&c->diags, AEO_E_TEXT_PROP, at, "a measure's title is keyed by its ID alone: write '%s'",
                             root);
            else {
                aeo_buf words = {0};
                join_words(&words, text, n_text);
                aeo_diag_add(&c->diags, AEO_E_TEXT_PROP, at,
                             "'%s' is not a text property of %s: only %s take a text in another language", prop,
                             is_catalog ? "the catalog" : "a measure", words.data);
                aeo_buf_free(&words);
            }
            return false;
        }
        unknown(c, AEO_E_TEXT_KEY, at, is_catalog ? "the catalog has no text property" : "measures have no text property",
                prop, text, n_text, "");
        return false;
    }
    /* A fact field, nested or not, or an enum value. */
    if (is_facts) {
        const aeo_record_type *rt = c->root;
        const aeo_type *t = NULL;
        for (uint32_t i = 1; i < kp.n; i++) {
            const char *f = seg_name(kp.segs[i]);
            if (!rt) {
                aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, seg_span(kp.segs[i]), "'%s' has no fields: it is not a record",
                             seg_name(kp.segs[i - 1]));
                return false;
            }
            const aeo_field *fd = aeo_record_type_field(rt, f);
            if (!fd) {
                const char *cands[256];
                uint32_t n = 0;
                for (uint32_t j = 0; j < rt->n_fields && n < 256; j++) cands[n++] = rt->fields[j].name;
                aeo_buf what = {0};
                aeo_buf_printf(&what, "unknown field '%s' on '%s'", f, rt->name ? rt->name : seg_name(kp.segs[i - 1]));
                const char *sug = aeo_suggest(f, cands, n);
                if (sug) aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, seg_span(kp.segs[i]), "%s; did you mean '%s'?", what.data, sug);
                else aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, seg_span(kp.segs[i]), "%s", what.data);
                aeo_buf_free(&what);
                return false;
            }
            t = fd->type;
            /* A list of records labels its elements' fields. */
            while (t && (t->kind == AEO_T_LIST || t->kind == AEO_T_MAP)) t = t->elem;
            rt = t && t->kind == AEO_T_RECORD ? t->rec : NULL;
        }
        if (!kp.index) return true;
        if (!t || t->kind != AEO_T_ENUM) {
            aeo_diag_add(&c->diags, AEO_E_TEXT_ENUM, kp.index->span,
                         "'%s' is not of an enum type: only enum values have labels",
                         kp.n > 1 ? seg_name(kp.segs[kp.n - 1]) : root);
            return false;
        }
        const char *v = kp.index->u.index.index->u.str.s;
        for (uint32_t i = 0; i < t->n_enum; i++)
            if (strcmp(t->enum_values[i], v) == 0) return true;
        const char *sug = aeo_suggest(v, t->enum_values, t->n_enum);
        if (sug)
            aeo_diag_add(&c->diags, AEO_E_TEXT_ENUM, kp.index->u.index.index->span,
                         "\"%s\" is not a value of '%s'; did you mean \"%s\"?", v, seg_name(kp.segs[kp.n - 1]), sug);
        else
            aeo_diag_add(&c->diags, AEO_E_TEXT_ENUM, kp.index->u.index.index->span, "\"%s\" is not a value of '%s'", v,
                         seg_name(kp.segs[kp.n - 1]));
        return false;
    }
    /* A def, tier, const or function: its label. */
    if (find_decl(&c->defs, root) || find_decl(&c->tiers, root) || find_decl(&c->consts, root)) {
        if (kp.n == 1) return true;
        aeo_diag_add(&c->diags, AEO_E_TEXT_KEY, seg_span(kp.segs[1]),
                     "'%s' takes one label, keyed by its name alone; it has no parts to label", root);
        return false;
    }
    /* Nothing of that name: suggest among everything that takes a text. */
    uint32_t cap = c->measures.n + c->defs.n + c->tiers.n + c->consts.n + 2, n = 0;
    const char **cands = malloc(cap * sizeof *cands);
    if (cands) {
        cands[n++] = "catalog";
        if (c->root_name) cands[n++] = c->root_name;
        const aeo_decls *lists[] = {&c->measures, &c->defs, &c->tiers, &c->consts};
        for (uint32_t l = 0; l < 4; l++)
            for (uint32_t i = 0; i < lists[l]->n; i++) cands[n++] = lists[l]->items[i]->name;
    }
    unknown(c, AEO_E_TEXT_KEY, seg_span(kp.segs[0]), "unknown text key", root, cands, cands ? n : 0,
            ": no measure, def, tier, const or fact field has that name");
    free(cands);
    return false;
}

static aeo_text_lang *lang_of(aeo_catalog *c, aeo_texts *t, const aeo_decl *d) {
    for (uint32_t i = 0; i < t->n_langs; i++)
        if (strcmp(t->langs[i].lang, d->name) == 0) return &t->langs[i];
    t->langs = aeo_arena_realloc(c->arena, t->langs, t->n_langs * sizeof *t->langs,
                                 (t->n_langs + 1) * sizeof *t->langs);
    aeo_text_lang *l = &t->langs[t->n_langs++];
    *l = (aeo_text_lang){.lang = d->name, .first = d};
    return l;
}

static void lang_push(aeo_catalog *c, aeo_text_lang *l, const aeo_prop *p) {
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 16;
        l->props = aeo_arena_realloc(c->arena, l->props, l->cap * sizeof *l->props, nc * sizeof *l->props);
        l->cap = nc;
    }
    l->props[l->n++] = p;
}

/* catalog { fixed: [enterprise.uscc, ...] }: each item a path to a fact
 * field of the schema. */
static void check_fixed(aeo_catalog *c, aeo_texts *t, const aeo_expr *v) {
    const aeo_expr *const *items = &v;
    uint32_t n = 1;
    if (v->kind == AEO_EXPR_LIST) {
        items = (const aeo_expr *const *)v->u.list.items;
        n = v->u.list.n;
    }
    t->fixed = aeo_arena_zalloc(c->arena, (n ? n : 1) * sizeof *t->fixed);
    for (uint32_t i = 0; i < n; i++) {
        const aeo_expr *e = items[i];
        key_path kp;
        bool ok = e->kind != AEO_EXPR_INDEX && split_key(e, &kp) && kp.n > 1 && c->root_name &&
                  strcmp(seg_name(kp.segs[0]), c->root_name) == 0;
        const aeo_record_type *rt = c->root;
        for (uint32_t k = 1; ok && k < kp.n; k++) {
            const aeo_field *fd = rt ? aeo_record_type_field(rt, seg_name(kp.segs[k])) : NULL;
            if (!fd) {
                const char *cands[256];
                uint32_t nc = 0;
                for (uint32_t j = 0; rt && j < rt->n_fields && nc < 256; j++) cands[nc++] = rt->fields[j].name;
                unknown(c, AEO_E_FIXED_PATH, seg_span(kp.segs[k]), "'fixed' names an unknown field",
                        seg_name(kp.segs[k]), cands, nc, "");
                ok = false;
                break;
            }
            rt = fd->type->kind == AEO_T_RECORD ? fd->type->rec : NULL;
            if (k + 1 == kp.n) {
                char *text = aeo_expr_text(e, NULL);
                for (uint32_t j = 0; j < t->n_fixed; j++)
                    if (strcmp(t->fixed[j], text) == 0) {
                        aeo_diag_add(&c->diags, AEO_E_FIXED_PATH, e->span, "'fixed' lists '%s' twice", text);
                        ok = false;
                    }
                if (ok) t->fixed[t->n_fixed++] = aeo_arena_strdup(c->arena, text);
                free(text);
            }
        }
        if (!ok && !(e->kind == AEO_EXPR_SELECT && kp.n > 1 && c->root_name &&
                     strcmp(seg_name(kp.segs[0]), c->root_name) == 0))
            aeo_diag_add(&c->diags, AEO_E_FIXED_PATH, e->span,
                         "'fixed' lists fact paths, as in [%s.%s]; this is not one", aeo_catalog_root_word(c),
                         aeo_catalog_example_field(c, false));
    }
}

bool aeo_text_check(aeo_catalog *c) {
    uint32_t errors_before = c->diags.n_errors;
    aeo_texts *t = aeo_arena_zalloc(c->arena, sizeof *t);
    c->texts = t;
    if (c->catalog) {
        const aeo_prop *p = aeo_decl_prop(c->catalog, "language");
        /* The checker (catalog_props) has said it must be a string. */
        if (p && p->value && p->value->kind == AEO_EXPR_STRING) t->base = p->value->u.str.s;
        if ((p = aeo_decl_prop(c->catalog, "fixed")) && p->value && p->value->kind != AEO_EXPR_ERROR)
            check_fixed(c, t, p->value);
    }
    for (uint32_t f = 0; f < c->n_files; f++) {
        for (uint32_t i = 0; i < c->files[f].n_decls; i++) {
            const aeo_decl *d = &c->files[f].decls[i];
            if (d->kind != AEO_DECL_TEXT) continue;
            aeo_text_lang *l = lang_of(c, t, d);
            for (uint32_t k = 0; k < d->n_props; k++) {
                const aeo_prop *p = &d->props[k];
                if (p->value && p->value->kind == AEO_EXPR_ERROR) continue;
                bool ok = check_key(c, p);
                if (p->value && p->value->kind != AEO_EXPR_STRING) {
                    aeo_diag_add(&c->diags, AEO_E_TEXT_VALUE, p->value->span,
                                 "a text is a string literal, as in %s: \"...\"", p->name);
                    ok = false;
                }
                const aeo_prop *first = find_key(l, p->name);
                if (first) {
                    aeo_diag *g = aeo_diag_add(&c->diags, AEO_E_TEXT_TWICE, p->name_span,
                                               "text %s gives '%s' twice", l->lang, p->name);
                    aeo_diag_note(&c->diags, g, &first->name_span, "first given here");
                    continue;
                }
                if (ok) lang_push(c, l, p);
            }
        }
    }
    return c->diags.n_errors == errors_before;
}

/* The warnings are lints (aeo check runs them, and `aeo:allow` silences
 * them); eval and the REPL, which build to AEO_BUILD_COMPILE, do not
 * print them on every run. */
void aeo_text_lint(aeo_catalog *c) {
    aeo_texts *t = c->texts;
    if (!t) return;
    /* W0230: the base language's block repeating the source text. */
    for (uint32_t i = 0; t->base && i < t->n_langs; i++) {
        aeo_text_lang *l = &t->langs[i];
        if (strcmp(l->lang, t->base) != 0) continue;
        for (uint32_t k = 0; k < l->n; k++) {
            const aeo_prop *p = l->props[k];
            key_path kp;
            const char *src = split_key(p->key, &kp) ? source_text(c, p, &kp) : NULL;
            if (src && strcmp(src, p->value->u.str.s) == 0)
                aeo_diag_add(&c->diags, AEO_E_W_TEXT_SAME, p->value->span,
                             "text %s is the catalog's base language, and this repeats the source text of '%s'",
                             l->lang, p->name);
        }
    }
    /* W0231: a language that lacks a key another one gives (the base
     * language need not repeat what the source already says). */
    for (uint32_t i = 0; i < t->n_langs; i++) {
        aeo_text_lang *l = &t->langs[i];
        bool is_base = t->base && strcmp(l->lang, t->base) == 0;
        const char *first_missing = NULL, *from = NULL;
        uint32_t missing = 0;
        for (uint32_t j = 0; j < t->n_langs; j++) {
            if (j == i) continue;
            for (uint32_t k = 0; k < t->langs[j].n; k++) {
                const char *key = t->langs[j].props[k]->name;
                if (find_key(l, key) || (is_base && source_has(c, key))) continue;
                /* Counted once however many languages give it. */
                bool seen = false;
                for (uint32_t j2 = 0; j2 < j && !seen; j2++)
                    if (j2 != i && find_key(&t->langs[j2], key)) seen = true;
                if (seen) continue;
                if (!missing++) first_missing = key, from = t->langs[j].lang;
            }
        }
        if (missing)
            aeo_diag_add(&c->diags, AEO_E_W_TEXT_MISSING, l->first->name_span,
                         "text %s has no '%s', which text %s gives%s; without %s %s falls back to %s", l->lang,
                         first_missing, from,
                         missing > 1 ? aeo_arena_printf(c->arena, " (and %u more)", missing - 1) : "",
                         missing > 1 ? "them" : "it", l->lang, t->base && !is_base ? t->base : "the source text");
    }
}
