/* Bytecode chunks: the assembler side (emit, patch, constants), the table
 * of opcode properties derived from opcodes.def, the disassembler and the
 * verifier.
 *
 * Everything that depends on an instruction's shape goes through
 * aeo_op_info_table, built from the X-macro list, so adding an opcode is one
 * line in opcodes.def plus its case in the VM: the disassembler, the stack
 * accounting and the verifier follow by themselves.
 *
 * Encoding: one opcode byte, then the operands in the layout opcodes.def
 * names, 16-bit values little-endian whatever the host, so a dump reads the
 * same everywhere.  Jump offsets are signed and relative to the end of the
 * jumping instruction (so 0 falls through).  Each byte of code has a span
 * (spans[] runs parallel to code[]): the VM maps any pc, including the
 * middle of an instruction, back to source text.
 *
 * What the verifier proves (debug builds run it on every compiled chunk,
 * and the disassembler on every chunk it prints): opcodes are known,
 * instructions are whole, every jump lands on an instruction start or the
 * end, constant and local operands are in range, and the chunk ends with
 * RETURN.  Stack balance is the assembler's: aeo_chunk_emit tracks the
 * depth, so max_stack is exact and the VM checks for room once per call
 * (locals + max_stack) instead of on every push. */
#include "runtime/bytecode.h"

#include <stdlib.h>
#include <string.h>

/* Instruction lengths by operand layout, opcode byte included. */
#define LEN_NONE 1
#define LEN_U8 2
#define LEN_U16 3
#define LEN_I16 3
#define LEN_U16_U16 5
#define LEN_U16_U8 4
#define LEN_U8_I16 4
#define LEN_I16_I16 5

const aeo_op_info aeo_op_info_table[AEO_OP__COUNT] = {
#define OP(name, operands, pop, push) \
    {#name, AEO_OPND_##operands, LEN_##operands, pop, push},
#include "runtime/opcodes.def"
#undef OP
};

/* The name is copied: chunks outlive the AST and catalog strings they are
 * named after (a program keeps its chunks). */
aeo_chunk *aeo_chunk_new(const char *name) {
    aeo_chunk *c = aeo_xcalloc(1, sizeof *c);
    c->name = aeo_xstrdup(name ? name : "");
    return c;
}

void aeo_chunk_free(aeo_chunk *c) {
    if (!c) return;
    free((void *)(uintptr_t)c->name);
    free(c->code);
    free(c->spans);
    free(c->consts);
    free(c);
}

/* Appends one byte with its span; code[] and spans[] grow together so
 * that spans[pc] is always valid for pc < len. */
static void put(aeo_chunk *c, uint8_t byte, aeo_span span) {
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->code = aeo_xrealloc(c->code, c->cap);
        c->spans = aeo_xrealloc(c->spans, c->cap * sizeof *c->spans);
    }
    c->spans[c->len] = span;
    c->code[c->len++] = byte;
}

/* Little-endian; a negative jump offset is stored as its 16-bit two's
 * complement and read back through int16_t (aeo_op_operand). */
static void put16(aeo_chunk *c, int32_t v, aeo_span span) {
    uint16_t u = (uint16_t)v;
    put(c, (uint8_t)(u & 0xff), span);
    put(c, (uint8_t)(u >> 8), span);
}

/* Operand [which] of the instruction at [code], decoded by layout: the one
 * place that knows where each operand sits, shared by the stack
 * accounting, the verifier and the disassembler (the VM decodes its hot
 * operands inline). */
int32_t aeo_op_operand(const uint8_t *code, int which) {
    const aeo_op_info *info = &aeo_op_info_table[code[0]];
    const uint8_t *p = code + 1;
    uint16_t u16a = (uint16_t)(p[0] | (p[1] << 8));
    switch (info->operands) {
    case AEO_OPND_NONE: return 0;
    case AEO_OPND_U8: return p[0];
    case AEO_OPND_U16: return u16a;
    case AEO_OPND_I16: return (int16_t)u16a;
    case AEO_OPND_U16_U16:
        return which == 0 ? u16a : (int32_t)(uint16_t)(p[2] | (p[3] << 8));
    case AEO_OPND_U16_U8: return which == 0 ? u16a : p[2];
    case AEO_OPND_U8_I16:
        return which == 0 ? p[0] : (int16_t)(uint16_t)(p[1] | (p[2] << 8));
    case AEO_OPND_I16_I16:
        return which == 0 ? (int16_t)u16a : (int16_t)(uint16_t)(p[2] | (p[3] << 8));
    }
    return 0;
}

/* The net stack effect of one instruction.  opcodes.def gives fixed
 * pop/push counts; pop = -1 marks the variadic ops, whose count is an
 * operand: LIST n pops n items, MAP n pops n key/value pairs, CALL and
 * CALL_FN pop their argument count (the receiver included). */
int aeo_op_stack_effect(const uint8_t *code) {
    const aeo_op_info *info = &aeo_op_info_table[code[0]];
    if (info->pop >= 0) return info->push - info->pop;
    switch ((aeo_opcode)code[0]) {
    case AEO_OP_LIST: return 1 - aeo_op_operand(code, 0);
    case AEO_OP_MAP: return 1 - 2 * aeo_op_operand(code, 0);
    case AEO_OP_CALL:
    case AEO_OP_CALL_FN: return 1 - aeo_op_operand(code, 1);
    default: return 0;
    }
}

uint32_t aeo_chunk_emit(aeo_chunk *c, aeo_opcode op, int32_t a, int32_t b, aeo_span span) {
    uint32_t at = c->len;
    const aeo_op_info *info = &aeo_op_info_table[op];
    put(c, (uint8_t)op, span);
    switch (info->operands) {
    case AEO_OPND_NONE: break;
    case AEO_OPND_U8: put(c, (uint8_t)a, span); break;
    case AEO_OPND_U16:
    case AEO_OPND_I16: put16(c, a, span); break;
    case AEO_OPND_U16_U16:
    case AEO_OPND_I16_I16: put16(c, a, span); put16(c, b, span); break;
    case AEO_OPND_U16_U8: put16(c, a, span); put(c, (uint8_t)b, span); break;
    case AEO_OPND_U8_I16: put(c, (uint8_t)a, span); put16(c, b, span); break;
    }
    int eff = aeo_op_stack_effect(c->code + at);
    /* Depth bookkeeping: pops happen before pushes, so the peak is the
     * depth before plus pushes for ops that pop nothing. */
    int64_t d = (int64_t)c->depth + eff;
    if (d < 0) d = 0;
    c->depth = (uint32_t)d;
    uint32_t peak = c->depth + (info->pop == 0 ? 0u : 1u);
    if (peak > c->max_stack) c->max_stack = peak;
    return at;
}

/* Makes jump operand [which] of the instruction at [at] land at the
 * current end of the chunk (forward jumps are emitted with offset 0 and
 * patched once the target is known).  Returns false when the distance does
 * not fit 16 bits; the compiler turns that into E0007. */
bool aeo_chunk_patch(aeo_chunk *c, uint32_t at, int which) {
    const aeo_op_info *info = &aeo_op_info_table[c->code[at]];
    uint32_t end = at + info->length;
    int64_t off = (int64_t)c->len - end;
    if (off > INT16_MAX || off < INT16_MIN) return false;
    uint32_t pos;
    switch (info->operands) {
    case AEO_OPND_I16: pos = at + 1; break;
    case AEO_OPND_U8_I16: pos = at + 2; break;
    case AEO_OPND_I16_I16: pos = at + 1 + (which ? 2u : 0u); break;
    default: return false;
    }
    uint16_t u = (uint16_t)(int16_t)off;
    c->code[pos] = (uint8_t)(u & 0xff);
    c->code[pos + 1] = (uint8_t)(u >> 8);
    return true;
}

/* Where control paths join (the arms of ?:, a loop's exit), the linear
 * depth count of aeo_chunk_emit is wrong for one of them: the compiler
 * states the depth both paths leave. */
void aeo_chunk_set_depth(aeo_chunk *c, uint32_t depth) {
    c->depth = depth;
    if (depth > c->max_stack) c->max_stack = depth;
}

/* Constant pool dedup: same kind and same bits.  Doubles compare by bits,
 * not ==, so 0.0 and -0.0 stay two constants and NaN matches itself.
 * Lists and maps are never shared (default: false): each literal list is
 * its own constant with its own index. */
static bool const_same(aeo_value x, aeo_value y) {
    if (x.kind != y.kind) return false;
    switch ((aeo_vkind)x.kind) {
    case AEO_V_NULL: return true;
    case AEO_V_BOOL: return x.as.b == y.as.b;
    case AEO_V_INT: return x.as.i == y.as.i;
    case AEO_V_UINT: return x.as.u == y.as.u;
    case AEO_V_DOUBLE: return memcmp(&x.as.d, &y.as.d, sizeof x.as.d) == 0;
    case AEO_V_TIMESTAMP:
    case AEO_V_DURATION: return x.as.i == y.as.i && x.nanos == y.nanos;
    case AEO_V_STRING:
    case AEO_V_BYTES:
        return aeo_str_equal(x.as.s, y.as.s);
    default: return false;
    }
}

/* A linear search is fine: chunks are one expression each, with a handful
 * of constants. */
uint32_t aeo_chunk_const(aeo_chunk *c, aeo_value v) {
    for (uint32_t i = 0; i < c->n_consts; i++)
        if (const_same(c->consts[i], v)) return i;
    if (c->n_consts == c->cap_consts) {
        c->cap_consts = c->cap_consts ? c->cap_consts * 2 : 8;
        c->consts = aeo_xrealloc(c->consts, c->cap_consts * sizeof *c->consts);
    }
    c->consts[c->n_consts] = v;
    return c->n_consts++;
}

static bool is_jump_layout(aeo_operands o) {
    return o == AEO_OPND_I16 || o == AEO_OPND_U8_I16 || o == AEO_OPND_I16_I16;
}

bool aeo_chunk_verify(const aeo_chunk *c, const char **why) {
    /* Mark instruction starts, then check every jump target. */
    uint8_t *start = aeo_xcalloc(c->len + 1, 1);
    bool ok = true;
    const char *msg = NULL;
    for (uint32_t pc = 0; pc < c->len;) {
        if (c->code[pc] >= AEO_OP__COUNT) { ok = false; msg = "unknown opcode"; goto out; }
        const aeo_op_info *info = &aeo_op_info_table[c->code[pc]];
        if (pc + info->length > c->len) { ok = false; msg = "truncated instruction"; goto out; }
        start[pc] = 1;
        pc += info->length;
    }
    start[c->len] = 1;
    for (uint32_t pc = 0; pc < c->len;) {
        const uint8_t *ip = c->code + pc;
        const aeo_op_info *info = &aeo_op_info_table[ip[0]];
        uint32_t end = pc + info->length;
        if (is_jump_layout(info->operands)) {
            int n = info->operands == AEO_OPND_I16_I16 ? 2 : 1;
            for (int k = 0; k < n; k++) {
                int which = info->operands == AEO_OPND_U8_I16 ? 1 : k;
                int64_t t = (int64_t)end + aeo_op_operand(ip, which);
                if (t < 0 || t > (int64_t)c->len || !start[t]) {
                    ok = false; msg = "jump to a non-instruction"; goto out;
                }
            }
        }
        if (ip[0] == AEO_OP_CONST || ip[0] == AEO_OP_SELECT || ip[0] == AEO_OP_HAS) {
            if ((uint32_t)aeo_op_operand(ip, 0) >= c->n_consts) { ok = false; msg = "constant out of range"; goto out; }
        }
        if ((ip[0] == AEO_OP_FIELD || ip[0] == AEO_OP_ROOT_FIELD) && (uint32_t)aeo_op_operand(ip, 1) >= c->n_consts) {
            ok = false; msg = "constant out of range"; goto out;
        }
        if (ip[0] == AEO_OP_LOAD_LOCAL && aeo_op_operand(ip, 0) >= c->n_locals) {
            ok = false; msg = "local out of range"; goto out;
        }
        if ((ip[0] == AEO_OP_ITER_BEGIN || ip[0] == AEO_OP_ITER_NEXT || ip[0] == AEO_OP_FILTER ||
             ip[0] == AEO_OP_MAP_INSERT) &&
            aeo_op_operand(ip, 0) + 3 > c->n_locals) {
            ok = false; msg = "iteration slots out of range"; goto out;
        }
        if (ip[0] == AEO_OP_ITER_NEXT2 && aeo_op_operand(ip, 0) + 4 > c->n_locals) {
            ok = false; msg = "iteration slots out of range"; goto out;
        }
        pc = end;
    }
    if (c->len == 0 || c->code[c->len - 1] != AEO_OP_RETURN) {
        /* A chunk must end with RETURN so the VM cannot run off its end. */
        bool last_return = false;
        for (uint32_t pc = 0; pc < c->len;) {
            last_return = c->code[pc] == AEO_OP_RETURN;
            pc += aeo_op_info_table[c->code[pc]].length;
        }
        if (!last_return) { ok = false; msg = "chunk does not end with RETURN"; }
    }
out:
    free(start);
    if (why) *why = msg;
    return ok;
}

/* One line per instruction, clox style ("0007  12:5  JUMP_IF_FALSE  +9 ->
 * 0018"), formatted by operand layout only, so no opcode needs a case
 * here.  It verifies first but prints anyway: a malformed chunk is exactly
 * the one worth reading, and the verdict is the last line. */
bool aeo_chunk_disasm(const aeo_chunk *c, FILE *out, aeo_span_namer namer, void *ud) {
    const char *why = NULL;
    bool ok = aeo_chunk_verify(c, &why);
    fprintf(out, "== %s ==  (%u bytes, %u constants, max stack %u, %u locals)\n",
            c->name, c->len, c->n_consts, c->max_stack, (unsigned)c->n_locals);
    for (uint32_t pc = 0; pc < c->len;) {
        const uint8_t *ip = c->code + pc;
        if (ip[0] >= AEO_OP__COUNT) { fprintf(out, "%04u  ?? %u\n", pc, ip[0]); return false; }
        const aeo_op_info *info = &aeo_op_info_table[ip[0]];
        if (pc + info->length > c->len) { fprintf(out, "%04u  (truncated)\n", pc); return false; }
        char where[32];
        if (namer) namer(ud, c->spans[pc], where, sizeof where);
        else snprintf(where, sizeof where, "%u", c->spans[pc].start);
        char ops[64] = "";
        uint32_t end = pc + info->length;
        switch (info->operands) {
        case AEO_OPND_NONE: break;
        case AEO_OPND_U8:
        case AEO_OPND_U16:
            snprintf(ops, sizeof ops, "%d", aeo_op_operand(ip, 0));
            break;
        case AEO_OPND_I16: {
            int32_t off = aeo_op_operand(ip, 0);
            snprintf(ops, sizeof ops, "%+d -> %04u", off, (unsigned)((int64_t)end + off));
            break;
        }
        case AEO_OPND_U16_U16:
        case AEO_OPND_U16_U8:
            snprintf(ops, sizeof ops, "%d %d", aeo_op_operand(ip, 0), aeo_op_operand(ip, 1));
            break;
        case AEO_OPND_U8_I16: {
            int32_t off = aeo_op_operand(ip, 1);
            snprintf(ops, sizeof ops, "%d %+d -> %04u", aeo_op_operand(ip, 0), off,
                     (unsigned)((int64_t)end + off));
            break;
        }
        case AEO_OPND_I16_I16: {
            int32_t o1 = aeo_op_operand(ip, 0), o2 = aeo_op_operand(ip, 1);
            snprintf(ops, sizeof ops, "%+d -> %04u, %+d -> %04u", o1, (unsigned)((int64_t)end + o1), o2,
                     (unsigned)((int64_t)end + o2));
            break;
        }
        }
        if (ops[0]) fprintf(out, "%04u  %-7s %-18s %s", pc, where, info->name, ops);
        else fprintf(out, "%04u  %-7s %s", pc, where, info->name);
        /* Show the constant an instruction refers to. */
        int cidx = -1;
        if (ip[0] == AEO_OP_CONST || ip[0] == AEO_OP_SELECT || ip[0] == AEO_OP_HAS) cidx = aeo_op_operand(ip, 0);
        else if (ip[0] == AEO_OP_FIELD || ip[0] == AEO_OP_ROOT_FIELD) cidx = aeo_op_operand(ip, 1);
        if (cidx >= 0 && (uint32_t)cidx < c->n_consts) {
            aeo_buf b = {0};
            aeo_value_format(&b, c->consts[cidx]);
            fprintf(out, "    ; %.*s", (int)(b.len > 60 ? 60 : b.len), b.data ? b.data : "");
            aeo_buf_free(&b);
        }
        fputc('\n', out);
        pc = end;
    }
    if (!ok) fprintf(out, "; malformed chunk: %s\n", why);
    return ok;
}

