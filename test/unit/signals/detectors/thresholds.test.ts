import { describe, expect, it } from 'vitest';
import { RunlogError } from '../../../../src/core/errors.js';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../../../src/signals/detectors/index.js';

describe('resolveThresholds', () => {
  it('overlays config values on the defaults', () => {
    expect(resolveThresholds({ throughputDrop: 0.3 })).toEqual({ ...DEFAULT_THRESHOLDS, throughputDrop: 0.3 });
    expect(resolveThresholds()).toEqual(DEFAULT_THRESHOLDS);
  });

  it('rejects bad values and unknown keys with a usage error naming them', () => {
    try {
      resolveThresholds({ throughputDrop: 1.5 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RunlogError);
      expect((err as RunlogError).code).toBe('DETECTOR_THRESHOLD_INVALID');
      expect((err as RunlogError).message).toContain('throughputDrop');
    }
    expect(() => resolveThresholds({ lossSpikeRatioo: 1 } as never)).toThrowError(/lossSpikeRatioo/);
  });
});
