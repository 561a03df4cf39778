import { describe, expect, it } from 'vitest';
import { detectMissingArtifacts } from '../../../../src/signals/detectors/index.js';

describe('detectMissingArtifacts', () => {
  it('alerts on success with an incomplete final checkpoint and a missing W&B summary', () => {
    const [f, ...rest] = detectMissingArtifacts({
      succeeded: true,
      finalCheckpoint: { path: '/out/ckpt/step-10240', complete: false },
      wandbSummary: false,
      logbookUpdated: true,
      sealTag: 'runs/hero-1/final',
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'missing_artifacts',
      severity: 'alert',
      kind: 'artifact',
      message: 'The run reports success but 2 artifacts are missing',
    });
    expect(f!.evidence).toBe('missing: final checkpoint /out/ckpt/step-10240 has no metadata.json; W&B summary');
    expect(f!.next).toMatch(/^Do not seal/);
  });

  it('reports a missing checkpoint, logbook update and seal tag', () => {
    const [f] = detectMissingArtifacts({
      succeeded: true,
      finalCheckpoint: null,
      logbookUpdated: false,
      sealTag: null,
    });
    expect(f!.evidence).toBe('missing: final checkpoint (none found); logbook update; seal tag');
  });

  it('is quiet when everything is there, when parts do not apply, and when the run did not succeed', () => {
    expect(
      detectMissingArtifacts({
        succeeded: true,
        finalCheckpoint: { path: '/out/final', complete: true },
        wandbSummary: true,
        logbookUpdated: true,
        sealTag: 'v1',
      }),
    ).toEqual([]);
    expect(detectMissingArtifacts({ succeeded: true })).toEqual([]);
    expect(detectMissingArtifacts({ succeeded: false, finalCheckpoint: null })).toEqual([]);
  });
});
