#!/usr/bin/env node
// Converts the CEL conformance suite of the npm package @bufbuild/cel-spec
// (dist/cjs/testdata/conformance.js: nested suites of cases whose
// `original` holds expr, optional typeEnv/bindings/disableCheck/container,
// and an expected value or evalError) into the golden-case file that
// tests/conformance/runner.c reads.
//
//   node tests/conformance/convert.js CONFORMANCE_JS OUT_FILE [SECTION,...]
//
// (the sections default to the ones `make test` runs, listed below; naming
// others is for exploring, e.g. string_ext)
//
// Output: JSON Lines, one case per line, in suite order:
//   {"section": "basic", "name": "self_eval_zeroish/self_eval_int_zero",
//    "expr": "0",                       (plus "expr_base64" when it holds a NUL)
//    "vars": [{"name": "x", "type": "int", "value": "123"}],
//    "expect": "0"                      aeo_value_format of the result, or
//    "error": "divide by zero"          an evaluation error (message as the
//                                       suite gives it: informative only),
//    "check_only": true,                present when only checking is tested
//    "check_error_ok": true,            present when the case runs without
//                                       CEL's checker (disableCheck) and an
//                                       error at check time is conformant
//    "skip": "reason"}                  present when the case is not run
// Variable types are aeo type spellings (int, list<int>, map<string, int>,
// duration, null_type, dyn); values are CEL literals, which the runner
// evaluates with the product's own pipeline.
//
// The expected value is written in canonical aeo_value_format form: map
// entries sorted by their formatted key (bytewise), and zero doubles
// unsigned (CEL, like protobuf's equality, does not tell -0.0 from 0.0).
// The runner formats what aeo computes the same way and compares text.
//
// A case is skipped only when it needs protobuf message types (a message
// literal, a proto container, google.protobuf.Any/Struct/wrappers), which
// aeo does not offer; the reason names what it needs.
'use strict';
const fs = require('fs');

const SECTIONS = ['basic', 'comparisons', 'conversions', 'fp_math', 'integer_math', 'lists',
                  'logic', 'macros', 'macros2', 'parse', 'plumbing', 'string', 'timestamps',
                  'fields'];

// ---- formatting values as aeo_value_format prints them --------------------

function hex2(b) { return (b < 16 ? '0' : '') + b.toString(16); }

// put_quoted in runtime/value.c: strings keep UTF-8; bytes escape >= 0x80.
function quoted(buf, bytes) {
  let out = bytes ? 'b"' : '"';
  for (const c of buf) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c === 0x7f || (bytes && c >= 0x80)) out += '\\x' + hex2(c);
    else out += String.fromCharCode(c);
  }
  out += '"';
  // Non-ASCII bytes of a string were appended as Latin-1 characters above;
  // turn the whole literal back into the original UTF-8 text.
  return bytes ? out : Buffer.from(out, 'latin1').toString('utf8');
}

// aeo_buf_double(cel = true): shortest round-trip digits, positional for
// decimal exponents -4..20, else d[.ddd]e±XX; always looks like a double.
function fmtDouble(d) {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return '+infinity';
  if (d === -Infinity) return '-infinity';
  if (d === 0) return '0.0';
  let sign = '';
  if (d < 0) { sign = '-'; d = -d; }
  const [m, e] = d.toExponential().split('e');
  const exp = parseInt(e, 10);
  let digits = m.replace('.', '').replace(/0+$/, '');
  if (digits === '') digits = '0';
  const nd = digits.length;
  if (exp < -4 || exp >= 21) {
    let s = digits[0];
    if (nd > 1) s += '.' + digits.slice(1);
    const a = Math.abs(exp);
    return sign + s + 'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' : '') + a;
  }
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  let s = '';
  for (let i = 0; i <= exp; i++) s += i < nd ? digits[i] : '0';
  if (nd > exp + 1) s += '.' + digits.slice(exp + 1);
  else s += '.0';
  return sign + s;
}

function toDouble(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function cmpBytes(a, b) { return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')); }

class NeedsProto extends Error {}

const WKT = {
  'type.googleapis.com/google.protobuf.Duration': 'duration',
  'type.googleapis.com/google.protobuf.Timestamp': 'timestamp',
};

// The expected value in canonical aeo_value_format text.
function fmtValue(v) {
  const k = Object.keys(v)[0];
  const x = v[k];
  switch (k) {
  case 'nullValue': return 'null';
  case 'boolValue': return x ? 'true' : 'false';
  case 'int64Value': return BigInt(x).toString();
  case 'uint64Value': return BigInt(x).toString() + 'u';
  case 'doubleValue': return fmtDouble(toDouble(x));
  case 'stringValue': return quoted(Buffer.from(x, 'utf8'), false);
  case 'bytesValue': return quoted(Buffer.from(x, 'base64'), true);
  case 'listValue': return '[' + (x.values || []).map(fmtValue).join(', ') + ']';
  case 'mapValue': {
    const es = (x.entries || []).map(e => [fmtValue(e.key), fmtValue(e.value)]);
    es.sort((a, b) => cmpBytes(a[0], b[0]));
    return '{' + es.map(e => e[0] + ': ' + e[1]).join(', ') + '}';
  }
  case 'typeValue': return x;
  case 'objectValue': {
    const kind = WKT[x['@type']];
    if (!kind) throw new NeedsProto(x['@type'].replace(/^.*\//, ''));
    return kind + '(' + quoted(Buffer.from(x.value, 'utf8'), false) + ')';
  }
  case 'enumValue': throw new NeedsProto('protobuf enums');
  default: throw new Error('unknown value kind ' + k);
  }
}

// A binding's value as a CEL literal the runner can evaluate.
function celLiteral(v) {
  const k = Object.keys(v)[0];
  const x = v[k];
  switch (k) {
  case 'nullValue': return 'null';
  case 'boolValue': return x ? 'true' : 'false';
  case 'int64Value': return BigInt(x).toString();
  case 'uint64Value': return BigInt(x).toString() + 'u';
  case 'doubleValue': {
    const d = toDouble(x);
    if (Number.isNaN(d)) return 'double("NaN")';
    if (!Number.isFinite(d)) return d > 0 ? 'double("Infinity")' : 'double("-Infinity")';
    const s = String(d);
    return /[.e]/.test(s) ? s : s + '.0';
  }
  case 'stringValue': return JSON.stringify(x);
  case 'bytesValue':
    return 'b"' + [...Buffer.from(x, 'base64')].map(b => '\\x' + hex2(b)).join('') + '"';
  case 'listValue': return '[' + (x.values || []).map(celLiteral).join(', ') + ']';
  case 'mapValue':
    return '{' + (x.entries || []).map(e => celLiteral(e.key) + ': ' + celLiteral(e.value)).join(', ') + '}';
  case 'objectValue': {
    const kind = WKT[x['@type']];
    if (!kind) throw new NeedsProto(x['@type'].replace(/^.*\//, ''));
    return kind + '(' + JSON.stringify(x.value) + ')';
  }
  case 'enumValue': throw new NeedsProto('protobuf enums');
  default: throw new Error('unknown binding kind ' + k);
  }
}

const PRIMITIVES = { BOOL: 'bool', INT64: 'int', UINT64: 'uint', DOUBLE: 'double',
                     STRING: 'string', BYTES: 'bytes' };
const MESSAGE_TYPES = { 'google.protobuf.Duration': 'duration',
                        'google.protobuf.Timestamp': 'timestamp' };

function fmtType(t) {
  if ('primitive' in t) return PRIMITIVES[t.primitive];
  if ('null' in t) return 'null_type';
  if ('dyn' in t) return 'dyn';
  if ('listType' in t) return 'list<' + fmtType(t.listType.elemType) + '>';
  if ('mapType' in t) return 'map<' + fmtType(t.mapType.keyType) + ', ' + fmtType(t.mapType.valueType) + '>';
  if ('messageType' in t) {
    if (MESSAGE_TYPES[t.messageType]) return MESSAGE_TYPES[t.messageType];
    throw new NeedsProto(t.messageType);
  }
  if ('wellKnown' in t) {
    if (t.wellKnown === 'DURATION') return 'duration';
    if (t.wellKnown === 'TIMESTAMP') return 'timestamp';
    throw new NeedsProto('google.protobuf.' + t.wellKnown);
  }
  if ('wrapper' in t) throw new NeedsProto('google.protobuf wrapper types');
  throw new Error('unknown type ' + JSON.stringify(t));
}

// Message types named in an expression: aeo has no protobuf messages.
const PROTO_RE = /\b(TestAllTypes|NestedTestAllTypes|TestRequired|google\.protobuf\.(Any|Struct|Value|ListValue|NullValue|BoolValue|BytesValue|DoubleValue|FloatValue|Int32Value|Int64Value|StringValue|UInt32Value|UInt64Value|FieldMask|Empty))\b/;

function convert(t, section, path) {
  const o = t.original;
  const c = { section, name: path.concat([o.name]).join('/'), expr: o.expr };
  // A NUL cannot survive as a C string: such expressions also travel in base64.
  if (o.expr.includes('\0')) c.expr_base64 = Buffer.from(o.expr, 'utf8').toString('base64');
  try {
    if (o.container) throw new NeedsProto('TestAllTypes');
    const m = PROTO_RE.exec(o.expr);
    if (m) throw new NeedsProto(/Value$/.test(m[1]) && m[1] !== 'google.protobuf.Value'
                                ? 'google.protobuf wrappers' : m[1]);
    const types = {};
    for (const d of o.typeEnv || []) {
      if (!d.ident) throw new NeedsProto('function declarations');
      types[d.name] = fmtType(d.ident.type);
    }
    const vars = [];
    for (const [name, b] of Object.entries(o.bindings || {})) {
      vars.push({ name, type: types[name] || 'dyn', value: celLiteral(b.value) });
      delete types[name];
    }
    // Declared but unbound: declared, and an error if read.
    for (const [name, type] of Object.entries(types)) vars.push({ name, type });
    if (vars.length) c.vars = vars;
    // With no expected result, the suite's convention is the bool true.
    if (o.evalError) c.error = o.evalError.errors.map(e => e.message).join('; ');
    else if (o.value) c.expect = fmtValue(o.value);
    else if (o.typedResult && o.typedResult.result) c.expect = fmtValue(o.typedResult.result);
    else if (o.typedResult) { c.expect = 'true'; c.check_only = true; }
    else c.expect = 'true';
    if (o.checkOnly) c.check_only = true;
    if (o.disableCheck && (o.evalError || t.error)) c.check_error_ok = true;
  } catch (e) {
    if (!(e instanceof NeedsProto)) throw new Error(section + '/' + c.name + ': ' + e.message);
    for (const k of ['vars', 'expect', 'error']) delete c[k];
    c.skip = 'needs protobuf message types (' + e.message + ')';
  }
  return c;
}

function main() {
  const [src, out, only] = process.argv.slice(2);
  const sections = only ? only.split(',') : SECTIONS;
  if (!src || !out) {
    process.stderr.write('usage: convert.js CONFORMANCE_JS OUT_FILE\n');
    process.exit(2);
  }
  const { tests } = require(require('path').resolve(src));
  const lines = [];
  const walk = (suite, section, path) => {
    for (const t of suite.tests || []) lines.push(JSON.stringify(convert(t, section, path)));
    for (const s of suite.suites || []) walk(s, section, path.concat([s.name]));
  };
  for (const name of sections) {
    const sec = tests.suites.find(s => s.name === name);
    if (!sec) throw new Error('section ' + name + ' not found in ' + src);
    walk(sec, name, []);
  }
  fs.writeFileSync(out + '.tmp', lines.join('\n') + '\n');
  fs.renameSync(out + '.tmp', out);
}

main();
