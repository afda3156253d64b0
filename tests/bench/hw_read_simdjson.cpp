// hw_read_simdjson.cpp: the hand-written baselines' reader on simdjson
// On-Demand (hw_read.h), the library aeo's facts reader parses with.
//
// What a careful programmer would write with simdjson for this schema: the
// file read in 1 MiB blocks (allocated with SIMDJSON_PADDING bytes to
// spare) and split at newlines with memchr; each line iterated in place by
// one ondemand::parser (no copy: the block's next bytes are the padding);
// one pass over the object's fields in document order, each key found in a
// small hash table, each declared field's value read at once; then the
// fields checked in schema order, so that the messages are hw_read_cjson.c's
// (required fields present and not null, each of its type, duplicate
// declared keys).  On-Demand validates only what it visits: fields the
// schema does not declare are skipped unvalidated, and a syntax error gets
// the plainer message "line N: not a JSON object".  On-Demand's kernel is
// chosen when compiling (the Makefile builds this file with -march=native,
// so it gets the best one for the machine the benchmark runs on).
#include <simdjson.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "hw_read.h"

using namespace simdjson;

namespace {

// ---- key -> field: open addressing over FNV-1a, 128 slots -----------------

int8_t slot_field[128];

uint32_t fnv(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

void init_fields() {
    std::memset(slot_field, -1, sizeof slot_field);
    for (int f = 0; f < HW_N_FIELDS; f++) {
        const char *name = hw_field_info[f].name;
        uint32_t i = fnv(name, std::strlen(name)) & 127;
        while (slot_field[i] >= 0) i = (i + 1) & 127;
        slot_field[i] = (int8_t)f;
    }
}

int lookup(std::string_view key) {
    uint32_t i = fnv(key.data(), key.size()) & 127;
    while (slot_field[i] >= 0) {
        const char *name = hw_field_info[slot_field[i]].name;
        if (std::strlen(name) == key.size() && std::memcmp(name, key.data(), key.size()) == 0)
            return slot_field[i];
        i = (i + 1) & 127;
    }
    return -1;
}

// ---- decoding with aeo's error messages -------------------------------------

char errmsg[512];

__attribute__((format(printf, 2, 3))) bool fail(int f, const char *fmt, ...) {
    int n = std::snprintf(errmsg, sizeof errmsg, "enterprise.%s: ", hw_field_info[f].name);
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(errmsg + n, sizeof errmsg - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

const char *kind_name(ondemand::json_type t) {
    switch (t) {
    case ondemand::json_type::null: return "null";
    case ondemand::json_type::boolean: return "bool";
    case ondemand::json_type::number: return "number";
    case ondemand::json_type::string: return "string";
    case ondemand::json_type::array: return "array";
    default: return "object";
    }
}

// [s] quoted for a message: escaped, cut after 60 bytes.
const char *quote(std::string_view s, char *out) {
    size_t n = s.size(), keep = n > 60 ? 60 : n;
    while (keep < n && keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { *o++ = '\\'; *o++ = (char)c; }
        else if (c < 0x20) o += std::sprintf(o, "\\u%04X", c);
        else *o++ = (char)c;
    }
    *o++ = '"';
    if (keep < n) { std::memcpy(o, "...", 3); o += 3; }
    *o = '\0';
    return out;
}

// What the one pass found for a declared field, checked afterwards in
// schema order.
enum problem { OK, MISMATCH, NOT_IN_ENUM, BAD_TS, ELEM_MISMATCH, NOT_INTEGER, BEYOND };
struct found {
    bool seen;
    ondemand::json_type type;
    problem p;
    std::string_view s;          // the string, for messages
    int index;                   // ELEM_MISMATCH: which element
    ondemand::json_type elem;    // ... and what it was
    double num;                  // NOT_INTEGER, BEYOND
};

const char *expected_name(enum hw_kind k) {
    switch (k) {
    case K_BOOL: return "bool";
    case K_TS: return "timestamp";
    case K_LIST: return "list<string>";
    case K_INT: return "int";
    default: return "string";
    }
}

// Reads the value of declared field [f] into [r] (and [fd] for messages);
// false on a syntax error.
bool read_field(int f, ondemand::value v, ondemand::json_type t, hw_rec *r, found *fd) {
    enum hw_kind k = hw_field_info[f].kind;
    switch (k) {
    case K_BOOL: {
        if (t != ondemand::json_type::boolean) { fd->p = MISMATCH; return true; }
        bool b;
        if (v.get_bool().get(b)) return false;
        if (b) r->truth |= UINT64_C(1) << f;
        return true;
    }
    case K_STRING:
    case K_CREDIT:
    case K_TS: {
        if (t != ondemand::json_type::string) { fd->p = MISMATCH; return true; }
        std::string_view s;
        if (v.get_string().get(s)) return false;
        fd->s = s;
        if (k == K_CREDIT) {
            int c = 0;
            while (c < 4 && s != hw_credit_names[c]) c++;
            if (c == 4) fd->p = NOT_IN_ENUM;
            else r->credit = (uint8_t)c;
        } else if (k == K_TS) {
            int64_t ts;
            if (!hw_parse_ts(s.data(), s.size(), &ts)) fd->p = BAD_TS;
            else if (f == F_DOWNGRADED_ON) r->downgraded_on = ts;
        } else if (f == F_USCC) {
            r->uscc = s.data();
            r->uscc_len = s.size();
        } else if (f == F_REGISTERED_AREA) {
            size_t n = s.size();
            r->area_len = (uint8_t)(n > 255 ? 255 : n);
            std::memcpy(r->area, s.data(), n < 7 ? n : 7);
        }
        return true;
    }
    case K_LIST: {
        if (t != ondemand::json_type::array) { fd->p = MISMATCH; return true; }
        ondemand::array a;
        if (v.get_array().get(a)) return false;
        int i = 0;
        for (auto e : a) {
            ondemand::value ev;
            ondemand::json_type et;
            if (e.get(ev) || ev.type().get(et)) return false;
            if (et != ondemand::json_type::string) {
                if (fd->p == OK) { fd->p = ELEM_MISMATCH; fd->index = i; fd->elem = et; }
                i++;
                continue;
            }
            std::string_view s;
            if (ev.get_string().get(s)) return false;
            if (f == F_BUSINESS_TYPES)
                for (int b = 0; b < HW_N_BUSINESS; b++)
                    if (s == hw_business_names[b]) r->business |= (uint8_t)(1u << b);
            i++;
        }
        if (f == F_MRA_MARKETS) r->n_mra = (uint16_t)(i > 65535 ? 65535 : i);
        return true;
    }
    case K_INT: {
        if (t != ondemand::json_type::number) { fd->p = MISMATCH; return true; }
        double d;
        if (v.get_double().get(d)) return false;
        fd->num = d;
        if (d != std::trunc(d)) fd->p = NOT_INTEGER;
        else if (std::fabs(d) > 9007199254740991.0) fd->p = BEYOND;
        else if (f == F_TRADE_VALUE_CNY) r->trade_value_cny = (int64_t)d;
        else if (f == F_VIOLATIONS_12M) r->violations_12m = (int64_t)d;
        else if (f == F_FINES_12M_CNY) r->fines_12m_cny = (int64_t)d;
        return true;
    }
    }
    return true;
}

ondemand::parser parser;

// 0: a record; 1: a syntax error; 2: a field's error (errmsg).
int decode(padded_string_view line, hw_rec *r) {
    found fds[HW_N_FIELDS];
    for (auto &fd : fds) fd.seen = false;
    std::memset(r, 0, sizeof *r);
    ondemand::document doc;
    ondemand::object obj;
    if (parser.iterate(line).get(doc) || doc.get_object().get(obj)) return 1;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return 1;
        int f = lookup(key);
        if (f < 0) continue;   // skipped by the iteration
        found *fd = &fds[f];
        if (fd->seen) {
            fail(f, "duplicate key");
            return 2;
        }
        fd->seen = true;
        fd->p = OK;
        ondemand::value v = field.value();
        if (v.type().get(fd->type)) return 1;
        if (fd->type == ondemand::json_type::null) continue;
        if (!read_field(f, v, fd->type, r, fd)) return 1;
    }
    if (doc.current_location().error() != OUT_OF_BOUNDS) return 1;   // bytes after the object
    char q[400];
    for (int f = 0; f < HW_N_FIELDS; f++) {
        const found *fd = &fds[f];
        if (!fd->seen || fd->type == ondemand::json_type::null) {
            if (hw_field_info[f].required) {
                fail(f, "%s", fd->seen ? "required field is null" : "missing required field");
                return 2;
            }
            continue;
        }
        char num[32];
        switch (fd->p) {
        case OK:
            break;
        case MISMATCH:
            fail(f, "expected %s, got %s", expected_name(hw_field_info[f].kind), kind_name(fd->type));
            return 2;
        case NOT_IN_ENUM:
            fail(f, "%s is not one of %s", quote(fd->s, q), "\"advanced\", \"general\", \"standard\", \"dishonest\"");
            return 2;
        case BAD_TS:
            fail(f, "%s is not a date (YYYY-MM-DD) or an RFC 3339 timestamp", quote(fd->s, q));
            return 2;
        case ELEM_MISMATCH:
            std::snprintf(errmsg, sizeof errmsg, "enterprise.%s[%d]: expected string, got %s",
                          hw_field_info[f].name, fd->index, kind_name(fd->elem));
            return 2;
        case NOT_INTEGER:
        case BEYOND:
            std::snprintf(num, sizeof num, "%.17g", fd->num);
            if (fd->p == NOT_INTEGER) fail(f, "%s is not an integer", num);
            else fail(f, "%s is beyond ±2^53-1, where JSON numbers stop being exact", num);
            return 2;
        }
        r->present |= UINT64_C(1) << f;
    }
    return 0;
}

}  // namespace

// ---- input: large blocks, split at newlines ---------------------------------

struct hw_reader {
    FILE *f;
    char *p;
    size_t start, end, cap;   // p holds cap + SIMDJSON_PADDING bytes
    bool eof;
    unsigned long long recno;
};

// The next line (without its newline) in place; NULL at EOF.
static char *next_line(hw_reader *L, size_t *len) {
    for (;;) {
        char *nl = L->start < L->end ? (char *)std::memchr(L->p + L->start, '\n', L->end - L->start) : nullptr;
        if (nl || (L->eof && L->start < L->end)) {
            char *s = L->p + L->start;
            size_t n = nl ? (size_t)(nl - s) : L->end - L->start;
            L->start += n + (nl ? 1 : 0);
            if (n && s[n - 1] == '\r') n--;
            *len = n;
            return s;
        }
        if (L->eof) return nullptr;
        std::memmove(L->p, L->p + L->start, L->end - L->start);
        L->end -= L->start;
        L->start = 0;
        if (L->end + 1 >= L->cap) {
            L->cap *= 2;
            L->p = (char *)std::realloc(L->p, L->cap + SIMDJSON_PADDING);
            if (!L->p) std::exit(2);
        }
        size_t got = std::fread(L->p + L->end, 1, L->cap - 1 - L->end, L->f);
        L->end += got;
        if (got == 0) L->eof = true;
    }
}

static bool blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

extern "C" hw_reader *hw_open(const char *path) {
    FILE *f = std::fopen(path, "rb");
    if (!f) return nullptr;
    static bool ready;
    if (!ready) {
        ready = true;
        init_fields();
    }
    hw_reader *rd = (hw_reader *)std::calloc(1, sizeof *rd);
    if (!rd) std::exit(2);
    rd->f = f;
    rd->cap = 1 << 20;
    rd->p = (char *)std::malloc(rd->cap + SIMDJSON_PADDING);
    if (!rd->p) std::exit(2);
    return rd;
}

extern "C" hw_status hw_next(hw_reader *rd, hw_rec *r, const char **error) {
    char *line;
    size_t len;
    while ((line = next_line(rd, &len)) && blank(line, len)) {}
    if (!line) return HW_EOF;
    rd->recno++;
    // The bytes after the line, up to the block's end and its padding, are
    // allocated: On-Demand reads there, never past.
    size_t room = rd->cap + SIMDJSON_PADDING - (size_t)(line - rd->p);
    int st = decode(padded_string_view(line, len, room), r);
    if (st == 1) {
        std::snprintf(errmsg, sizeof errmsg, "line %llu: not a JSON object", rd->recno);
        *error = errmsg;
        return HW_ERROR;
    }
    if (st == 2) {
        *error = errmsg;
        return HW_ERROR;
    }
    return HW_RECORD;
}

extern "C" void hw_close(hw_reader *rd) {
    std::fclose(rd->f);
    std::free(rd->p);
    std::free(rd);
}
