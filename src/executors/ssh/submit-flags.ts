/**
 * `runlog submit` flags that only the SSH executor reads, and their check:
 * they mean nothing to another executor, so giving them there is a usage
 * error rather than a silent no-op.
 */
import { Flags } from '@oclif/core';
import { usageError } from '../../core/errors.js';
import { checkDestination } from './transport.js';

const group = 'SSH';

export const sshSubmitFlags = {
  host: Flags.string({
    helpGroup: group,
    summary:
      'SSH: a hosts: profile from runlog.config.yaml, or any ssh destination (an alias from your ~/.ssh/config, user@host). Without it, runlog places the run on the profile that fits.',
  }),
  tag: Flags.string({
    helpGroup: group,
    summary: 'SSH placement: a runtime tag the host must declare (repeatable), e.g. --tag cuda12.',
    multiple: true,
  }),
};

export interface SshFlagValues {
  host?: string;
  tag?: string[];
}

export function sshRequestFlags(executor: string, flags: SshFlagValues): { host?: string; tags?: string[] } {
  const given = (['host', 'tag'] as const).filter((k) => flags[k] !== undefined);
  if (executor !== 'ssh') {
    if (given.length > 0) {
      const shown = given.map((k) => `--${k}`).join(', ');
      throw usageError(
        'SSH_FLAG_WITHOUT_SSH',
        `${shown} ${given.length === 1 ? 'applies' : 'apply'} only to --executor ssh, not ${executor}`,
        `add --executor ssh, or drop ${shown}`,
      );
    }
    return {};
  }
  if (flags.host !== undefined) checkDestination(flags.host, '--host');
  return { host: flags.host, tags: flags.tag };
}
