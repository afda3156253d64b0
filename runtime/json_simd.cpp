// simdjson behind aeo's C interface (runtime/json_simd.h).  Compiled with
// g++ -std=c++17; the only C++ in aeo.  simdjson's DOM parser, not
// On-Demand: its parse validates the whole text (On-Demand checks only
// what is visited, and facts.c promises RFC 8259 for the fields it skips
// too), and its kernels are chosen at run time inside libsimdjson for the
// CPU at hand (On-Demand's are compiled into the caller, for the baseline
// x86-64 unless built with -march).  Measured on the Shenyang records:
// DOM with the run-time kernel parses about 1.5x faster than On-Demand
// compiled for the baseline (tests/bench/README.md, "reader").
#include "runtime/json_simd.h"

#include <simdjson.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>

extern "C" {
#include "runtime/arena.h"
}

namespace {

// One parser per thread (aeo eval -j decodes in several), with the padded
// copy of the text it parses: simdjson reads up to SIMDJSON_PADDING bytes
// past the end, which a record lying in an input block cannot promise.
struct state {
    simdjson::dom::parser parser{AEO_SJ_MAX_TEXT};
    char *buf = nullptr;
    size_t cap = 0;
    bool ready = false;
    ~state() { std::free(buf); }
};

thread_local state st;

// libsimdjson picks its kernel for the CPU on first use, building its
// table of kernels with allocations that throw std::bad_alloc inside
// noexcept functions: out of memory there, the C++ runtime terminates the
// process (SIGABRT), which no caller could catch.  So the first use is
// made here, once for the process, with a terminate handler that reports
// it as aeo reports exhausted memory everywhere ("aeo: out of memory",
// exit 2: runtime/arena.c), and then the embedder's handler is put back.
std::mutex kernel_lock;
std::atomic<bool> kernel_chosen{false};

[[noreturn]] void kernel_oom() { aeo_out_of_memory(); }

void choose_kernel() {
    if (kernel_chosen.load(std::memory_order_acquire)) return;
    std::lock_guard<std::mutex> hold(kernel_lock);
    if (!kernel_chosen.load(std::memory_order_relaxed)) {
        std::terminate_handler old = std::set_terminate(kernel_oom);
        const simdjson::implementation *k = simdjson::get_active_implementation();
        (void)k->name();
        std::set_terminate(old);
        kernel_chosen.store(true, std::memory_order_release);
    }
}

aeo_sj_status parse(const char *text, size_t len, aeo_sj_doc *doc) {
    if (len > AEO_SJ_MAX_TEXT) return AEO_SJ_UNAVAILABLE;
    state &s = st;
    if (!s.ready) {
        choose_kernel();
        // The depth limit is set with the first allocation; later growth
        // (the parser grows to the longest text, up to AEO_SJ_MAX_TEXT)
        // keeps it.
        if (s.parser.allocate(4096, AEO_SJ_MAX_DEPTH) != simdjson::SUCCESS) return AEO_SJ_UNAVAILABLE;
        s.ready = true;
    }
    if (len + simdjson::SIMDJSON_PADDING > s.cap) {
        size_t cap = s.cap ? s.cap : 4096;
        while (cap < len + simdjson::SIMDJSON_PADDING) cap *= 2;
        char *b = static_cast<char *>(std::realloc(s.buf, cap));
        if (!b) return AEO_SJ_UNAVAILABLE;
        s.buf = b;
        s.cap = cap;
    }
    std::memcpy(s.buf, text, len);
    std::memset(s.buf + len, ' ', simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    simdjson::error_code e = s.parser.parse(s.buf, len, false).get(root);
    if (e == simdjson::MEMALLOC || e == simdjson::CAPACITY) return AEO_SJ_UNAVAILABLE;
    if (e != simdjson::SUCCESS) return AEO_SJ_REFUSED;
    doc->tape = s.parser.doc.tape.get();
    doc->strings = s.parser.doc.string_buf.get();
    return AEO_SJ_OK;
}

}  // namespace

extern "C" aeo_sj_status aeo_sj_parse(const char *text, size_t len, aeo_sj_doc *doc) {
    // simdjson reports allocation failures as MEMALLOC; anything thrown
    // (std::bad_alloc from a library allocation) must not cross into C.
    try {
        return parse(text, len, doc);
    } catch (...) {
        return AEO_SJ_UNAVAILABLE;
    }
}
