import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { ResumeResult } from '../schemas/output.js';

export default class Resume extends RunlogCommand {
  static summary = 'Append a ## Job (resumed) block: a new attempt of the same run, in the same file.';
  static description =
    'A --from checkpoint is checked like submit --init-from (it exists, holds metadata.json, has a numeric step) before anything is written. The next `runlog submit` hands it to the job: in RUNLOG_INIT_FROM, and wherever the command says {init_from}.';
  static examples = [
    '<%= config.bin %> resume 2026-03-22_train --from /scratch/ckpt/step-52000',
    '<%= config.bin %> submit 2026-03-22_train -- python train.py --init-from {init_from}',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    from: Flags.string({
      description: 'checkpoint the new attempt resumes from (a complete one: metadata.json and a numeric step)',
    }),
  };

  async run(): Promise<Envelope<ResumeResult>> {
    const { args, flags } = await this.parse(Resume);
    const { resumeService } = await import('../app/resume.js');
    return this.present(await resumeService({ ...args, ...flags }));
  }
}
