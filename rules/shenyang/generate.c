/* generate: a synthetic population of Liaoning import/export enterprises, as
 * facts for the Shenyang catalog (01_schema.aeo), one JSON object per line.
 *
 *   generate [-n N] [-s SEED] [-v]
 *
 * N records (default 3400) on stdout; SEED (default 20210421, the catalog's
 * launch date) fixes them; -v prints the population's statistics, including
 * those of the internal trade-value model, to stderr.  The same N and SEED
 * give the same bytes on any machine: the generator has its own PRNG
 * (splitmix64), uses integer arithmetic only (no floating point, no libm) and
 * formats numbers itself.  rules/shenyang/enterprises.jsonl is `generate` with
 * the defaults (`make population`); a golden test checks that it has not
 * drifted.  The benchmark (issue 7, `make bench`) is to use it with -n 200000.
 *
 * None of these enterprises exists: names are built from syllables, codes from
 * counters.  The model is plausible, not calibrated on microdata.  What it
 * rests on:
 *
 *  * Liaoning had 102 AEOs in April 2021, about 3% of its import/export
 *    enterprises, holding 54.31% of its 2020 foreign trade (Shenyang Customs,
 *    see shared/CATALOG.md).  So: exactly round(3% of N) AEOs.  The split of
 *    those 102 between the advanced and the general tier is not published;
 *    we take the general tier to be about 3.4 times the advanced one (2/9 of
 *    the AEOs advanced: 23 of 102), our working assumption that general
 *    certified enterprises outnumbered advanced ones 3 to 4 times nationally
 *    in 2021 (GACC counted 3,236 advanced certified enterprises in May 2020;
 *    the general-tier count is not verified here).  1% of the enterprises are
 *    dishonest (GACC counted 6,788 nationally in May 2020, against several
 *    hundred thousand traders; we take a higher share among active traders),
 *    the rest general credit ("standard").
 *  * Trade value (trade_value_cny): each enterprise gets a size class and an annual trade value
 *    (log-uniform within its class, in thousands of yuan).  AEOs are drawn
 *    mostly from the large classes; the class shares (SIZE_SHARE) are set so
 *    that the AEOs hold 54.3% of the total value, and the values within a
 *    class are spread evenly, so that the share stays within about a point
 *    of that for any seed (-v prints it: 54.0% for the defaults).  Size
 *    drives the rest: big traders import and export, run processing trade,
 *    lodge guarantees, trade with MRA partners and, having many shipments,
 *    are more likely to have one inspected, sampled or pending at any moment.
 *    It is written out as trade_value_cny (yuan), so the share can be
 *    checked from the data itself.
 *  * Geography.  Customs area codes from the published area code table: the
 *    Shenyang Customs offices 0801 Shenyang, 0802 Jinzhou, 0804 Fushun, 0805
 *    Shenyang development zone, 0806 Liaoyang, 0807 Shenyang airport, 0808
 *    Shenyang bonded zone, 0810 Huludao, 0811 and 0812 the export processing
 *    zones, 0813 the bonded logistics centre; Dalian Customs 0900, 0901
 *    Dalian port, 0902 airport, 0903 development zone, 0904 export processing
 *    zone, 0906 bonded zone.  Offices whose codes we do not have are stood in
 *    for by their directly-subordinate customs: Tieling by 0801, Fuxin and
 *    Chaoyang by 0802 (Jinzhou), and Anshan, Benxi, Dandong, Yingkou and
 *    Panjin by 0900.  About 37% of the enterprises are registered in the
 *    Shenyang Customs area, 55% in Dalian's, 8% in other provinces (these all
 *    declare in Liaoning: that is why they are in a Liaoning population).
 *    A few Liaoning enterprises declare only outside Liaoning (e.g. through
 *    Tianjin): a Dalian one among them is out of the catalog's scope.
 *  * Codes.  USCC (GB 32100-2015): "91" (enterprise registered with market
 *    regulation), the 6-digit administrative division of its city, the
 *    9-character organisation code (GB 11714: 8 characters and a check
 *    character; purely numeric for enterprises older than the USCC, "MA..."
 *    for those registered since), then the USCC check character.  Both check
 *    characters are computed; the organisation codes come from a bijection
 *    of a counter, so every USCC is distinct.  Customs registration code: the
 *    first 4 digits of the division, a zone digit, an ownership digit and a
 *    4-digit sequence (distinct up to 9,999 enterprises per city).
 *  * Missing facts.  About 13% of the records come from thinner sources: no
 *    data on current shipments, a patchy record, or little beyond the
 *    required fields.  That leaves about 5% of the optional facts absent and
 *    makes some measures undecided.  Facts that do not apply are omitted, not
 *    missing: `certified_on` for non-AEOs, `downgraded_on` for enterprises
 *    never downgraded (absent means never, so it is never dropped),
 *    `inspection_found_no_irregularity` without an inspection,
 *    `suspension_decided` without a violation case.
 *
 * All dates are on or before 2021-05-31: the records describe the
 * enterprises as of 2021-06-01.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_N    3400u
#define DEFAULT_SEED 20210421u
#define MAX_N        10000000u

/* --- PRNG: splitmix64 ------------------------------------------------------ */

typedef struct { uint64_t s; } rng;

static uint64_t next64(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static rng rng_for(uint64_t seed, uint64_t stream)
{
    rng r = { seed ^ (stream * 0xD1B54A32D192ED03u) };
    (void)next64(&r);
    return r;
}

/* Uniform in [0, n). */
static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(((next64(r) >> 32) * n) >> 32);
}

/* True with probability permille/1000. */
static bool chance(rng *r, unsigned permille)
{
    return below(r, 1000) < permille;
}

/* Index drawn with the given weights. */
static size_t pick(rng *r, const unsigned *w, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) total += w[i];
    unsigned x = below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

/* An urn: draws without replacement from fixed counts, so that a population
 * of N gets exactly the intended number of each kind, in random order. */
typedef struct { uint64_t left[8]; size_t n; } urn;

static size_t urn_draw(urn *u, rng *r)
{
    uint64_t total = 0;
    for (size_t i = 0; i < u->n; i++) total += u->left[i];
    uint64_t x = next64(r) % total;
    for (size_t i = 0; i < u->n; i++) {
        if (x < u->left[i]) { u->left[i]--; return i; }
        x -= u->left[i];
    }
    return u->n - 1; /* unreachable */
}

/* n split by shares in units of 1/10000, rounded; the largest share takes up
 * the rounding (shares sum to 10000). */
static void urn_fill(urn *u, uint64_t n, const unsigned *share, size_t k)
{
    uint64_t used = 0;
    size_t largest = 0;
    u->n = k;
    for (size_t i = 0; i < k; i++) {
        if (share[i] > share[largest]) largest = i;
        u->left[i] = (n * share[i] + 5000) / 10000;
        used += u->left[i];
    }
    while (used > n) { u->left[largest]--; used--; }
    u->left[largest] += n - used;
}

/* Hands out the slots 0..n-1 in a seed-dependent order: slot = (k * stride +
 * offset) mod n for the k-th draw, with the stride prime to n. */
typedef struct { uint64_t n, k, stride, offset; } spread;

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) { uint64_t t = a % b; a = b; b = t; }
    return a;
}

static spread spread_new(uint64_t n, rng *r)
{
    spread s = { n, 0, 1, 0 };
    if (n > 1) {
        s.stride = n * 618 / 1000 + 1;
        while (gcd(s.stride, n) != 1) s.stride++;
        s.offset = next64(r) % n;
    }
    return s;
}

/* The next position, as a fraction of 2^32: the middle of the next slot. */
static uint32_t spread_next(spread *s)
{
    uint64_t slot = (s->k++ % s->n * s->stride + s->offset) % s->n;
    return (uint32_t)(((2 * slot + 1) << 31) / s->n);
}

/* --- dates (days since 1970-01-01, proleptic Gregorian) -------------------- */

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int32_t date_between(rng *r, int32_t from, int32_t to)
{
    return from + (int32_t)below(r, (uint32_t)(to - from + 1));
}

/* --- codes ------------------------------------------------------------------ */

static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const unsigned USCC_WEIGHTS[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };

static unsigned uscc_value(char c)
{
    const char *p = strchr(USCC_ALPHABET, c);
    return p && c ? (unsigned)(p - USCC_ALPHABET) : 99u;
}

/* The USCC check character of the first 17 characters (GB 32100-2015). */
static char uscc_check(const char *s)
{
    unsigned sum = 0;
    for (int i = 0; i < 17; i++) sum += uscc_value(s[i]) * USCC_WEIGHTS[i];
    return USCC_ALPHABET[(31 - sum % 31) % 31];
}

/* The organisation code check character of 8 characters (GB 11714). */
static char orgcode_check(const char *s)
{
    static const unsigned w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
    unsigned sum = 0;
    for (int i = 0; i < 8; i++) {
        unsigned v = s[i] >= '0' && s[i] <= '9' ? (unsigned)(s[i] - '0') : 10u + (unsigned)(s[i] - 'A');
        sum += v * w[i];
    }
    unsigned c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* Refuses to run if the check rules disagree with the published examples. */
static bool codes_self_check(void)
{
    static const char *valid[] = { "91110000600037341L", "91110108551385082Q", "91210100MA0000001G",
                                   "91211400MA0000002F", "91210200MA0000003U" };
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        if (uscc_check(valid[i]) != valid[i][17]) return false;
    /* The organisation codes inside the two real examples. */
    return orgcode_check("60003734") == '1' && orgcode_check("55138508") == '2';
}

/* --- the model's tables ------------------------------------------------------ */

enum { ADVANCED, GENERAL, STANDARD, DISHONEST, N_CREDIT };
static const char *const CREDIT_NAME[N_CREDIT] = { "advanced", "general", "standard", "dishonest" };

/* Size classes by annual trade value, log-uniform within each:
 * XS 0.1-3 M yuan, S 3-30 M, M 30-200 M, L 200 M-1 bn, XL 1-60 bn.
 * Bounds in 1/32 decades of yuan (160 = 10^5). */
enum { XS, S, M, L, XL, N_SIZE };
static const unsigned SIZE_LO[N_SIZE] = { 160, 207, 239, 266, 288 };
static const unsigned SIZE_HI[N_SIZE] = { 207, 239, 266, 288, 345 };

/* Size class shares (in 1/10000) within each credit tier.  With the class
 * bounds they put 54.3% of the model's trade value with the AEOs, for
 * N = 3400 as for N = 200000 (checked by computing the expectation; -v shows
 * the actual share).  Totals: about 470 bn yuan for 3400 enterprises
 * (Liaoning's 2020 trade was about 650 bn). */
static const unsigned SIZE_SHARE[N_CREDIT][N_SIZE] = {
    [ADVANCED]  = { 0, 0, 1500, 4500, 4000 },
    [GENERAL]   = { 0, 1500, 4250, 3400, 850 },
    [STANDARD]  = { 5360, 3500, 950, 160, 30 },
    [DISHONEST] = { 6000, 3500, 500, 0, 0 },
};

/* 10^(k/32) * 10^6, k = 0..31. */
static const uint64_t DECADE_STEP[32] = {
    1000000, 1074608, 1154782, 1240938, 1333521, 1433013, 1539927, 1654817,
    1778279, 1910953, 2053525, 2206734, 2371374, 2548297, 2738420, 2942727,
    3162278, 3398208, 3651741, 3924190, 4216965, 4531584, 4869675, 5232991,
    5623413, 6042964, 6493816, 6978306, 7498942, 8058422, 8659643, 9305720,
};

/* Annual trade value in thousands of yuan, at position u/2^32 of the class's
 * logarithmic range.  A class's n members take the positions (k + 1/2)/n,
 * k = 0..n-1, in an order the seed shuffles (see `spread`): the class totals,
 * and so the AEOs' share, do not depend on the seed, while which enterprise
 * gets which value does. */
static uint64_t trade_value(rng *r, int size, uint32_t u)
{
    unsigned j = SIZE_LO[size] + (unsigned)(((uint64_t)u * (SIZE_HI[size] - SIZE_LO[size])) >> 32);
    uint64_t v = 1;
    for (unsigned e = 0; e < j / 32 - 3; e++) v *= 10; /* in thousands */
    v = v * DECADE_STEP[j % 32] / 1000000;
    return v * (1000 + below(r, 75)) / 1000; /* spread within the 1/32 decade */
}

enum { BT_GENERAL, BT_PROCESSING, BT_CBEC_IMPORT, BT_CBEC_EXPORT, BT_BONDED, BT_BROKERAGE, N_BT };
static const char *const BT_NAME[N_BT] = { "general_trade", "processing_trade", "cbec_import",
                                           "cbec_export", "bonded_logistics", "brokerage" };

typedef struct {
    unsigned weight;
    const char *words[4];    /* industry words in the name, NULL-terminated */
    unsigned exports, imports; /* per mille */
    unsigned processing;     /* processing trade */
    unsigned statutory;      /* goods under statutory inspection and quarantine */
    unsigned food;           /* food or agricultural exporter, among exporters */
    unsigned release_first;  /* bulk goods eligible for release before inspection, among statutory importers */
    int kind;                /* 0 producer/trader, 1 logistics, 2 broker, 3 e-commerce */
} industry;

static const industry INDUSTRIES[] = {
    { 14, { "Machinery", "Heavy Machinery", "Equipment Manufacturing", NULL }, 700, 600, 200, 250, 0, 0, 0 },
    { 8, { "Auto Parts", "Automotive Components", NULL }, 500, 800, 300, 300, 0, 0, 0 },
    { 7, { "Chemical", "Fine Chemicals", NULL }, 600, 500, 150, 600, 0, 100, 0 },
    { 7, { "Steel", "Metal Products", "Nonferrous Metals", "Mining" }, 600, 500, 100, 450, 0, 450, 0 },
    { 7, { "Seafood", "Aquatic Products", "Marine Foods", NULL }, 900, 500, 350, 950, 850, 0, 0 },
    { 7, { "Foodstuffs", "Agricultural Products", "Fruit & Vegetable", "Grain & Oil" }, 650, 600, 100, 900, 700, 150, 0 },
    { 7, { "Electronics", "Optoelectronics", "Electric Appliance", NULL }, 800, 700, 450, 150, 0, 0, 0 },
    { 3, { "Pharmaceutical", "Medical Devices", NULL }, 300, 800, 50, 500, 0, 0, 0 },
    { 6, { "Textile", "Garment", "Knitwear", NULL }, 900, 400, 400, 100, 0, 0, 0 },
    { 15, { "Import & Export", "International Trade", "Trading", NULL }, 600, 600, 80, 350, 100, 200, 0 },
    { 5, { "International Logistics", "Supply Chain Management", "Freight Forwarding", NULL }, 300, 400, 0, 200, 0, 0, 1 },
    { 3, { "Petrochemical", "Energy", "Oil & Gas", NULL }, 400, 900, 100, 700, 0, 600, 0 },
    { 5, { "Bearing", "Valve", "Instruments", "Precision Castings" }, 800, 400, 200, 150, 0, 0, 0 },
    { 3, { "Wood Products", "Timber", "Furniture", NULL }, 300, 800, 150, 800, 0, 250, 0 },
    { 3, { "Customs Brokerage", "Customs Declaration Services", NULL }, 0, 0, 0, 0, 0, 0, 2 },
    { 2, { "Cross-border E-commerce", "E-commerce", NULL }, 500, 600, 0, 300, 0, 0, 3 },
    { 1, { "Shipbuilding", "Marine Engineering", NULL }, 800, 600, 300, 200, 0, 0, 0 },
};
#define N_INDUSTRY (sizeof INDUSTRIES / sizeof *INDUSTRIES)

/* Registration: city, its administrative division, its customs offices. */
enum { AREA_SHENYANG, AREA_DALIAN, AREA_OTHER };

typedef struct {
    unsigned weight;         /* per mille of all enterprises */
    const char *city;
    const char *division;    /* 4-digit prefix of the administrative division */
    const char *districts[6]; /* last 2 digits, NULL-terminated */
    const char *offices[7];  /* registered_area codes, NULL-terminated */
    unsigned office_weight[7];
    int area;
} city;

static const city CITIES[] = {
    { 220, "Shenyang", "2101", { "00", "02", "03", "06", "12", "13" },
      { "0801", "0805", "0811", "0812", "0813", "0808", "0807" }, { 60, 15, 8, 5, 5, 5, 2 }, AREA_SHENYANG },
    { 30, "Fushun", "2104", { "00", "02", "03", "11", NULL }, { "0804", NULL }, { 1 }, AREA_SHENYANG },
    { 40, "Jinzhou", "2107", { "00", "02", "03", "81", NULL }, { "0802", NULL }, { 1 }, AREA_SHENYANG },
    { 20, "Liaoyang", "2110", { "00", "02", "81", NULL }, { "0806", NULL }, { 1 }, AREA_SHENYANG },
    { 20, "Huludao", "2114", { "00", "02", "03", "81", NULL }, { "0810", NULL }, { 1 }, AREA_SHENYANG },
    { 15, "Tieling", "2112", { "00", "02", "81", NULL }, { "0801", NULL }, { 1 }, AREA_SHENYANG },
    { 10, "Fuxin", "2109", { "00", "02", NULL }, { "0802", NULL }, { 1 }, AREA_SHENYANG },
    { 15, "Chaoyang", "2113", { "00", "02", "81", NULL }, { "0802", NULL }, { 1 }, AREA_SHENYANG },
    { 340, "Dalian", "2102", { "00", "04", "11", "13", "14", "81" },
      { "0901", "0903", "0904", "0906", "0902", NULL }, { 55, 25, 8, 10, 2 }, AREA_DALIAN },
    { 50, "Anshan", "2103", { "00", "02", "03", "81", NULL }, { "0900", NULL }, { 1 }, AREA_DALIAN },
    { 20, "Benxi", "2105", { "00", "02", "04", NULL }, { "0900", NULL }, { 1 }, AREA_DALIAN },
    { 60, "Dandong", "2106", { "00", "03", "81", "82", NULL }, { "0900", NULL }, { 1 }, AREA_DALIAN },
    { 60, "Yingkou", "2108", { "00", "02", "04", "81", NULL }, { "0900", NULL }, { 1 }, AREA_DALIAN },
    { 20, "Panjin", "2111", { "00", "02", "03", NULL }, { "0900", NULL }, { 1 }, AREA_DALIAN },
    { 10, "Beijing", "1101", { "05", "08", NULL }, { "0100", NULL }, { 1 }, AREA_OTHER },
    { 10, "Tianjin", "1201", { "16", NULL }, { "0200", NULL }, { 1 }, AREA_OTHER },
    { 5, "Tangshan", "1302", { "03", "04", NULL }, { "0400", NULL }, { 1 }, AREA_OTHER },
    { 3, "Hohhot", "1501", { "02", "05", NULL }, { "0700", NULL }, { 1 }, AREA_OTHER },
    { 12, "Changchun", "2201", { "04", "12", NULL }, { "1500", NULL }, { 1 }, AREA_OTHER },
    { 10, "Harbin", "2301", { "03", "09", NULL }, { "1900", NULL }, { 1 }, AREA_OTHER },
    { 10, "Shanghai", "3101", { "04", "15", NULL }, { "2201", "2200", NULL }, { 2, 1 }, AREA_OTHER },
    { 5, "Suzhou", "3205", { "05", "07", NULL }, { "2300", NULL }, { 1 }, AREA_OTHER },
    { 5, "Ningbo", "3302", { "06", "11", NULL }, { "3100", NULL }, { 1 }, AREA_OTHER },
    { 10, "Qingdao", "3702", { "02", "11", NULL }, { "4200", NULL }, { 1 }, AREA_OTHER },
    { 10, "Shenzhen", "4403", { "00", "04", "05", NULL }, { "5300", NULL }, { 1 }, AREA_OTHER },
};
#define N_CITY (sizeof CITIES / sizeof *CITIES)

/* Economic zone digit of the customs registration code, by office. */
static char zone_digit(const char *office, rng *r)
{
    if (!strcmp(office, "0805") || !strcmp(office, "0903")) return '2';       /* development zone */
    if (!strcmp(office, "0808") || !strcmp(office, "0906")) return '4';       /* bonded zone */
    if (!strcmp(office, "0811") || !strcmp(office, "0812") || !strcmp(office, "0904")) return '5'; /* EPZ */
    if (!strcmp(office, "0813")) return '7';                                  /* logistics centre */
    return chance(r, 150) ? '3' : '9';                                        /* high-tech zone / other */
}

/* Ownership digit: state, Sino-foreign joint venture, wholly foreign-owned,
 * private, other. */
static const char OWNERSHIP[] = { '1', '3', '4', '6', '9' };
static const unsigned OWNERSHIP_W[] = { 80, 100, 120, 650, 50 };

/* Partners of China's AEO mutual-recognition arrangements in force in 2021
 * (a subset), weighted by their weight in Liaoning's trade. */
static const char *const MRA[] = { "KR", "JP", "EU", "SG", "HK", "AU", "CH", "NZ", "IL" };
static const unsigned MRA_W[] = { 25, 25, 22, 8, 6, 5, 3, 2, 1 };
#define N_MRA (sizeof MRA / sizeof *MRA)

static const char *const SYLLABLES[] = {
    "Hua", "Xin", "Tai", "Sheng", "Long", "Feng", "Da", "Yuan", "Heng", "Jin", "Fu", "Kang",
    "Rui", "Xing", "Tong", "Cheng", "Hong", "Bao", "Jia", "An", "De", "Hai", "Ming", "Tian",
    "Yu", "Zhong", "Guang", "Wei", "Li", "Run", "Chang", "Kai", "Hui", "Yi", "Shun", "Qiang",
    "Bo", "Lian", "Sen", "Ze", "Peng", "Hao", "Rong", "Ding", "Yao", "Chen",
};
static const char *const FOREIGN_HEAD[] = { "Nord", "Kai", "Han", "Tak", "Bel", "Sun", "Mir", "Ari",
                                            "Vel", "Dae", "Hiro", "Kor", "Tal", "Ost", "Lum", "Mae" };
static const char *const FOREIGN_TAIL[] = { "tec", "vik", "ma", "sung", "ron", "lex", "kawa", "tra",
                                            "mont", "gen", "yo", "lan", "dor", "ika", "wa", "sen" };
#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof *(a)))

/* Per size class (XS..XL), per mille. */
static const unsigned BOTH_WAYS[N_SIZE]       = { 250, 400, 550, 700, 850 };
static const unsigned PROCESSING_BONUS[N_SIZE]= { 0, 30, 80, 150, 200 };
static const unsigned GUARANTEE_NEED[N_SIZE]  = { 80, 150, 250, 400, 500 };
static const unsigned GUARANTEE_FILE[N_SIZE]  = { 150, 250, 400, 600, 750 };
static const unsigned MRA_TRADE[N_SIZE]       = { 250, 450, 650, 800, 900 };
static const unsigned E_ACCOUNT[N_SIZE]       = { 300, 450, 600, 750, 850 };
static const unsigned INSPECTED[N_SIZE]       = { 60, 150, 300, 600, 850 };
static const unsigned LAB[N_SIZE]             = { 40, 80, 150, 300, 450 };
static const unsigned DESTINATION[N_SIZE]     = { 30, 60, 150, 350, 500 };
static const unsigned PENDING[N_SIZE]         = { 20, 40, 70, 120, 200 };
static const unsigned RULING[N_SIZE]          = { 10, 20, 50, 100, 200 };
static const unsigned DISRUPTION[N_SIZE]      = { 30, 40, 60, 150, 250 };
static const unsigned VERIFICATION[N_SIZE]    = { 30, 40, 60, 90, 120 };
static const unsigned NEW_ENTERPRISE[N_SIZE]  = { 550, 450, 300, 150, 50 }; /* registered since the USCC */
/* Per credit tier: how often its goods are inspected (relative to general
 * credit = 100). */
static const unsigned INSPECT_FACTOR[N_CREDIT] = { 35, 55, 100, 300 };

/* Open investigations, exact shares (1/10000) per tier: smuggling, violation
 * of customs rules, none.  The AEOs' rates are higher than real ones would
 * be, so that the sample shows suspension at both tiers (1 advanced and 2
 * general AEOs under a smuggling investigation, 1 and 5 under a violation
 * investigation, for N = 3400). */
enum { CASE_SMUGGLING, CASE_VIOLATION, CASE_NONE, N_CASE };

/* criminal_case_open, the fact Decree 251's suspension rule reads from
 * 2021-11-01 (02_definitions.aeo).  Added after the population was first
 * published, so it is drawn from a stream of its own (CRIMINAL_STREAM +
 * index), and every other fact of every record stays what it was.  Per mille:
 * an open smuggling investigation is a criminal case in most instances (the
 * rest are administrative smuggling cases); without one, a criminal case
 * under another law customs administers (inspection and quarantine, export
 * control) is rare, and less so for dishonest enterprises. */
#define CRIMINAL_STREAM (UINT64_C(1) << 40)
static const unsigned CRIMINAL_IF_SMUGGLING = 700;
static const unsigned CRIMINAL_OTHERWISE[N_CREDIT] = { [ADVANCED] = 2, [GENERAL] = 2, [STANDARD] = 2, [DISHONEST] = 20 };
static const unsigned CASE_SHARE[N_CREDIT][N_CASE] = {
    [ADVANCED]  = { 300, 600, 9100 },
    [GENERAL]   = { 300, 600, 9100 },
    [STANDARD]  = { 30, 250, 9720 },
    [DISHONEST] = { 600, 1500, 7900 },
};

/* --- the record ------------------------------------------------------------- */

/* Optional fields, in output order. */
enum {
    F_CUSTOMS_CODE, F_NAME, F_CERTIFIED_ON, F_DOWNGRADED_ON, F_BUSINESS_TYPES, F_IMPORTS, F_EXPORTS,
    F_SHENYANG_PORTS, F_NEEDS_GUARANTEE, F_GUARANTEE_ON_FILE, F_DUTY_PAYING, F_STATUTORY,
    F_RELEASE_FIRST, F_FOOD_AGRI, F_ORIGIN_CERTS, F_MRA, F_E_ACCOUNT,
    F_SELECTED, F_NO_IRREGULARITY, F_PENDING, F_RULING, F_DISRUPTION, F_LAB, F_PORT,
    F_DESTINATION, F_VERIFICATION, F_SMUGGLING, F_CRIMINAL, F_VIOLATION, F_SUSPENSION_DECIDED,
    F_VIOLATIONS_12M, F_FINES_12M, N_FIELDS
};
static const char *const FIELD_NAME[N_FIELDS] = {
    "customs_code", "name", "certified_on", "downgraded_on", "business_types", "imports", "exports",
    "declares_at_shenyang_ports", "needs_guarantee", "guarantee_on_file", "duty_paying_imports",
    "statutory_inspection_goods", "release_first_goods", "food_agri_exporter",
    "uses_origin_certificates", "mra_markets", "e_account_book", "selected_for_inspection",
    "inspection_found_no_irregularity", "pending_determination", "advance_ruling_applied",
    "disruption_declared", "lab_sampling", "port_inspection", "destination_inspection",
    "open_verification", "smuggling_case_open", "criminal_case_open", "violation_case_open",
    "suspension_decided",
    "violations_12m", "fines_12m_cny",
};

typedef struct {
    char uscc[19], customs_code[11], name[96], area[5];
    int credit, size, area_kind;
    int thin_kind;                /* -1, or how thin the record's source is (see make_record) */
    bool declares_in_liaoning;
    int32_t certified_on, downgraded_on;
    unsigned business;            /* bit per BT_* */
    unsigned mra;                 /* bit per MRA partner */
    bool flag[N_FIELDS];          /* the boolean facts, by field */
    uint64_t violations, fines;
    uint64_t value;               /* internal: trade value, thousands of yuan */
    bool applicable[N_FIELDS];    /* the fact applies to this enterprise */
    bool present[N_FIELDS];       /* ... and the record carries it */
} record;

typedef struct {
    uint64_t seed;
    uint64_t numeric_orgs, new_orgs;   /* organisation code counters */
    uint64_t city_seq[N_CITY];         /* customs code sequences */
} generator;

static void make_codes(generator *g, record *e, rng *r, size_t ci, const char *office)
{
    const city *c = &CITIES[ci];
    size_t nd = 0;
    while (nd < 6 && c->districts[nd]) nd++;
    char body[9];
    if (chance(r, NEW_ENTERPRISE[e->size])) {
        /* "MA" and 6 characters: a bijection of the counter modulo 31^6. */
        uint64_t x = (g->new_orgs++ * 7654321u + 104729u) % 887503681u;
        body[0] = 'M';
        body[1] = 'A';
        for (int i = 7; i >= 2; i--) { body[i] = USCC_ALPHABET[x % 31]; x /= 31; }
    } else {
        /* 8 digits: a bijection of the counter modulo 10^8. */
        uint64_t x = (g->numeric_orgs++ * 48271u + 70238461u) % 100000000u;
        for (int i = 7; i >= 0; i--) { body[i] = (char)('0' + x % 10); x /= 10; }
    }
    body[8] = '\0';
    snprintf(e->uscc, sizeof e->uscc, "91%s%s%s%c", c->division, c->districts[below(r, (uint32_t)nd)],
             body, orgcode_check(body));
    e->uscc[17] = uscc_check(e->uscc);
    e->uscc[18] = '\0';

    /* 0001-9999: a bijection of the city's counter, shifted per city. */
    uint64_t seq = (g->city_seq[ci]++ * 3137u + ci * 1721u + 577u) % 9999u + 1u;
    /* One draw per statement: the order in which a call's arguments are
     * evaluated is unspecified, and the output must not depend on it. */
    char zone = zone_digit(office, r);
    char ownership = OWNERSHIP[pick(r, OWNERSHIP_W, COUNT(OWNERSHIP_W))];
    snprintf(e->customs_code, sizeof e->customs_code, "%s%c%c%04u", c->division, zone, ownership, (unsigned)seq);
}

static void make_name(record *e, rng *r, const city *c, const industry *ind)
{
    size_t nw = 0;
    while (nw < 4 && ind->words[nw]) nw++;
    const char *word = ind->words[below(r, (uint32_t)nw)];
    const char *place = e->area_kind != AREA_OTHER && chance(r, 50) ? "Liaoning" : c->city;
    const char *group = e->size == XL && chance(r, 400) ? " Group" : "";
    char ownership = e->customs_code[5];
    if ((ownership == '3' || ownership == '4') && chance(r, 600)) {
        const char *h = FOREIGN_HEAD[below(r, COUNT(FOREIGN_HEAD))];
        const char *t = FOREIGN_TAIL[below(r, COUNT(FOREIGN_TAIL))];
        snprintf(e->name, sizeof e->name, "%s%s (%s) %s%s Co., Ltd.", h, t, c->city, word, group);
    } else {
        const char *a = SYLLABLES[below(r, COUNT(SYLLABLES))];
        const char *b = SYLLABLES[below(r, COUNT(SYLLABLES))];
        char second[8];
        snprintf(second, sizeof second, "%s", b);
        second[0] = (char)(second[0] - 'A' + 'a');
        snprintf(e->name, sizeof e->name, "%s %s%s %s%s Co., Ltd.", place, a, second, word, group);
    }
}

/* Fills in one enterprise of the given tier and size class. */
static void make_record(generator *g, record *e, uint64_t index, int credit, int size, uint32_t position,
                        int open_case)
{
    rng r = rng_for(g->seed, index + 1);
    memset(e, 0, sizeof *e);
    e->credit = credit;
    e->size = size;
    e->value = trade_value(&r, size, position);
    bool aeo = credit == ADVANCED || credit == GENERAL;

    /* Where. */
    unsigned cw[N_CITY];
    for (size_t i = 0; i < N_CITY; i++) cw[i] = CITIES[i].weight;
    size_t ci = pick(&r, cw, N_CITY);
    const city *c = &CITIES[ci];
    size_t no = 0;
    while (no < 7 && c->offices[no]) no++;
    const char *office = c->offices[pick(&r, c->office_weight, no)];
    memcpy(e->area, office, 5);
    e->area_kind = c->area;
    e->declares_in_liaoning = c->area == AREA_OTHER ? true : !chance(&r, c->area == AREA_SHENYANG ? 50 : 30);
    make_codes(g, e, &r, ci, office);

    /* What. */
    unsigned iw[N_INDUSTRY];
    for (size_t i = 0; i < N_INDUSTRY; i++) iw[i] = INDUSTRIES[i].weight;
    const industry *ind = &INDUSTRIES[pick(&r, iw, N_INDUSTRY)];
    make_name(e, &r, c, ind);

    bool *f = e->flag;
    if (ind->kind == 2) {
        e->business = 1u << BT_BROKERAGE; /* a customs broker: declares for others, trades nothing itself */
    } else {
        if (chance(&r, BOTH_WAYS[size])) {
            f[F_IMPORTS] = f[F_EXPORTS] = true;
        } else {
            f[F_EXPORTS] = chance(&r, ind->exports);
            f[F_IMPORTS] = chance(&r, ind->imports);
            if (!f[F_EXPORTS] && !f[F_IMPORTS]) f[ind->exports >= ind->imports ? F_EXPORTS : F_IMPORTS] = true;
        }
        if (ind->kind != 1 || chance(&r, 300)) e->business |= 1u << BT_GENERAL;
        if (chance(&r, ind->processing + (ind->processing ? PROCESSING_BONUS[size] : 0)))
            e->business |= 1u << BT_PROCESSING;
        if (chance(&r, ind->kind == 3 ? 800 : ind->kind == 1 ? 200 : 15) && f[F_IMPORTS])
            e->business |= 1u << BT_CBEC_IMPORT;
        if (chance(&r, ind->kind == 3 ? 800 : ind->kind == 1 ? 200 : 25) && f[F_EXPORTS])
            e->business |= 1u << BT_CBEC_EXPORT;
        if (chance(&r, ind->kind == 1 ? 700 : size >= L ? 100 : 25)) e->business |= 1u << BT_BONDED;
        if (ind->kind == 1 && chance(&r, 300)) e->business |= 1u << BT_BROKERAGE;
        if (!e->business) e->business = 1u << BT_GENERAL;
    }
    bool processing = e->business & (1u << BT_PROCESSING);
    bool trader = f[F_IMPORTS] || f[F_EXPORTS];

    if (f[F_IMPORTS])
        f[F_DUTY_PAYING] = chance(&r, processing && !(e->business & (1u << BT_GENERAL)) ? 200 : 800);
    f[F_STATUTORY] = trader && chance(&r, ind->statutory);
    f[F_RELEASE_FIRST] = f[F_STATUTORY] && f[F_IMPORTS] && chance(&r, ind->release_first + (size >= L ? 250 : 0));
    f[F_FOOD_AGRI] = f[F_EXPORTS] && chance(&r, ind->food);
    f[F_ORIGIN_CERTS] = f[F_EXPORTS] && chance(&r, 400 + 50 * (unsigned)size);
    f[F_E_ACCOUNT] = processing && chance(&r, E_ACCOUNT[size]);
    if (trader && chance(&r, MRA_TRADE[size])) {
        unsigned k = 1;                      /* how many partners: one draw per statement */
        k += chance(&r, 450);
        k += chance(&r, 250);
        k += chance(&r, 100);
        unsigned w[N_MRA];
        memcpy(w, MRA_W, sizeof w);
        for (unsigned i = 0; i < k; i++) {
            size_t m = pick(&r, w, N_MRA);
            e->mra |= 1u << m;
            w[m] = 0;
        }
    }
    f[F_SHENYANG_PORTS] = e->declares_in_liaoning &&
                          chance(&r, c->area == AREA_SHENYANG ? 880 : c->area == AREA_DALIAN ? 80 : 350);

    /* Current shipments and procedures: more shipments, more chances. */
    unsigned inspected = INSPECTED[size] * INSPECT_FACTOR[credit] / 100;
    f[F_SELECTED] = trader && chance(&r, inspected > 950 ? 950 : inspected);
    f[F_NO_IRREGULARITY] = f[F_SELECTED] && chance(&r, credit == DISHONEST ? 600 : 900);
    f[F_PORT] = f[F_SELECTED] && chance(&r, 800);
    f[F_LAB] = trader && chance(&r, f[F_STATUTORY] ? LAB[size] : LAB[size] / 4);
    f[F_DESTINATION] = f[F_STATUTORY] && f[F_IMPORTS] && chance(&r, DESTINATION[size]);
    f[F_PENDING] = trader && chance(&r, PENDING[size]);
    f[F_RULING] = chance(&r, RULING[size] * (aeo ? 3u : 2u) / 2);
    f[F_DISRUPTION] = trader && chance(&r, DISRUPTION[size]);
    f[F_VERIFICATION] = chance(&r, VERIFICATION[size] * (aeo ? 2u : 1u));
    f[F_NEEDS_GUARANTEE] = f[F_PENDING] ||
        chance(&r, GUARANTEE_NEED[size] + (processing || (e->business & (1u << BT_BONDED)) ? 150 : 0));
    f[F_GUARANTEE_ON_FILE] = chance(&r, f[F_NEEDS_GUARANTEE] ? GUARANTEE_FILE[size] : 20);

    /* Standing: certification, downgrades, cases, record. */
    const int32_t EARLIEST = days_from_civil(2015, 1, 15), DECREE_237 = days_from_civil(2018, 5, 1);
    const int32_t LATEST = days_from_civil(2021, 5, 25);
    e->certified_on = e->downgraded_on = -1;
    if (credit == ADVANCED) {
        e->certified_on = date_between(&r, days_from_civil(2015, 3, 1), days_from_civil(2021, 3, 31));
    } else if (credit == GENERAL) {
        if (chance(&r, 100)) { /* a former advanced AEO */
            e->certified_on = date_between(&r, EARLIEST, days_from_civil(2017, 12, 31));
            e->downgraded_on = date_between(&r, DECREE_237, LATEST);
        } else {
            e->certified_on = date_between(&r, EARLIEST, days_from_civil(2021, 5, 20));
        }
    } else if (credit == STANDARD) {
        if (chance(&r, 30)) e->downgraded_on = date_between(&r, DECREE_237, LATEST); /* a former AEO */
    } else if (chance(&r, 600)) {
        e->downgraded_on = date_between(&r, days_from_civil(2019, 1, 1), LATEST);
    }
    f[F_SMUGGLING] = open_case == CASE_SMUGGLING;
    f[F_VIOLATION] = open_case == CASE_VIOLATION;
    f[F_SUSPENSION_DECIDED] = f[F_VIOLATION] && chance(&r, 400);
    if (credit == DISHONEST) e->violations = 1 + below(&r, 6);
    else if (chance(&r, aeo ? 30 : 150)) e->violations = aeo ? 1 : 1 + below(&r, 3);
    for (uint64_t i = 0; i < e->violations; i++)
        e->fines += (uint64_t)(20 + below(&r, credit == DISHONEST ? 5000 : 3000)) * 100;

    /* Which facts apply, and which the record carries. */
    for (int i = 0; i < N_FIELDS; i++) e->applicable[i] = true;
    e->applicable[F_CERTIFIED_ON] = e->certified_on >= 0;
    e->applicable[F_DOWNGRADED_ON] = e->downgraded_on >= 0;
    e->applicable[F_NO_IRREGULARITY] = f[F_SELECTED];
    e->applicable[F_SUSPENSION_DECIDED] = f[F_VIOLATION];
    memcpy(e->present, e->applicable, sizeof e->present);
    e->thin_kind = -1;
    if (chance(&r, 130)) {
        unsigned kind = below(&r, 100);
        e->thin_kind = (int)kind;
        for (int i = 0; i < N_FIELDS; i++) {
            if (i == F_DOWNGRADED_ON) continue; /* absent means never: not droppable */
            if (i == F_CRIMINAL) continue;      /* its own stream, below */
            bool shipment = i >= F_SELECTED && i <= F_VERIFICATION;
            bool identity = i == F_NAME || i == F_CUSTOMS_CODE;
            if (kind < 45) {                 /* no data on current shipments */
                if (shipment) e->present[i] = false;
            } else if (kind < 85) {          /* a patchy record */
                if (!identity && chance(&r, 300)) e->present[i] = false;
            } else {                         /* little beyond the required fields */
                if (!identity) e->present[i] = false;
            }
        }
    }

    /* criminal_case_open, from its own stream, dropped as the record's other
     * facts are: kept by a record without shipment data, dropped with
     * the same chance from a patchy one, always from a bare one. */
    rng cr = rng_for(g->seed, CRIMINAL_STREAM + index);
    f[F_CRIMINAL] = chance(&cr, f[F_SMUGGLING] ? CRIMINAL_IF_SMUGGLING : CRIMINAL_OTHERWISE[credit]);
    if (e->thin_kind >= 85 || (e->thin_kind >= 45 && chance(&cr, 300))) e->present[F_CRIMINAL] = false;
}

/* --- output ------------------------------------------------------------------ */

typedef struct { char buf[1 << 16]; size_t len; bool first; } out;

static void flush(out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, stdout) != o->len) {
        perror("generate: stdout");
        exit(2);
    }
    o->len = 0;
}

static void put(out *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_u64(out *o, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) o->buf[o->len++] = tmp[--n];
}

static void key(out *o, const char *k)
{
    put(o, o->first ? "{\"" : ",\"");
    o->first = false;
    put(o, k);
    put(o, "\":");
}

static void put_string(out *o, const char *k, const char *s)
{
    key(o, k);
    put(o, "\"");
    put(o, s); /* names and codes need no escaping: letters, digits, " &(),.-" */
    put(o, "\"");
}

static void put_bool(out *o, const char *k, bool v)
{
    key(o, k);
    put(o, v ? "true" : "false");
}

static void put_date(out *o, const char *k, int32_t days)
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    char s[11] = "0000-00-00";
    for (int i = 3; i >= 0; i--) { s[i] = (char)('0' + y % 10); y /= 10; }
    s[5] = (char)('0' + m / 10);
    s[6] = (char)('0' + m % 10);
    s[8] = (char)('0' + d / 10);
    s[9] = (char)('0' + d % 10);
    put_string(o, k, s);
}

static void write_record(out *o, const record *e)
{
    const bool *p = e->present;
    o->first = true;
    put_string(o, "uscc", e->uscc);
    if (p[F_CUSTOMS_CODE]) put_string(o, "customs_code", e->customs_code);
    if (p[F_NAME]) put_string(o, "name", e->name);
    put_string(o, "credit", CREDIT_NAME[e->credit]);
    put_string(o, "registered_area", e->area);
    put_bool(o, "declares_in_liaoning", e->declares_in_liaoning);
    key(o, "trade_value_cny");
    put_u64(o, e->value * 1000);
    if (p[F_CERTIFIED_ON]) put_date(o, "certified_on", e->certified_on);
    if (p[F_DOWNGRADED_ON]) put_date(o, "downgraded_on", e->downgraded_on);
    if (p[F_BUSINESS_TYPES]) {
        key(o, "business_types");
        put(o, "[");
        const char *sep = "\"";
        for (int i = 0; i < N_BT; i++)
            if (e->business & (1u << i)) { put(o, sep); put(o, BT_NAME[i]); put(o, "\""); sep = ",\""; }
        put(o, "]");
    }
    for (int i = F_IMPORTS; i < N_FIELDS; i++) {
        if (!p[i]) continue;
        if (i == F_MRA) {
            key(o, "mra_markets");
            put(o, "[");
            const char *sep = "\"";
            for (size_t m = 0; m < N_MRA; m++)
                if (e->mra & (1u << m)) { put(o, sep); put(o, MRA[m]); put(o, "\""); sep = ",\""; }
            put(o, "]");
        } else if (i == F_VIOLATIONS_12M) {
            key(o, FIELD_NAME[i]);
            put_u64(o, e->violations);
        } else if (i == F_FINES_12M) {
            key(o, FIELD_NAME[i]);
            put_u64(o, e->fines);
        } else {
            put_bool(o, FIELD_NAME[i], e->flag[i]);
        }
    }
    put(o, "}\n");
}

/* --- statistics (-v) ---------------------------------------------------------- */

typedef struct {
    uint64_t credit[N_CREDIT], area[3], out_of_liaoning;
    uint64_t value_aeo, value_all;
    uint64_t thin_records, absent, applicable;
} stats;

static void count(stats *s, const record *e)
{
    s->credit[e->credit]++;
    s->area[e->area_kind]++;
    s->out_of_liaoning += !e->declares_in_liaoning;
    s->value_all += e->value;
    if (e->credit == ADVANCED || e->credit == GENERAL) s->value_aeo += e->value;
    bool thin = false;
    for (int i = 0; i < N_FIELDS; i++) {
        if (!e->applicable[i] || i == F_NAME || i == F_CUSTOMS_CODE) continue;
        s->applicable++;
        if (!e->present[i]) { s->absent++; thin = true; }
    }
    s->thin_records += thin;
}

/* "a.bc%" of part in whole, from integers. */
static void percent(char *buf, size_t size, uint64_t part, uint64_t whole)
{
    uint64_t bp = whole ? (part * 10000 + whole / 2) / whole : 0;
    snprintf(buf, size, "%u.%02u%%", (unsigned)(bp / 100), (unsigned)(bp % 100));
}

static void report(const stats *s, uint64_t n)
{
    char a[16], b[16], c[16];
    uint64_t aeo = s->credit[ADVANCED] + s->credit[GENERAL];
    percent(a, sizeof a, aeo, n);
    percent(b, sizeof b, s->value_aeo, s->value_all);
    fprintf(stderr, "records: %llu\n", (unsigned long long)n);
    fprintf(stderr, "credit: advanced %llu, general %llu, standard %llu, dishonest %llu\n",
            (unsigned long long)s->credit[ADVANCED], (unsigned long long)s->credit[GENERAL],
            (unsigned long long)s->credit[STANDARD], (unsigned long long)s->credit[DISHONEST]);
    fprintf(stderr, "AEOs: %llu (%s of records), %s of the model's trade value (%llu of %llu million yuan)\n",
            (unsigned long long)aeo, a, b, (unsigned long long)(s->value_aeo / 1000),
            (unsigned long long)(s->value_all / 1000));
    fprintf(stderr, "registered: Shenyang Customs area %llu, Dalian Customs area %llu, other provinces %llu; "
            "declaring only outside Liaoning %llu\n",
            (unsigned long long)s->area[AREA_SHENYANG], (unsigned long long)s->area[AREA_DALIAN],
            (unsigned long long)s->area[AREA_OTHER], (unsigned long long)s->out_of_liaoning);
    percent(a, sizeof a, s->thin_records, n);
    percent(c, sizeof c, s->absent, s->applicable);
    fprintf(stderr, "records missing optional facts: %llu (%s); absent: %llu of %llu applicable optional facts (%s)\n",
            (unsigned long long)s->thin_records, a, (unsigned long long)s->absent,
            (unsigned long long)s->applicable, c);
}

/* --- main --------------------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s || *s == '-') return false;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end) return false;
    *v = (uint64_t)x;
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: generate [-n N] [-s SEED] [-v]\n"
                    "  N records (default %u, at most %u) of synthetic Liaoning enterprises as JSON Lines;\n"
                    "  SEED (default %u) fixes them; -v prints statistics to stderr\n",
            DEFAULT_N, MAX_N, DEFAULT_SEED);
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t n = DEFAULT_N, seed = DEFAULT_SEED;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            if (!parse_u64(argv[++i], &n) || n > MAX_N) return usage();
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            if (!parse_u64(argv[++i], &seed)) return usage();
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else {
            return usage();
        }
    }
    if (!codes_self_check()) {
        fprintf(stderr, "generate: the USCC check rule disagrees with its published examples\n");
        return 2;
    }

    /* Exact counts per tier, then per size class within each tier. */
    uint64_t aeos = (n * 3 + 50) / 100;
    uint64_t advanced = (aeos * 2 + 4) / 9;
    uint64_t dishonest = (n + 50) / 100;
    urn tiers = { { advanced, aeos - advanced, n - aeos - dishonest, dishonest }, N_CREDIT };
    urn sizes[N_CREDIT], cases[N_CREDIT];
    for (int t = 0; t < N_CREDIT; t++) {
        urn_fill(&sizes[t], tiers.left[t], SIZE_SHARE[t], N_SIZE);
        urn_fill(&cases[t], tiers.left[t], CASE_SHARE[t], N_CASE);
    }

    generator g = { .seed = seed };
    rng draw = rng_for(seed, 0);
    spread position[N_CREDIT][N_SIZE];
    for (int t = 0; t < N_CREDIT; t++)
        for (int c = 0; c < N_SIZE; c++) position[t][c] = spread_new(sizes[t].left[c], &draw);
    static out o;
    static record e;
    stats s = { 0 };
    for (uint64_t i = 0; i < n; i++) {
        int credit = (int)urn_draw(&tiers, &draw);
        int size = (int)urn_draw(&sizes[credit], &draw);
        int open_case = (int)urn_draw(&cases[credit], &draw);
        make_record(&g, &e, i, credit, size, spread_next(&position[credit][size]), open_case);
        write_record(&o, &e);
        if (o.len > sizeof o.buf - 4096) flush(&o);
        count(&s, &e);
    }
    flush(&o);
    if (fflush(stdout) != 0) {
        perror("generate: stdout");
        return 2;
    }
    if (verbose) report(&s, n);
    return 0;
}
