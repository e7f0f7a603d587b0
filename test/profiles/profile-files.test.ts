// The built-in profile files: each parses, is named after its system, names a source for every
// rule line, and copies Makini's published platform validation faithfully.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES_DIR, parseProfile } from '../../src/profiles/load-profiles.js';
import { builtins, platformValidation, profile } from './support.js';

const files = readdirSync(BUILTIN_PROFILES_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

/** YAML keys that state a rule: each needs a source comment. */
const RULE_LINE =
  /^\s*(?:- )?(writesPerMinute|timing|lines|transport|referenceField|writableCustomFields|customFieldMap|required|readOnly|writable|mustExist|lineRequired|maxLines|allowed|delete|states)\s*:/;
/** An operation declared allowed with no rule of its own (`adjust: {}`) is a rule too. */
const EMPTY_OPERATION = /^\s*(create|update|changeStatus|cancel|addLine|addMaterials|adjust)\s*:\s*\{\s*\}/;
/** A source comment: `source: <URL, doc or "makini ...">` or `assumed: <why>`. */
const SOURCE = /#.*\b(source|assumed):\s*\S/;

/** The comment naming the source of line `i`: on the line itself or in the comment block right above. */
function sourceOf(lines: string[], i: number): string | undefined {
  if (SOURCE.test(lines[i]!)) return lines[i];
  const block: string[] = [];
  for (let j = i - 1; j >= 0 && /^\s*#/.test(lines[j]!); j--) block.push(lines[j]!);
  return block.find((l) => SOURCE.test(l));
}

describe('built-in profile files', () => {
  it('cover at least 8 systems, ERP and CMMS/EAM alike', () => {
    expect(builtins.size).toBeGreaterThanOrEqual(8);
    for (const s of ['sap', 'dynamics', 'netsuite', 'maximo', 'emaint', 'maintain-x', 'upkeep', 'infor-e', 'inextia', 'service-channel']) {
      expect(builtins.has(s), s).toBe(true);
    }
    const categories = new Set([...builtins.values()].map((p) => p.category));
    expect(categories).toContain('erp');
    expect(categories).toContain('cmms');
    expect(categories).toContain('eam');
  });

  it.each(files)('%s parses and is named after its system', (file) => {
    const p = parseProfile(readFileSync(join(BUILTIN_PROFILES_DIR, file), 'utf8'), file);
    expect(file.replace(/\.ya?ml$/, '')).toBe(p.system);
  });

  it.each(files)('%s names a source for every rule line', (file) => {
    const lines = readFileSync(join(BUILTIN_PROFILES_DIR, file), 'utf8').split('\n');
    const missing: string[] = [];
    let ruleLines = 0;
    lines.forEach((line, i) => {
      const code = line.replace(/\s+#.*$/, '');
      if (!RULE_LINE.test(code) && !EMPTY_OPERATION.test(code)) return;
      ruleLines++;
      if (!sourceOf(lines, i)) missing.push(`${file}:${i + 1}: ${line.trim()}`);
    });
    expect(ruleLines).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('the source-comment check catches a rule without a source', () => {
    const lines = ['workOrder:', '  operations:', '    create:', '      # the title is needed', '      required: [title]'];
    expect(sourceOf(lines, 4)).toBeUndefined();
    expect(sourceOf(['# source: makini platform-validation.json', 'required: [title]'], 1)).toBeDefined();
  });

  describe('copy makini platform-validation.json faithfully', () => {
    const entries = (method: string) => Object.entries(platformValidation.rules[method] ?? {});
    it.each(entries('POST work-orders'))('POST work-orders: %s', (system, rule) => {
      const create = profile(system).workOrder.operations.create;
      expect(create?.required).toEqual(rule.required);
      expect(create?.writable).toEqual(rule.optional);
    });
    it.each(entries('PUT work-orders'))('PUT work-orders: %s', (system, rule) => {
      const update = profile(system).workOrder.operations.update;
      expect(update?.required).toEqual(rule.required);
      expect(update?.writable).toEqual(rule.optional);
    });
    it('keeps the source typo "duaAt" of eMaint and says so in a comment', () => {
      expect(profile('emaint').workOrder.operations.update?.writable).toContain('duaAt');
      expect(profile('emaint').workOrder.operations.update?.writable).not.toContain('dueAt');
      const text = readFileSync(join(BUILTIN_PROFILES_DIR, 'emaint.yaml'), 'utf8');
      expect(text).toMatch(/#.*"duaAt" is the source's typo/);
    });
  });

  it('keeps sap and dynamics line handling and the sap approval lock', () => {
    expect(profile('sap').purchaseOrder.lines).toBe('with-header');
    expect(profile('dynamics').purchaseOrder.lines).toBe('separately');
    const approved = profile('sap').purchaseOrder.stateRules.find((r) => r.states.includes('approved'));
    expect(approved?.refuses).toEqual(expect.arrayContaining(['update', 'addLine', 'cancel']));
    expect(approved?.allowedStatusChanges).toEqual(['closed']);
  });
});
