import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { ResumeResult } from '../schemas/output.js';

export default class Resume extends RunlogCommand {
  static summary = 'Append a ## Job (resumed) block: a new attempt of the same run, in the same file.';
  static examples = ['<%= config.bin %> resume 2026-03-22_train --from /scratch/ckpt/step-52000'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    from: Flags.string({ description: 'checkpoint the new attempt resumes from' }),
  };

  async run(): Promise<Envelope<ResumeResult>> {
    const { args, flags } = await this.parse(Resume);
    const { resumeService } = await import('../app/resume.js');
    return this.present(await resumeService({ ...args, ...flags }));
  }
}
