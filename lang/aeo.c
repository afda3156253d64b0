/* The embedding API (aeo.h) on top of the pipeline and the VM.
 *
 * A public aeo_catalog IS the internal struct aeo_catalog of catalog.h
 * (opaque to embedders, as lua_State is): aeo_catalog_load builds it with
 * aeo_catalog_build, the same entry point `aeo check` and `aeo eval` use,
 * and aeo_catalog_free is the catalog's own destructor.  An evaluator is a
 * VM on the catalog's program plus the last record's results.
 *
 * Sharing: after loading, nothing writes into the catalog or its program.
 * A VM keeps everything it computes (memos, the regex cache, decoded facts,
 * every value) in memory of its own; the program's constants, including the
 * hash indexes of constant lists, are built by the compiler before the
 * catalog is handed out.  The VM's time-zone cache is process-wide and
 * locked.  tests/embed/README says how this was checked with
 * ThreadSanitizer.  Explain (which compiles subexpressions into the catalog)
 * is not reachable from here.
 *
 * Results are computed eagerly in aeo_evaluate (the accessors take a const
 * evaluator and never write): the jsonl line costs about as much as
 * classifying, which is little against decoding the record. */
#include "lang/aeo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/catalog.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"

struct aeo_evaluator {
    const aeo_catalog *c;
    const aeo_program *p;
    aeo_vm *vm;
    bool in_record;              /* the VM holds the last record (aeo_vm_end not yet called) */
    bool ok;                     /* the last aeo_evaluate returned 0 */
    bool done;                   /* aeo_evaluate has been called */
    aeo_value *values;           /* per measure: the VM's answer */
    aeo_measure_outcome *outs;   /* per measure: classified */
    bool valued;                 /* the catalog has valued measures ("values" in the result line) */
    aeo_value *granted;          /* per measure: what it grants (a NULL value: nothing) */
    const char **value_json;     /* per measure: that as JSON, or NULL */
    aeo_buf scratch;             /* the jsonl writer's */
    aeo_outcome_ids ids;         /* the IDs, for the jsonl writer */
    aeo_buf json, key, error;
};

/* ---- catalogs ---------------------------------------------------------------- */

aeo_catalog *aeo_catalog_load(const char *const *paths, size_t npaths, char **diagnostics) {
    if (diagnostics) *diagnostics = NULL;
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = 50;   /* aeo check's default */
    aeo_buf text = {0};
    bool ok = true;
    if (npaths == 0) {
        aeo_buf_puts(&text, "aeo: no rule files given\n");
        ok = false;
    }
    for (size_t i = 0; ok && i < npaths; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, paths[i], &err)) {
            aeo_buf_printf(&text, "aeo: %s: %s\n", aeo_catalog_failed_path(c, paths[i]), err);
            ok = false;
        }
    }
    if (ok) {
        /* The lints do not make a catalog unusable, but running them keeps
         * the diagnostics text exactly what `aeo check` prints. */
        ok = aeo_catalog_build(c, AEO_BUILD_LINT);
        if (!ok) {
            char *mem = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&mem, &len);
            if (f) {
                aeo_diags_print(&c->diags, &c->sources, f, false);
                fclose(f);
                aeo_buf_putn(&text, mem, len);
                free(mem);
            }
            aeo_buf_printf(&text, "%u error%s, %u warning%s\n", c->diags.n_errors, c->diags.n_errors == 1 ? "" : "s",
                           c->diags.n_warnings, c->diags.n_warnings == 1 ? "" : "s");
        } else if (!c->program->root) {
            aeo_buf_puts(&text, "aeo: the catalog has no facts schema\n");
            ok = false;
        }
    }
    if (ok) {
        aeo_buf_free(&text);
        return c;
    }
    if (diagnostics) *diagnostics = text.data ? text.data : aeo_xstrdup("");
    else aeo_buf_free(&text);
    aeo_catalog_free(c);
    return NULL;
}

char *aeo_check_json(const char *const *paths, size_t npaths, size_t *errors, size_t *warnings) {
    if (errors) *errors = 0;
    if (warnings) *warnings = 0;
    if (npaths == 0) return NULL;
    aeo_catalog *c = aeo_catalog_new();
    c->diags.max_errors = 50;
    for (size_t i = 0; i < npaths; i++) {
        const char *err = NULL;
        if (!aeo_catalog_add_path(c, paths[i], &err)) {
            aeo_catalog_free(c);
            return NULL;
        }
    }
    aeo_catalog_build(c, AEO_BUILD_LINT);
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (f) {
        aeo_diags_render(&c->diags, &c->sources, AEO_DIAG_JSON, f, false);
        fclose(f);
    }
    if (errors) *errors = c->diags.n_errors;
    if (warnings) *warnings = c->diags.n_warnings;
    aeo_catalog_free(c);
    return mem ? mem : aeo_xstrdup("");
}

size_t aeo_catalog_size(const aeo_catalog *c) { return c->program->n_measures; }

const char *aeo_measure_id(const aeo_catalog *c, size_t i) {
    return i < c->program->n_measures ? c->program->measures[i].id : NULL;
}

const char *aeo_measure_title(const aeo_catalog *c, size_t i) {
    return i < c->program->n_measures ? c->program->measures[i].title : NULL;
}

const char *aeo_measure_value_type(const aeo_catalog *c, size_t i) {
    return i < c->program->n_measures ? c->program->measures[i].value_type_name : NULL;
}

const char *aeo_measure_unit(const aeo_catalog *c, size_t i) {
    return i < c->program->n_measures ? c->program->measures[i].unit : NULL;
}

long aeo_measure_index(const aeo_catalog *c, const char *id) {
    return id ? (long)aeo_program_measure(c->program, id) : -1;
}

/* ---- evaluators ---------------------------------------------------------------- */

aeo_evaluator *aeo_evaluator_new(const aeo_catalog *c) {
    aeo_evaluator *e = aeo_xcalloc(1, sizeof *e);
    const aeo_program *p = c->program;
    uint32_t n = p->n_measures;
    e->c = c;
    e->p = p;
    e->vm = aeo_vm_new(p);
    e->values = aeo_xcalloc(n + 1, sizeof *e->values);
    e->outs = aeo_xcalloc(n + 1, sizeof *e->outs);
    e->value_json = aeo_xcalloc(n + 1, sizeof *e->value_json);
    e->granted = aeo_xcalloc(n + 1, sizeof *e->granted);
    e->valued = p->valued;
    aeo_outcome_ids_init(&e->ids, p, NULL, n);
    return e;
}

void aeo_evaluator_free(aeo_evaluator *e) {
    if (!e) return;
    if (e->in_record) aeo_vm_end(e->vm);
    aeo_vm_free(e->vm);
    aeo_outcome_ids_free(&e->ids);
    free(e->values);
    free(e->outs);
    free(e->value_json);
    free(e->granted);
    aeo_buf_free(&e->scratch);
    aeo_buf_free(&e->json);
    aeo_buf_free(&e->key);
    aeo_buf_free(&e->error);
    free(e);
}

/* e->granted[i] (aeo_outcome_granted's) as JSON in the record's arena, or
 * NULL when measure [i] grants nothing for this record. */
static const char *granted_value_json(aeo_evaluator *e, uint32_t i) {
    if (e->granted[i].kind == AEO_V_NULL) return NULL;
    aeo_buf b = {0};
    aeo_value_to_json(&b, e->granted[i]);
    const char *text = aeo_arena_strdup(aeo_vm_arena(e->vm), b.data ? b.data : "");
    aeo_buf_free(&b);
    return text;
}

/* Fails the evaluation with [msg]: the error, and {"error": msg} as the
 * result line. */
static int fail(aeo_evaluator *e, const char *msg) {
    e->error.len = 0;
    aeo_buf_puts(&e->error, msg);
    aeo_buf_puts(&e->json, "{\"error\":");
    aeo_buf_json_string(&e->json, msg, strlen(msg));
    aeo_buf_puts(&e->json, "}");
    return -1;
}

int aeo_evaluate(aeo_evaluator *e, const char *json, size_t len, const char *as_of) {
    const aeo_program *p = e->p;
    aeo_vm *vm = e->vm;
    /* The last record's results are dropped only now: they were valid
     * until this call. */
    if (e->in_record) aeo_vm_end(vm);
    e->in_record = false;
    e->ok = false;
    e->done = true;
    e->json.len = 0;
    aeo_value date = aeo_timestamp(aeo_time_today_utc(), 0);
    if (as_of) {
        int64_t sec;
        int32_t ns;
        if (!aeo_time_parse_timestamp(as_of, strlen(as_of), &sec, &ns)) {
            aeo_buf msg = {0};
            aeo_buf_printf(&msg, "as_of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", as_of);
            int r = fail(e, msg.data);
            aeo_buf_free(&msg);
            return r;
        }
        date = aeo_timestamp(sec, ns);
    }
    aeo_vm_set_as_of(vm, date);
    aeo_vm_begin(vm, aeo_null());
    e->in_record = true;
    aeo_value rec;
    const char *error = NULL;
    if (!json) return fail(e, "no record (NULL)");
    /* Line 1: a syntax error's "line L, column C" counts in [json]; schema
     * errors name the field path (aeo eval adds "line N: " before them). */
    if (!aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, json, len, 1, &rec, &error))
        return fail(e, error);
    aeo_vm_begin(vm, rec);
    uint32_t n = p->n_measures;
    aeo_vm_measures(vm, NULL, n, e->values);
    aeo_outcome_classify_all(aeo_vm_arena(vm), e->values, n, e->outs);
    aeo_outcome_granted(vm, NULL, n, e->outs, e->granted);
    for (uint32_t k = 0; k < n; k++) e->value_json[k] = granted_value_json(e, k);
    const char *key = aeo_outcome_key(vm, p->key, &e->key);
    aeo_outcome_record r = {false, 0, p->key != NULL, key, n, e->outs, &e->ids,
                            &e->scratch, e->valued ? e->granted : NULL};
    aeo_outcome_write_json(&e->json, &r);
    e->ok = true;
    return 0;
}

aeo_outcome aeo_outcome_of(const aeo_evaluator *e, size_t i) {
    if (!e->ok || i >= e->p->n_measures) return AEO_ERROR;
    switch (e->outs[i].kind) {
    case AEO_OUTCOME_APPLIES: return AEO_APPLIES;
    case AEO_OUTCOME_NOT: return AEO_NOT;
    case AEO_OUTCOME_UNDECIDED: return AEO_UNDECIDED;
    case AEO_OUTCOME_ERROR: break;
    }
    return AEO_ERROR;
}

const char *aeo_value_json(const aeo_evaluator *e, size_t i) {
    return e->ok && i < e->p->n_measures ? e->value_json[i] : NULL;
}

const char *aeo_result_json(const aeo_evaluator *e) { return e->done ? e->json.data : NULL; }

const char *aeo_evaluator_error(const aeo_evaluator *e) { return e->done && !e->ok ? e->error.data : NULL; }

size_t aeo_missing_count(const aeo_evaluator *e, size_t i) {
    if (!e->ok || i >= e->p->n_measures || e->outs[i].kind != AEO_OUTCOME_UNDECIDED) return 0;
    return e->outs[i].detail.as.unk->n;
}

const char *aeo_missing_fact(const aeo_evaluator *e, size_t i, size_t k) {
    return k < aeo_missing_count(e, i) ? e->outs[i].detail.as.unk->paths[k] : NULL;
}

const char *aeo_error_message(const aeo_evaluator *e, size_t i) {
    if (!e->ok || i >= e->p->n_measures || e->outs[i].kind != AEO_OUTCOME_ERROR) return NULL;
    return e->outs[i].detail.as.e->msg;
}
