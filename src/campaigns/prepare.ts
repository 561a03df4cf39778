/**
 * From a manifest file to a campaign ready to launch: read, validate,
 * expand, freeze. Two frozen forms come out: the scrubbed one (its bytes are
 * manifest.yaml and its hash is the id) and the one with the commands as
 * written, which only this machine's launch plan keeps.
 */
import { expandManifest } from './expand.js';
import { freezeManifest, type Frozen } from './freeze.js';
import { validateManifest } from './manifest.js';
import { readManifestFile } from './source.js';

export interface PreparedCampaign {
  /** Scrubbed: what the ledger records. */
  frozen: Frozen;
  /** Unscrubbed commands, same entries in the same order. */
  exact: Frozen;
}

export function prepareCampaign(
  file: string,
  opts: { name?: string },
  scrub: { argv: (argv: string[]) => string[]; text: (t: string) => string },
): PreparedCampaign {
  const src = readManifestFile(file);
  const manifest = validateManifest(src, opts);
  const entries = expandManifest(manifest, src);
  const frozen = freezeManifest(manifest, entries, scrub.argv, scrub.text);
  const exact = freezeManifest(
    manifest,
    entries,
    (a) => a,
    (t) => t,
  );
  return { frozen, exact };
}
