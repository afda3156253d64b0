/* libFuzzer entry point, the parse stage: arbitrary bytes as a rule file,
 * parsed (the scanner, the parser and its recovery), dumped as `aeo parse
 * --dump-ast` does, and, when it parses cleanly, formatted (`aeo fmt`).
 * Anything but diagnostics (a crash, a sanitizer report, a hang) is a bug.
 * Built and run by `make fuzz` (seeds: tests/fuzz/corpus/parse). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/ast.h"
#include "lang/catalog.h"
#include "lang/fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pos_of(void *ud, uint32_t offset, uint32_t *line, uint32_t *col) {
    const aeo_catalog *c = ud;
    aeo_sources_position(&c->sources, c->files[0].source, offset, line, col);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    aeo_catalog *c = aeo_catalog_new();
    aeo_catalog_add_text(c, "fuzz.aeo", (const char *)data, size);
    if (sink && c->n_files) aeo_ast_dump(sink, &c->files[0], pos_of, c);
    if (c->diags.n_errors == 0 && c->n_files) {
        aeo_buf out = {0};
        aeo_fmt_file(&c->sources, &c->files[0], &out);
        aeo_buf_free(&out);
    }
    aeo_catalog_free(c);
    return 0;
}
