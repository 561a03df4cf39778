import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunlogCommand } from '../cli/base-command.js';
import { initLedger } from '../app/init.js';
import type { InitResult } from '../schemas/output.js';

export default class Init extends RunlogCommand {
  static summary = 'Create runlog.config.yaml, run_logs/ and .agents/logbooks/; commit; push when a remote is set.';
  static description = 'Idempotent: a second run changes nothing. Creates the git repository when the directory is not in one.';
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --remote git@github.com:me/project.git'];
  static flags = {
    remote: Flags.string({ description: 'git URL of the remote to push to (added as `origin` when missing)' }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const dir = resolve(flags.ledger ?? process.cwd());
    const { pushError, ...r } = await initLedger(dir, { remote: flags.remote, push: flags.push }, existsSync);
    this.notePushError(pushError);
    this.say(r.created.length > 0 ? `initialised ledger in ${r.root} (${r.created.join(', ')})` : `ledger in ${r.root} is already initialised`);
    if (r.commit) this.say(`committed ${r.commit.slice(0, 12)}${r.pushed ? `, pushed to ${r.remote}` : ''}`);
    return this.toJson(r);
  }
}
