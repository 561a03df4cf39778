import { describe, expect, it } from 'vitest';
import type { LedgerConfig } from '../../src/config/config.js';
import { RunlogError } from '../../src/core/errors.js';
import {
  clusterProfile,
  parseMemMb,
  profileDefaults,
  slurmExecutorOptions,
  slurmMonitorSettings,
} from '../../src/executors/slurm/config.js';
import { withProfileDefaults } from '../../src/executors/slurm/batch-script.js';
import { jobSpec } from '../support/slurm.js';

const config = (extra: Record<string, unknown>) => ({ schema_version: 1, ...extra }) as unknown as LedgerConfig;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RunlogError ? err.code : `not a RunlogError: ${String(err)}`;
  }
  return undefined;
}

describe('clusters: profiles', () => {
  const cfg = config({
    default_cluster: 'gpu',
    clusters: {
      gpu: {
        partition: 'a100',
        account: 'proj',
        qos: 'high',
        constraint: 'ib',
        scarce_gres: ['gpu'],
        extra_args: ['--exclusive'],
        defaults: { cpus: 8, mem: '64G', time: '12h', gres: 'gpu:1' },
        env: { SLURM_CONF: '/etc/slurm/x.conf' },
        template: 'slurm/custom.sbatch',
        call_timeout: '45s',
        pending_grace: '10m',
        stale_after: 90,
      },
      cpu: { partition: 'debug' },
    },
  });

  it('picks the named profile, else default_cluster, else the only one', () => {
    expect(clusterProfile(cfg).name).toBe('gpu');
    expect(clusterProfile(cfg, 'cpu').profile.partition).toBe('debug');
    expect(clusterProfile(config({ clusters: { only: {} } })).name).toBe('only');
  });

  it('turns a profile into executor options with resolved paths, clocks and defaults', () => {
    const opts = slurmExecutorOptions(clusterProfile(cfg).profile, '/ledger');
    expect(opts).toMatchObject({
      env: { SLURM_CONF: '/etc/slurm/x.conf' },
      callTimeoutMs: 45_000,
      templatePath: '/ledger/slurm/custom.sbatch',
      profile: {
        partition: 'a100',
        account: 'proj',
        qos: 'high',
        constraint: 'ib',
        extraArgs: ['--exclusive'],
        scarceGres: ['gpu'],
      },
    });
    expect(opts.profile?.defaults).toEqual({ cpus: 8, memMb: 65536, timeLimitSec: 43200, gres: 'gpu:1' });
    expect(slurmMonitorSettings(clusterProfile(cfg).profile)).toEqual({
      pendingGraceMs: 600_000,
      staleAfterMs: 90_000,
    });
    expect(slurmMonitorSettings(clusterProfile(cfg, 'cpu').profile)).toEqual({
      pendingGraceMs: 1_800_000,
      staleAfterMs: 300_000,
    });
  });

  it('lays the job request over the profile defaults; a GPU count replaces the default GRES', () => {
    const profile = slurmExecutorOptions(clusterProfile(cfg).profile, '/l').profile!;
    const spec = jobSpec('/tmp', { argv: ['true'], resources: { cpus: 2, gpus: 4 } });
    expect(withProfileDefaults(spec, profile).resources).toEqual({
      cpus: 2,
      gpus: 4,
      memMb: 65536,
      timeLimitSec: 43200,
    });
    const plain = jobSpec('/tmp', { argv: ['true'], resources: { memMb: 100 } });
    expect(withProfileDefaults(plain, profile).resources).toEqual({
      cpus: 8,
      memMb: 100,
      timeLimitSec: 43200,
      gres: 'gpu:1',
    });
  });

  it('refuses unknown or ambiguous profiles and bad values with a usage error that names the key', () => {
    expect(codeOf(() => clusterProfile(config({})))).toBe('NO_CLUSTER_PROFILE');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: {}, b: {} } })))).toBe('NO_CLUSTER_PROFILE');
    expect(codeOf(() => clusterProfile(cfg, 'nope'))).toBe('UNKNOWN_CLUSTER');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: { partiton: 'x' } } })))).toBe('BAD_CONFIG');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: { defaults: { mem: 'lots' } } } })))).toBe('BAD_SIZE');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: { pending_grace: 'soon' } } })))).toBe('BAD_DURATION');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: { extra_args: ['exclusive'] } } })))).toBe('BAD_CONFIG');
    expect(codeOf(() => clusterProfile(config({ clusters: { a: { executor: 'local' } } })))).toBe('BAD_CONFIG');
    // The profile arrives through git and its env reaches every squeue a poll runs: Slurm's own variables only.
    for (const key of ['PATH', 'LD_PRELOAD', 'BASH_ENV', 'slurm_conf', 'SLURM_']) {
      expect(
        codeOf(() =>
          clusterProfile(config({ clusters: { a: { env: { SLURM_CONF: '/etc/slurm.conf', [key]: '/repo/bin' } } } })),
        ),
        key,
      ).toBe('BAD_CONFIG');
    }
    expect(
      clusterProfile(
        config({ clusters: { a: { env: { SLURM_CONF: '/x', SQUEUE_FORMAT2: 'JobID', SBATCH_TIMELIMIT: '1:00' } } } }),
      ).name,
    ).toBe('a');
    try {
      clusterProfile(config({ clusters: { a: { partiton: 'x' } } }));
    } catch (err) {
      expect((err as RunlogError).message).toMatch(/clusters\.a/);
    }
  });

  it('reads memory sizes the way sbatch does', () => {
    expect(parseMemMb('512', '--mem')).toBe(512);
    expect(parseMemMb('16G', '--mem')).toBe(16384);
    expect(parseMemMb('1.5g', '--mem')).toBe(1536);
    expect(parseMemMb('2T', '--mem')).toBe(2 * 1024 * 1024);
    expect(parseMemMb('2048K', '--mem')).toBe(2);
    expect(parseMemMb('8GiB', '--mem')).toBe(8192);
    expect(codeOf(() => parseMemMb('0', '--mem'))).toBe('BAD_SIZE');
    expect(codeOf(() => parseMemMb('-1G', '--mem'))).toBe('BAD_SIZE');
    expect(profileDefaults({ executor: 'slurm' })).toEqual({});
  });
});
