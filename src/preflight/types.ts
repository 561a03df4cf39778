/** What preflight found: every reason a launch is refused, and the facts it recorded on the way. */
export type PreflightRule = 'script' | 'config' | 'checkpoint' | 'dirty_tree' | 'policy' | 'target' | 'git';

export interface PreflightReason {
  rule: PreflightRule;
  message: string;
}

export interface PreflightFacts {
  gitTop?: string;
  gitSha?: string;
  dirty?: boolean;
  dirtyPaths?: string[];
  patchSha256?: string;
  /** The dirty patch, saved next to the job's output when a dirty launch was allowed. */
  patchPath?: string;
  script?: string;
  config?: string;
  configSnapshot?: string;
  configSha256?: string;
  initFrom?: string;
  initFromStep?: number;
  placement?: string;
  policyOverride?: string;
}

export interface PreflightReport {
  ok: boolean;
  reasons: PreflightReason[];
  facts: PreflightFacts;
}
