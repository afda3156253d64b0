/* Bytecode: chunks of instructions for the stack VM.
 *
 * A chunk is the compiled form of one measure, def, const, test or REPL
 * expression: a byte array of instructions, a constant pool, and a span per
 * code byte so that a runtime error can point at its source.
 *
 * The bytecode format matters in:
 *   runtime/opcodes.def  the opcode table (the only list of opcodes);
 *   runtime/bytecode.c   operand layouts, lengths, stack effects, the assembler,
 *                        and the disassembler (aeo_chunk_disasm), driven by the
 *                        table with no per-opcode case;
 *   runtime/vm.c         execution;
 *   lang/compile.c       code generation;
 *   tests/unit/          hand-assembled chunks and the round-trip test.
 * Operands are little-endian; jump offsets are signed 16-bit and relative to
 * the end of the jumping instruction. */
#ifndef AEO_RUNTIME_BYTECODE_H
#define AEO_RUNTIME_BYTECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/span.h"
#include "runtime/value.h"

typedef enum {
#define OP(name, operands, pop, push) AEO_OP_##name,
#include "runtime/opcodes.def"
#undef OP
    AEO_OP__COUNT
} aeo_opcode;

_Static_assert(AEO_OP__COUNT <= 256, "opcodes must fit in a byte");

/* Operand layouts: each fixes the instruction's length. */
typedef enum {
    AEO_OPND_NONE,     /* no operand                      length 1 */
    AEO_OPND_U8,       /* u8                              length 2 */
    AEO_OPND_U16,      /* u16                             length 3 */
    AEO_OPND_I16,      /* i16 jump                        length 3 */
    AEO_OPND_U16_U16,  /* u16 u16                         length 5 */
    AEO_OPND_U16_U8,   /* u16 u8                          length 4 */
    AEO_OPND_U8_I16,   /* u8 i16 jump                     length 4 */
    AEO_OPND_I16_I16   /* i16 jump, i16 jump              length 5 */
} aeo_operands;

typedef struct aeo_op_info {
    const char *name;
    aeo_operands operands;
    uint8_t length;    /* bytes, opcode included */
    int8_t pop, push;  /* pop -1: operand-dependent */
} aeo_op_info;

extern const aeo_op_info aeo_op_info_table[AEO_OP__COUNT];

typedef struct aeo_chunk {
    const char *name;        /* "measure M01", "def in_jurisdiction", ... */
    uint8_t *code;
    aeo_span *spans;         /* spans[i]: source of the instruction at byte i */
    uint32_t len, cap;
    aeo_value *consts;       /* objects live in the program's arena */
    uint32_t n_consts, cap_consts;
    uint32_t max_stack;      /* computed by the assembler from stack effects */
    uint32_t depth;          /* current depth while assembling */
    uint8_t n_locals;        /* macro iteration slots */
} aeo_chunk;

/* A new, empty chunk named [name] (copied).  Free with aeo_chunk_free. */
aeo_chunk *aeo_chunk_new(const char *name);
void aeo_chunk_free(aeo_chunk *c);
/* Appends instruction [op] with operands [a] and [b] (as its layout needs),
 * attributed to [span]; returns the offset of the instruction.  Tracks the
 * stack depth and max_stack ([a] is the count for LIST, MAP and CALL). */
uint32_t aeo_chunk_emit(aeo_chunk *c, aeo_opcode op, int32_t a, int32_t b, aeo_span span);
/* Points the jump operand number [which] (0 or 1) of the instruction at
 * [at] to the current end of the chunk.  Returns false if the offset does
 * not fit in 16 bits. */
bool aeo_chunk_patch(aeo_chunk *c, uint32_t at, int which);
/* Sets the assembler's notion of the current stack depth (after a jump
 * target where two paths join). */
void aeo_chunk_set_depth(aeo_chunk *c, uint32_t depth);
/* Adds [v] to the constant pool (reusing an equal scalar or string) and
 * returns its index. */
uint32_t aeo_chunk_const(aeo_chunk *c, aeo_value v);
/* The stack effect (push - pop) of the instruction at [code]. */
int aeo_op_stack_effect(const uint8_t *code);
/* Operand [which] of the instruction at [code]. */
int32_t aeo_op_operand(const uint8_t *code, int which);

/* A function giving the line:col of a span for the disassembly; NULL prints
 * byte offsets. */
typedef void (*aeo_span_namer)(void *ud, aeo_span span, char *buf, size_t size);
/* Writes the disassembly of [c] to [out], one instruction per line:
 *   0007  12:5  JUMP_IF_FALSE_KEEP  +9 -> 0019
 * Returns false if the chunk is malformed (a truncated instruction or a jump
 * outside the chunk). */
bool aeo_chunk_disasm(const aeo_chunk *c, FILE *out, aeo_span_namer namer, void *ud);
/* Checks that every instruction is whole, every jump lands on an
 * instruction boundary inside the chunk, and constants and locals are in
 * range.  Used by debug builds and the tests. */
bool aeo_chunk_verify(const aeo_chunk *c, const char **why);

#endif
