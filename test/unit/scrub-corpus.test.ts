import { describe, expect, it } from 'vitest';
import { scrub, scrubWithReport } from '../../src/core/scrub/scrub.js';
import { normaliseLine, normaliseText } from '../../src/core/scrub/normalise.js';
import { makeCorpus } from '../support/secrets-corpus.js';
import { secretlintFindings } from '../support/secretlint.js';

const corpus = makeCorpus();

describe('the secrets corpus', () => {
  it('has at least 40 shapes, each with its own secret', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.secret)).size).toBe(corpus.length);
  });

  for (const c of corpus) {
    it(`redacts ${c.name} as ${c.kind}, as text and as one line`, () => {
      const report = scrubWithReport(normaliseText(c.text));
      expect(report.text).not.toContain(c.secret);
      expect(report.findings.map((f) => f.kind)).toContain(c.kind);
      expect(scrub(report.text)).toBe(report.text);
      const line = scrub(normaliseLine(c.text));
      expect(line).not.toContain(c.secret);
      expect(scrub(line)).toBe(line);
    });
  }

  it('leaves nothing secretlint flags, while secretlint does flag the raw corpus', async () => {
    const raw = corpus.map((c) => c.text).join('\n');
    expect((await secretlintFindings(raw)).length).toBeGreaterThanOrEqual(10);
    const scrubbed = scrub(raw);
    expect(await secretlintFindings(scrubbed)).toEqual([]);
    expect(await secretlintFindings(corpus.map((c) => scrub(normaliseLine(c.text))).join('\n'))).toEqual([]);
  });
});
