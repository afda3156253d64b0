/* `aeo why`: per facts record, the statement an officer can hand to an
 * enterprise (DESIGN.md 7.4): the measures granted, those not granted with
 * the reasons in words and what would make them apply, those undecided with
 * the facts to provide.  The statement itself is lang/why.c's; this file
 * reads the records (the facts reader of aeo eval), picks --record's range
 * and writes through the output layer (out.c).
 *
 * A record that cannot be read gets an error entry in the chosen format and
 * the others are still stated, as aeo eval does; the exit status is then 1
 * (also when a measure failed with a runtime error). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/catalog.h"
#include "lang/cli/cli.h"
#include "lang/solve.h"
#include "lang/text.h"
#include "lang/why.h"
#include "runtime/celtime.h"
#include "runtime/facts.h"
#include "runtime/outcome.h"
#include "runtime/vm.h"

const aeo_cli_choice aeo_cli_why_formats[] = {{"text", AEO_WHY_TEXT},
                                              {"markdown", AEO_WHY_MARKDOWN},
                                              {"html", AEO_WHY_HTML},
                                              {"json", AEO_WHY_JSON},
                                              {NULL, 0}};

bool aeo_cli_parse_records(const char *s, uint64_t *from, uint64_t *to) {
    char *end;
    if (*s < '0' || *s > '9') return false;
    errno = 0;
    unsigned long long a = strtoull(s, &end, 10), b = a;
    if (errno || a == 0) return false;
    if (*end == '-') {
        const char *t = end + 1;
        if (*t < '0' || *t > '9') return false;
        b = strtoull(t, &end, 10);
        if (errno || b < a) return false;
    }
    if (*end) return false;
    *from = a;
    *to = b;
    return true;
}

/* Writes [b] to stdout, the separator between records first. */
static bool put(aeo_buf *b, bool *wrote, aeo_why_format fmt) {
    if (*wrote && (fmt == AEO_WHY_TEXT)) fputs("\n", stdout);
    *wrote = true;
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, stdout) == b->len;
    b->len = 0;
    return ok;
}

int aeo_cli_why(const aeo_cli_opts *o, int chosen) {
    aeo_why_format fmt = (aeo_why_format)chosen;
    if (!o->facts) return aeo_cli_usage_error("%s", "why needs --facts FILE (or --facts - for stdin)");
    uint64_t from = 1, to = UINT64_MAX;
    if (o->record && !aeo_cli_parse_records(o->record, &from, &to))
        return aeo_cli_usage_error("--record: '%s' is not a record number N or a range N-M (from 1, N <= M)",
                                   o->record);
    aeo_value as_of = aeo_timestamp(aeo_time_today_utc(), 0);
    if (o->as_of && !aeo_cli_parse_as_of(o->as_of, &as_of))
        return aeo_cli_usage_error("--as-of: '%s' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", o->as_of);
    int st = EXIT_OK;
    aeo_catalog *c = aeo_cli_load(o, &st);
    if (!c) return st;
    if (!aeo_cli_check_lang(c, o->lang, &st)) {
        aeo_catalog_free(c);
        return st;
    }
    aeo_program *p = c->program;
    if (!p->root) {
        fprintf(stderr, "aeo: the catalog has no facts schema\n");
        aeo_catalog_free(c);
        return EXIT_FINDINGS;
    }
    /* --measure: those, in catalog order; none: all. */
    uint32_t n_sel;
    uint32_t *sel = aeo_cli_select_measures(o, p, &n_sel, &st);
    FILE *in = st == EXIT_OK ? aeo_cli_open_facts(o, &st) : NULL;
    if (st != EXIT_OK) {
        free(sel);
        aeo_catalog_free(c);
        return st;
    }
    aeo_solver *solver = aeo_solver_new(c);
    aeo_why_opts wo = {o->lang, sel, n_sel, solver, 3, fmt};
    aeo_facts_reader *rd = aeo_facts_reader_new(in, o->facts);
    aeo_facts_reader_set_validate(rd, false);
    aeo_vm *vm = aeo_vm_new(p);
    aeo_vm_set_as_of(vm, as_of);
    aeo_buf out = {0}, keybuf = {0};
    bool wrote = false, failed_write = false;
    uint64_t recno = 0, stated = 0, bad = 0, errors = 0;
    char *ioerr = NULL;
    aeo_why_begin(c, &wo, as_of, &out);
    if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) failed_write = true;
    out.len = 0;
    for (;;) {
        aeo_facts_item item;
        aeo_facts_status fs = aeo_facts_next(rd, &item);
        if (fs == AEO_FACTS_EOF) break;
        if (fs == AEO_FACTS_IOERR) {
            ioerr = aeo_xstrdup(item.error);
            break;
        }
        recno++;
        if (recno < from) continue;
        if (recno > to) break;
        stated++;
        const char *error = NULL;
        aeo_value rec;
        aeo_vm_begin(vm, aeo_null());
        if (fs == AEO_FACTS_BAD) {
            error = item.error;
        } else if (!aeo_facts_decode(aeo_vm_arena(vm), p->root, p->root_name, item.text, item.len, item.line, &rec,
                                     &error)) {
            if (strncmp(error, "line ", 5) != 0)
                error = aeo_arena_printf(aeo_vm_arena(vm), "line %llu: %s", (unsigned long long)item.line, error);
        }
        if (error) {
            bad++;
            aeo_why_bad_record(c, &wo, recno, error, &out);
        } else {
            aeo_vm_begin(vm, rec);
            const char *key = aeo_outcome_key(vm, p->key, &keybuf);
            errors += aeo_why_record(c, vm, &wo, recno, key, &out);
        }
        aeo_vm_end(vm);
        if (!put(&out, &wrote, fmt) || aeo_cli_out_failed()) {
            failed_write = true;
            break;
        }
    }
    if (!failed_write) {
        aeo_why_end(c, &wo, &out);
        if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) failed_write = true;
    }
    if (ioerr) {
        fflush(stdout);
        fprintf(stderr, "aeo: %s\n", ioerr);
        st = EXIT_USAGE;
    } else if (stated == 0 && !failed_write) {
        fflush(stdout);
        if (o->record)
            fprintf(stderr, "aeo: --record %s: %s has %llu record%s\n", o->record, o->facts,
                    (unsigned long long)recno, recno == 1 ? "" : "s");
        else
            fprintf(stderr, "aeo: %s has no records\n", o->facts);
        st = EXIT_USAGE;
    }
    if (!aeo_cli_out_flush() || failed_write) {
        aeo_cli_out_report();
        st = EXIT_USAGE;
    }
    if (st == EXIT_OK && (bad || errors)) st = EXIT_FINDINGS;
    if (bad)
        fprintf(stderr, "aeo: %llu of %llu record%s could not be read\n", (unsigned long long)bad,
                (unsigned long long)stated, stated == 1 ? "" : "s");
    if (errors)
        fprintf(stderr, "aeo: %llu record%s had measures that failed with a runtime error\n",
                (unsigned long long)errors, errors == 1 ? "" : "s");
    free(ioerr);
    aeo_buf_free(&out);
    aeo_buf_free(&keybuf);
    aeo_vm_free(vm);
    aeo_facts_reader_free(rd);
    if (in != stdin) fclose(in);
    aeo_solver_free(solver);
    free(sel);
    aeo_catalog_free(c);
    return st;
}
