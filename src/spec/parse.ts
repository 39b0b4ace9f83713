/**
 * Parsing a sweep spec from YAML or JSON text: syntax, schema, cross-field rules, accelerator checks.
 */
import YAML from 'yaml';
import { crossCheck, normalize } from './cross-checks.js';
import {
  fromZodIssues,
  invalidSpecError,
  sortIssues,
  toSpecIssues,
  type Locate,
  type PathSeg,
  type RawIssue,
} from './issues.js';
import { specSchema } from './schema.js';
import { MAX_SPEC_DEPTH, nestingDepth, nestingIssues, textIssues } from './text.js';
import type { SpecIssue, SweepSpec } from './types.js';

export interface ParseOptions {
  /** Shown in the error message (e.g. `examples/demo.yaml`). */
  file?: string;
  /**
   * Checks one entry of `accelerators` (a preset name or a custom mapping) and returns an error
   * message, or undefined when it is valid. The orchestrator injects the simulator's resolver here.
   */
  validateAccelerator?: (accelerator: unknown) => string | undefined;
}

export type ValidateResult = { ok: true; spec: SweepSpec } | { ok: false; issues: SpecIssue[] };

/**
 * Validates a spec given as YAML or JSON text (JSON is accepted by the YAML parser).
 * Returns the spec with every default filled in, or every issue with its 1-based line/column.
 */
export function validateSpec(text: string, opts: ParseOptions = {}): ValidateResult {
  const bad = [...textIssues(text)];
  if (bad.length === 0) bad.push(...nestingIssues(text));
  if (bad.length > 0) return { ok: false, issues: bad };
  const lineCounter = new YAML.LineCounter();
  let doc: YAML.Document;
  try {
    doc = YAML.parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    return { ok: false, issues: [{ path: '(root)', message: yamlMessage(err) }] };
  }
  // Warnings are errors here: an unknown tag (`!!js/function`, `!foo`) would otherwise silently become a string.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const issues = problems.map((e): SpecIssue => {
      const pos = e.linePos?.[0];
      const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
      const message = `YAML ${e.name === 'YAMLWarning' ? 'error' : 'syntax error'}: ${tidyYamlMessage(first)}`;
      return pos
        ? { path: `line ${pos.line}, column ${pos.col}`, message, line: pos.line, column: pos.col }
        : { path: '(root)', message };
    });
    return { ok: false, issues };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, issues: [{ path: '(root)', message: yamlMessage(err) }] };
  }
  const depth = nestingDepth(value);
  if (depth > MAX_SPEC_DEPTH) {
    return {
      ok: false,
      issues: [
        {
          path: '(root)',
          message: `the document nests collections more than ${MAX_SPEC_DEPTH} levels deep; a sweep spec needs at most 4`,
        },
      ],
    };
  }
  const locate: Locate = (path) => locateInDoc(doc, lineCounter, path);
  return validateValue(value, opts, locate);
}

/**
 * Alias expansions allowed when converting the document (the yaml library counts the nodes an alias
 * brings in). Anchors and aliases are legitimate in specs; thousands of expansions are a YAML bomb.
 */
const MAX_ALIAS_COUNT = 1000;

/** One line for an exception thrown by the YAML library (resource limits, a blown stack). */
function yamlMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `YAML error: ${tidyYamlMessage(msg.split('\n')[0] ?? msg)}`;
}

/** The library's wording for its resource limits, said in the spec's terms. */
function tidyYamlMessage(msg: string): string {
  if (/Maximum call stack size exceeded/.test(msg)) {
    return `the document is nested too deeply for the parser; a sweep spec needs at most 4 levels`;
  }
  if (/Excessive alias count/.test(msg)) {
    return `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (a YAML bomb?); write the values out or use fewer aliases`;
  }
  return msg;
}

/** Like `validateSpec` for an already parsed value (e.g. a spec stored as JSON). No positions. */
export function validateSpecObject(value: unknown, opts: ParseOptions = {}): ValidateResult {
  return validateValue(value, opts);
}

/**
 * Parses and validates a sweep spec.
 * @throws HwsweepError INVALID_SPEC listing every issue as `  path: reason`, one per line.
 */
export function parseSpec(text: string, opts: ParseOptions = {}): SweepSpec {
  const r = validateSpec(text, opts);
  if (!r.ok) throw invalidSpecError(r.issues, opts.file);
  return r.spec;
}

/** `parseSpec` for an already parsed value. */
export function parseSpecObject(value: unknown, opts: ParseOptions = {}): SweepSpec {
  const r = validateSpecObject(value, opts);
  if (!r.ok) throw invalidSpecError(r.issues, opts.file);
  return r.spec;
}

function validateValue(value: unknown, opts: ParseOptions, locate?: Locate): ValidateResult {
  const raw: RawIssue[] = [];
  if (value === null || value === undefined) {
    raw.push({ path: [], message: 'the spec is empty; it needs at least a name' });
    return { ok: false, issues: toSpecIssues(raw, locate) };
  }
  const parsed = specSchema.safeParse(value);
  if (!parsed.success) raw.push(...fromZodIssues(parsed.error.issues).map((i) => unwrapScalarPath(i, value)));
  raw.push(...acceleratorIssues(value, opts));
  let spec: SweepSpec | undefined;
  if (parsed.success) {
    spec = normalize(parsed.data);
    raw.push(...crossCheck(spec, value));
  }
  if (raw.length > 0 || spec === undefined) return { ok: false, issues: sortIssues(toSpecIssues(raw, locate)) };
  return { ok: true, spec };
}

/**
 * A scalar given for a list field is validated as a one-element list; report its issue at the field
 * (`seeds`), not at `seeds[0]`, since the user wrote no list.
 */
function unwrapScalarPath(issue: RawIssue, root: unknown): RawIssue {
  if (issue.path.length === 0 || issue.path[issue.path.length - 1] !== 0) return issue;
  const parentPath = issue.path.slice(0, -1);
  let cur: unknown = root;
  for (const seg of parentPath) {
    if (typeof cur !== 'object' || cur === null) return issue;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur === undefined || Array.isArray(cur) ? issue : { ...issue, path: parentPath };
}

function acceleratorIssues(value: unknown, opts: ParseOptions): RawIssue[] {
  const check = opts.validateAccelerator;
  if (check === undefined || typeof value !== 'object' || value === null) return [];
  const list = (value as Record<string, unknown>)['accelerators'];
  if (!Array.isArray(list)) return [];
  const out: RawIssue[] = [];
  list.forEach((a: unknown, i) => {
    const isMapping = typeof a === 'object' && a !== null && !Array.isArray(a);
    if (!(typeof a === 'string' && a !== '') && !isMapping) return; // the schema reports these
    let msg: string | undefined;
    try {
      msg = check(a);
    } catch (err) {
      msg = err instanceof Error ? err.message : String(err);
    }
    if (msg !== undefined) out.push({ path: ['accelerators', i], message: msg });
  });
  return out;
}

/** Line/column of the deepest node of `doc` along `path` (for an unknown key: the key itself). */
function locateInDoc(
  doc: YAML.Document,
  lc: YAML.LineCounter,
  path: readonly PathSeg[],
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const seg of path) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const valueStart = rangeStart(pair.value);
      offset = valueStart ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
      if (node === null) offset = rangeStart(pair.key) ?? offset;
    } else if (YAML.isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  // Unknown keys: point at the key, not at its value.
  const last = path[path.length - 1];
  const parent = path.length > 0 ? doc.getIn(path.slice(0, -1) as PathSeg[], true) : undefined;
  if (typeof last === 'string' && YAML.isMap(parent)) {
    const pair = parent.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === last);
    const keyStart = pair ? rangeStart(pair.key) : undefined;
    if (keyStart !== undefined) offset = keyStart;
  }
  if (offset === undefined) return undefined;
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node) {
    const r = (node as { range?: [number, number, number] | null }).range;
    return r?.[0];
  }
  return undefined;
}
