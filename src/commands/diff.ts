import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { diffService } from '../app/diff.js';
import type { DiffResult } from '../schemas/output.js';

export default class Diff extends RunlogCommand {
  static summary =
    'What changed between two runs: config snapshot, settings, command, code revision, data and results, as before → after.';
  static description = [
    'With both launch commits (`git_sha` in the Job blocks) in this repository, the code section adds `git diff --stat` between them.',
    'Config snapshots are compared key by key when both files are inside this repository; otherwise by path and sha256.',
  ].join('\n');
  static examples = [
    '<%= config.bin %> diff 2026-03-22_lr3e-4 2026-03-22_lr1e-4',
    '<%= config.bin %> diff arx5/2026-03-22_train arx5/2026-03-24_train --json',
  ];
  static args = {
    a: Args.string({ description: 'the run before (id, file path, or unique suffix)', required: true }),
    b: Args.string({ description: 'the run after', required: true }),
  };

  async run(): Promise<Envelope<DiffResult>> {
    const { args, flags } = await this.parse(Diff);
    return this.present(await diffService({ a: args.a, b: args.b, json: this.jsonEnabled(), ledger: flags.ledger }));
  }
}
