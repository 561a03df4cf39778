/**
 * secretlint's recommended preset as a second opinion: a detection corpus
 * that is not ours. Anything it flags in what runlog committed or published
 * fails the test, except a match that is one of our own placeholders (its
 * npm rule flags any `_authToken=` value, `[REDACTED:npm]` included).
 */
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';

export interface OracleFinding {
  rule: string;
  message: string;
  /** Where in the text (the value itself is never printed by the tests). */
  line: number;
}

const CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };

export async function secretlintFindings(text: string, filePath = 'output.md'): Promise<OracleFinding[]> {
  const result = await lintSource({
    source: { filePath, content: text, ext: filePath.slice(filePath.lastIndexOf('.')), contentType: 'text' },
    options: { config: CONFIG as never, maskSecrets: true },
  });
  return result.messages
    .filter((m) => !/^\[REDACTED:[a-z0-9_]+\]/.test(text.slice(m.range[0], m.range[1]).replace(/^[^[]*/, '')))
    .map((m) => ({ rule: m.ruleId, message: m.messageId, line: text.slice(0, m.range[0]).split('\n').length }));
}
