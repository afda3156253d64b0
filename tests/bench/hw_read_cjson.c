/* hw_read_cjson.c: the hand-written baselines' reader on cJSON (hw_read.h),
 * the JSON library aeo uses (DESIGN §4).
 *
 * The file is read in 1 MiB blocks and split at newlines with memchr; each
 * line is parsed with cJSON_ParseWithLength into a bump allocator rewound per
 * line (cJSON's documented hooks: aeo does the same, so both pay the same
 * parser); one pass over the object's members picks the fields the schema
 * declares (a small hash table from key to field), then the fields are
 * checked in schema order.  It takes what cJSON takes: no RFC 8259 or UTF-8
 * validation beyond cJSON's (cJSON accepts leading zeros, invalid UTF-8,
 * trailing bytes, control characters in strings), which is one of the
 * guarantees aeo pays for, and a syntax error gets a plainer message. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hw_read.h"

/* ---- cJSON's allocations ---------------------------------------------------- */

static char *bump;
static size_t bump_used, bump_cap;

static void *bump_alloc(size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (bump_used + n > bump_cap) return malloc(n);   /* a huge record: left to malloc, never freed */
    void *p = bump + bump_used;
    bump_used += n;
    return p;
}

static void bump_free(void *p) {
    if ((char *)p < bump || (char *)p >= bump + bump_cap) free(p);
}

/* ---- key -> field: open addressing over FNV-1a, 128 slots ----------------- */

static int8_t slot_field[128];

static uint32_t fnv(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void init_fields(void) {
    memset(slot_field, -1, sizeof slot_field);
    for (int f = 0; f < HW_N_FIELDS; f++) {
        uint32_t i = fnv(hw_field_info[f].name) & 127;
        while (slot_field[i] >= 0) i = (i + 1) & 127;
        slot_field[i] = (int8_t)f;
    }
}

static int lookup(const char *key) {
    uint32_t i = fnv(key) & 127;
    while (slot_field[i] >= 0) {
        if (strcmp(hw_field_info[slot_field[i]].name, key) == 0) return slot_field[i];
        i = (i + 1) & 127;
    }
    return -1;
}

/* ---- decoding with aeo's error messages ------------------------------------- */

static char errmsg[512];

static bool fail(int f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(int f, const char *fmt, ...) {
    int n = snprintf(errmsg, sizeof errmsg, "enterprise.%s: ", hw_field_info[f].name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg + n, sizeof errmsg - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static const char *json_kind(const cJSON *j) {
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsBool(j)) return "bool";
    if (cJSON_IsNumber(j)) return "number";
    if (cJSON_IsString(j)) return "string";
    if (cJSON_IsArray(j)) return "array";
    return "object";
}

/* [s] quoted for a message: escaped, cut after 60 bytes. */
static const char *quote(const char *s, char *out) {
    size_t n = strlen(s), keep = n > 60 ? 60 : n;
    while (keep < n && keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { *o++ = '\\'; *o++ = (char)c; }
        else if (c < 0x20) o += sprintf(o, "\\u%04X", c);
        else *o++ = (char)c;
    }
    *o++ = '"';
    if (keep < n) { memcpy(o, "...", 3); o += 3; }
    *o = '\0';
    return out;
}

static bool decode(const cJSON *obj, hw_rec *r) {
    const cJSON *found[HW_N_FIELDS] = {0};
    for (const cJSON *c = obj->child; c; c = c->next) {
        int f = lookup(c->string);
        if (f < 0) continue;
        if (found[f]) return fail(f, "duplicate key");
        found[f] = c;
    }
    memset(r, 0, sizeof *r);
    char q[400];
    for (int f = 0; f < HW_N_FIELDS; f++) {
        const cJSON *j = found[f];
        if (!j || cJSON_IsNull(j)) {
            if (hw_field_info[f].required)
                return fail(f, "%s", j ? "required field is null" : "missing required field");
            continue;
        }
        switch (hw_field_info[f].kind) {
        case K_BOOL:
            if (!cJSON_IsBool(j)) return fail(f, "expected %s, got %s", "bool", json_kind(j));
            if (cJSON_IsTrue(j)) r->truth |= UINT64_C(1) << f;
            break;
        case K_STRING:
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "string", json_kind(j));
            if (f == F_USCC) {
                r->uscc = j->valuestring;
                r->uscc_len = strlen(j->valuestring);
            } else if (f == F_REGISTERED_AREA) {
                size_t n = strlen(j->valuestring);
                r->area_len = (uint8_t)(n > 255 ? 255 : n);
                memcpy(r->area, j->valuestring, n < 7 ? n : 7);
            }
            break;
        case K_CREDIT: {
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "string", json_kind(j));
            int k = 0;
            while (k < 4 && strcmp(j->valuestring, hw_credit_names[k]) != 0) k++;
            if (k == 4)
                return fail(f, "%s is not one of %s", quote(j->valuestring, q),
                            "\"advanced\", \"general\", \"standard\", \"dishonest\"");
            r->credit = (uint8_t)k;
            break;
        }
        case K_TS: {
            int64_t t;
            if (!cJSON_IsString(j)) return fail(f, "expected %s, got %s", "timestamp", json_kind(j));
            if (!hw_parse_ts(j->valuestring, strlen(j->valuestring), &t))
                return fail(f, "%s is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", quote(j->valuestring, q));
            if (f == F_DOWNGRADED_ON) r->downgraded_on = t;
            break;
        }
        case K_LIST: {
            if (!cJSON_IsArray(j)) return fail(f, "expected %s, got %s", "list<string>", json_kind(j));
            int i = 0;
            for (const cJSON *e = j->child; e; e = e->next, i++) {
                if (!cJSON_IsString(e)) {
                    snprintf(errmsg, sizeof errmsg, "enterprise.%s[%d]: expected string, got %s",
                             hw_field_info[f].name, i, json_kind(e));
                    return false;
                }
                if (f == F_BUSINESS_TYPES)
                    for (int b = 0; b < HW_N_BUSINESS; b++)
                        if (strcmp(e->valuestring, hw_business_names[b]) == 0) r->business |= (uint8_t)(1u << b);
            }
            if (f == F_MRA_MARKETS) r->n_mra = (uint16_t)(i > 65535 ? 65535 : i);
            break;
        }
        case K_INT: {
            if (!cJSON_IsNumber(j)) return fail(f, "expected %s, got %s", "int", json_kind(j));
            double v = j->valuedouble;
            char num[32];
            if (v != trunc(v) || fabs(v) > 9007199254740991.0) {
                snprintf(num, sizeof num, "%.17g", v);
                if (v != trunc(v)) return fail(f, "%s is not an integer", num);
                return fail(f, "%s is beyond ±2^53-1, where JSON numbers stop being exact", num);
            }
            if (f == F_TRADE_VALUE_CNY) r->trade_value_cny = (int64_t)v;
            else if (f == F_VIOLATIONS_12M) r->violations_12m = (int64_t)v;
            else if (f == F_FINES_12M_CNY) r->fines_12m_cny = (int64_t)v;
            break;
        }
        }
        r->present |= UINT64_C(1) << f;
    }
    return true;
}

/* ---- input: large blocks, split at newlines --------------------------------- */

struct hw_reader {
    FILE *f;
    char *p;
    size_t start, end, cap;
    bool eof;
    unsigned long long recno;
};

/* The next line (without its newline), NUL-terminated in place; NULL at EOF. */
static char *next_line(hw_reader *L, size_t *len) {
    for (;;) {
        char *nl = L->start < L->end ? memchr(L->p + L->start, '\n', L->end - L->start) : NULL;
        if (nl || (L->eof && L->start < L->end)) {
            char *s = L->p + L->start;
            size_t n = nl ? (size_t)(nl - s) : L->end - L->start;
            L->start += n + (nl ? 1 : 0);
            if (n && s[n - 1] == '\r') n--;
            s[n] = '\0';
            *len = n;
            return s;
        }
        if (L->eof) return NULL;
        /* Keep the partial line, then fill the rest of the block. */
        memmove(L->p, L->p + L->start, L->end - L->start);
        L->end -= L->start;
        L->start = 0;
        if (L->end + 1 >= L->cap) {
            L->cap *= 2;
            L->p = realloc(L->p, L->cap);
            if (!L->p) exit(2);
        }
        size_t got = fread(L->p + L->end, 1, L->cap - 1 - L->end, L->f);
        L->end += got;
        if (got == 0) L->eof = true;
    }
}

static bool blank(const char *s) {
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r') return false;
    return true;
}

hw_reader *hw_open(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static bool ready;
    if (!ready) {
        ready = true;
        init_fields();
        bump_cap = (size_t)64 << 20;
        bump = malloc(bump_cap);
        if (!bump) exit(2);
        cJSON_Hooks hooks = {bump_alloc, bump_free};
        cJSON_InitHooks(&hooks);
    }
    hw_reader *rd = calloc(1, sizeof *rd);
    if (!rd) exit(2);
    rd->f = f;
    rd->cap = 1 << 20;
    rd->p = malloc(rd->cap);
    if (!rd->p) exit(2);
    return rd;
}

hw_status hw_next(hw_reader *rd, hw_rec *r, const char **error) {
    char *line;
    size_t len;
    while ((line = next_line(rd, &len)) && blank(line)) {}
    if (!line) return HW_EOF;
    rd->recno++;
    bump_used = 0;
    cJSON *j = cJSON_ParseWithLength(line, len);
    if (!j || !cJSON_IsObject(j)) {
        snprintf(errmsg, sizeof errmsg, "line %llu: not a JSON object", rd->recno);
        *error = errmsg;
        return HW_ERROR;
    }
    if (!decode(j, r)) {
        *error = errmsg;
        return HW_ERROR;
    }
    return HW_RECORD;
}

void hw_close(hw_reader *rd) {
    fclose(rd->f);
    free(rd->p);
    free(rd);
}
