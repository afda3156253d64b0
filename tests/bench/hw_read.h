/* hw_read.h: how the hand-written baselines of `make bench` read their facts.
 *
 * Every shape of the benchmark (tests/bench/README.md) evaluates the same
 * schema, rules/shenyang/01_schema.aeo, over the same population.  The
 * hand-written programs are a shape's conditions (hw_shenyang.c, the
 * generated hw_gen.c) plus a driver (hw_main.c) plus one reader behind this
 * interface:
 *
 *   hw_read_cjson.c       cJSON (the library aeo uses), the baseline the
 *                         targets are measured against;
 *   hw_read_simdjson.cpp  simdjson On-Demand, the same interface, where
 *                         present.
 *
 * A reader opens a file of JSON Lines, skips blank lines, and decodes each
 * record into an hw_rec: the schema's fields checked (required fields present
 * and not null, each declared field of its declared type, duplicate declared
 * keys), with aeo's messages for these.  What it does not do is aeo's full
 * RFC 8259 validation: which reader does how much of that is the reader's
 * own business, and its file says. */
#ifndef AEO_BENCH_HW_READ_H
#define AEO_BENCH_HW_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum hw_kind { K_STRING, K_CREDIT, K_BOOL, K_TS, K_LIST, K_INT };

/* The schema's fields in schema order (the order of aeo's type-error
 * checks): id, key, kind, required. */
#define HW_FIELDS(X)                                         \
    X(USCC, "uscc", K_STRING, 1)                             \
    X(CREDIT, "credit", K_CREDIT, 1)                         \
    X(REGISTERED_AREA, "registered_area", K_STRING, 1)       \
    X(DECLARES_IN_LIAONING, "declares_in_liaoning", K_BOOL, 1) \
    X(NAME, "name", K_STRING, 0)                             \
    X(CUSTOMS_CODE, "customs_code", K_STRING, 0)             \
    X(CERTIFIED_ON, "certified_on", K_TS, 0)                 \
    X(DOWNGRADED_ON, "downgraded_on", K_TS, 0)               \
    X(TRADE_VALUE_CNY, "trade_value_cny", K_INT, 0)          \
    X(BUSINESS_TYPES, "business_types", K_LIST, 0)           \
    X(IMPORTS, "imports", K_BOOL, 0)                         \
    X(EXPORTS, "exports", K_BOOL, 0)                         \
    X(DECLARES_AT_SHENYANG_PORTS, "declares_at_shenyang_ports", K_BOOL, 0) \
    X(NEEDS_GUARANTEE, "needs_guarantee", K_BOOL, 0)         \
    X(GUARANTEE_ON_FILE, "guarantee_on_file", K_BOOL, 0)     \
    X(DUTY_PAYING_IMPORTS, "duty_paying_imports", K_BOOL, 0) \
    X(STATUTORY_INSPECTION_GOODS, "statutory_inspection_goods", K_BOOL, 0) \
    X(RELEASE_FIRST_GOODS, "release_first_goods", K_BOOL, 0) \
    X(FOOD_AGRI_EXPORTER, "food_agri_exporter", K_BOOL, 0)   \
    X(USES_ORIGIN_CERTIFICATES, "uses_origin_certificates", K_BOOL, 0) \
    X(MRA_MARKETS, "mra_markets", K_LIST, 0)                 \
    X(E_ACCOUNT_BOOK, "e_account_book", K_BOOL, 0)           \
    X(SELECTED_FOR_INSPECTION, "selected_for_inspection", K_BOOL, 0) \
    X(INSPECTION_FOUND_NO_IRREGULARITY, "inspection_found_no_irregularity", K_BOOL, 0) \
    X(PENDING_DETERMINATION, "pending_determination", K_BOOL, 0) \
    X(ADVANCE_RULING_APPLIED, "advance_ruling_applied", K_BOOL, 0) \
    X(DISRUPTION_DECLARED, "disruption_declared", K_BOOL, 0) \
    X(LAB_SAMPLING, "lab_sampling", K_BOOL, 0)               \
    X(PORT_INSPECTION, "port_inspection", K_BOOL, 0)         \
    X(DESTINATION_INSPECTION, "destination_inspection", K_BOOL, 0) \
    X(OPEN_VERIFICATION, "open_verification", K_BOOL, 0)     \
    X(SMUGGLING_CASE_OPEN, "smuggling_case_open", K_BOOL, 0) \
    X(CRIMINAL_CASE_OPEN, "criminal_case_open", K_BOOL, 0)   \
    X(VIOLATION_CASE_OPEN, "violation_case_open", K_BOOL, 0) \
    X(SUSPENSION_DECIDED, "suspension_decided", K_BOOL, 0)   \
    X(VIOLATIONS_12M, "violations_12m", K_INT, 0)            \
    X(FINES_12M_CNY, "fines_12m_cny", K_INT, 0)

enum {
#define X(id, name, kind, req) F_##id,
    HW_FIELDS(X)
#undef X
    HW_N_FIELDS
};

typedef struct hw_field {
    const char *name;
    enum hw_kind kind;
    bool required;
} hw_field;
extern const hw_field hw_field_info[HW_N_FIELDS];

enum { CREDIT_ADVANCED, CREDIT_GENERAL, CREDIT_STANDARD, CREDIT_DISHONEST };
extern const char *const hw_credit_names[4];

/* The business types the conditions test for (bit i of hw_rec.business). */
#define HW_BUSINESS(X)                 \
    X(GENERAL_TRADE, "general_trade")  \
    X(PROCESSING_TRADE, "processing_trade") \
    X(CBEC_IMPORT, "cbec_import")      \
    X(CBEC_EXPORT, "cbec_export")      \
    X(BONDED_LOGISTICS, "bonded_logistics") \
    X(BROKERAGE, "brokerage")
enum {
#define X(id, name) B_##id,
    HW_BUSINESS(X)
#undef X
    HW_N_BUSINESS
};
extern const char *const hw_business_names[HW_N_BUSINESS];

/* A decoded record: what the conditions read. */
typedef struct hw_rec {
    uint64_t present;      /* bit f: field f given (not null) */
    uint64_t truth;        /* bit f: bool field f is true */
    uint8_t credit;        /* CREDIT_* */
    uint8_t business;      /* bit B_*: that type in business_types */
    uint16_t n_mra;        /* size(mra_markets) */
    char area[8];          /* registered_area, NUL-terminated, cut after 7 bytes */
    uint8_t area_len;      /* its length, up to 255 */
    int64_t downgraded_on; /* seconds since the epoch */
    int64_t trade_value_cny, violations_12m, fines_12m_cny;
    /* The key: valid until the next hw_next (end to end only; NULL in micro). */
    const char *uscc;
    size_t uscc_len;
} hw_rec;

typedef struct hw_reader hw_reader;

/* The reader of [path]; NULL (with errno) when it cannot be opened. */
hw_reader *hw_open(const char *path);

typedef enum hw_status { HW_EOF, HW_RECORD, HW_ERROR } hw_status;

/* The next record of the file (blank lines skipped): HW_RECORD with [r]
 * filled, HW_ERROR with [*error] a message (valid until the next call), or
 * HW_EOF. */
hw_status hw_next(hw_reader *rd, hw_rec *r, const char **error);

void hw_close(hw_reader *rd);

/* "YYYY-MM-DD" (midnight UTC) or RFC 3339, to seconds since the epoch, as
 * aeo reads a timestamp (hw_common.c; for readers and the driver). */
bool hw_parse_ts(const char *s, size_t len, int64_t *out);

#ifdef __cplusplus
}
#endif

#endif
