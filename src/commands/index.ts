/**
 * The command table for oclif's explicit strategy: the CLI ships as one
 * bundled module (see scripts/bundle.mjs), so oclif must not look commands up
 * file by file.
 */
import Append from './append.js';
import Audit from './audit.js';
import Babysit from './babysit.js';
import Cancel from './cancel.js';
import CampaignCancel from './campaign/cancel.js';
import CampaignFetch from './campaign/fetch.js';
import CampaignLaunch from './campaign/launch.js';
import CampaignList from './campaign/list.js';
import CampaignResume from './campaign/resume.js';
import CampaignStatus from './campaign/status.js';
import CkptList from './ckpt/list.js';
import CkptPassport from './ckpt/passport.js';
import CkptPick from './ckpt/pick.js';
import CkptPrune from './ckpt/prune.js';
import CkptSignoff from './ckpt/signoff.js';
import CkptVerify from './ckpt/verify.js';
import Compare from './compare.js';
import Plot from './plot.js';
import Complete from './complete.js';
import Diff from './diff.js';
import Experiments from './experiments.js';
import Fail from './fail.js';
import HeroEvent from './hero/event.js';
import HeroInit from './hero/init.js';
import HeroLaunch from './hero/launch.js';
import HeroLink from './hero/link.js';
import History from './history.js';
import Init from './init.js';
import Lint from './lint.js';
import List from './list.js';
import New from './new.js';
import Poll from './poll.js';
import Publish from './publish.js';
import Report from './report.js';
import Restart from './restart.js';
import Resume from './resume.js';
import Seal from './seal.js';
import Retry from './retry.js';
import Show from './show.js';
import Stop from './stop.js';
import Submit from './submit.js';
import Supervise from './supervise.js';
import Sync from './sync.js';
import Timeline from './timeline.js';
import WandbRecord from './wandb/record.js';
import WandbShow from './wandb/show.js';
import WandbSync from './wandb/sync.js';

export const COMMANDS = {
  append: Append,
  audit: Audit,
  babysit: Babysit,
  cancel: Cancel,
  'campaign:cancel': CampaignCancel,
  'campaign:fetch': CampaignFetch,
  'campaign:launch': CampaignLaunch,
  'campaign:list': CampaignList,
  'campaign:resume': CampaignResume,
  'campaign:status': CampaignStatus,
  'ckpt:list': CkptList,
  'ckpt:passport': CkptPassport,
  'ckpt:pick': CkptPick,
  'ckpt:prune': CkptPrune,
  'ckpt:signoff': CkptSignoff,
  'ckpt:verify': CkptVerify,
  compare: Compare,
  plot: Plot,
  complete: Complete,
  diff: Diff,
  experiments: Experiments,
  fail: Fail,
  'hero:event': HeroEvent,
  'hero:init': HeroInit,
  'hero:launch': HeroLaunch,
  'hero:link': HeroLink,
  history: History,
  init: Init,
  lint: Lint,
  list: List,
  new: New,
  poll: Poll,
  publish: Publish,
  report: Report,
  restart: Restart,
  resume: Resume,
  seal: Seal,
  retry: Retry,
  show: Show,
  stop: Stop,
  submit: Submit,
  supervise: Supervise,
  sync: Sync,
  timeline: Timeline,
  'wandb:record': WandbRecord,
  'wandb:show': WandbShow,
  'wandb:sync': WandbSync,
};
