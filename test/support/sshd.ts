/**
 * Real OpenSSH servers on 127.0.0.1 for the SSH executor's tests. Each
 * `TestHost` is one `sshd -D` on a free port with its own throwaway host
 * key, sshd_config (own PidFile, no PAM, root login by key only, no
 * AcceptEnv) and workdir; a `TestSshWorld` holds the client side: one client
 * key, known_hosts and an ssh_config that names every host by an alias. The
 * client reads only that file (`ssh -F`, through RUNLOG_SSH_CONFIG), never
 * ~/.ssh of the machine, and the config refuses every name it does not
 * define, so no test reaches another address.
 *
 * A host can stand for a GPU machine: a fake `nvidia-smi` on the PATH that
 * its sshd gives every session. It doubles the worker's hardware, not the
 * code under test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** Whether this machine can run the servers: the binary exists and we are root. */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && process.getuid?.() === 0;
}

/** CI must run the SSH tests; a developer machine without sshd skips them. */
export const sshdRequired = process.env['CI'] === 'true' || process.env['RUNLOG_REQUIRE_SSHD'] === '1';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? rej(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : res(stdout),
    );
  });
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every live descendant of `pid` (per /proc ppid links), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

export interface TestHostOptions {
  /** The alias the client's ssh_config gives this host. */
  alias: string;
  /** Fake GPUs on the host's PATH (`nvidia-smi` prints them). */
  gpus?: { name: string; memMb: number }[];
}

export class TestHost {
  readonly alias: string;
  readonly dir: string;
  /** Where the executor keeps attempts on this "worker". */
  readonly workdir: string;
  port = 0;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    private readonly world: TestSshWorld,
    private readonly opts: TestHostOptions,
  ) {
    this.alias = opts.alias;
    this.dir = join(world.dir, opts.alias);
    this.workdir = join(this.dir, 'work');
  }

  get hostKeyPub(): string {
    return readFileSync(join(this.dir, 'host_ed25519.pub'), 'utf8').trim();
  }

  async setUp(): Promise<void> {
    mkdirSync(join(this.dir, 'bin'), { recursive: true });
    mkdirSync(this.workdir, { recursive: true });
    await run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `runlog-test-host-${this.alias}`,
      '-f',
      join(this.dir, 'host_ed25519'),
    ]);
    if (this.opts.gpus && this.opts.gpus.length > 0) {
      const lines = this.opts.gpus.map((g) => `${g.name}, ${g.memMb} MiB`).join('\\n');
      const smi = join(this.dir, 'bin', 'nvidia-smi');
      writeFileSync(smi, `#!/bin/sh\n# test double of the worker's GPUs\nprintf '${lines}\\n'\n`);
      chmodSync(smi, 0o755);
    }
    this.port = await freePort();
    const path = `${join(this.dir, 'bin')}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`;
    writeFileSync(
      join(this.dir, 'sshd_config'),
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(this.dir, 'host_ed25519')}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.world.dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'PermitUserEnvironment no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'PrintMotd no',
        // The poll benchmark multiplexes many sessions over one connection.
        'MaxSessions 64',
        'MaxStartups 64',
        `SetEnv PATH=${path} RUNLOG_TEST_HOST=${this.alias}`,
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    await this.start();
  }

  /** Starts (or restarts, on the same port and keys) this host's sshd. */
  async start(): Promise<void> {
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const child = spawn(SSHD, ['-D', '-f', join(this.dir, 'sshd_config'), '-E', join(this.dir, 'sshd.log')], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((res) => child.once('exit', () => res()));
    await waitFor(`sshd ${this.alias} on 127.0.0.1:${this.port}`, async () => {
      if (child.exitCode !== null)
        throw new Error(
          `sshd ${this.alias} exited ${child.exitCode}: ${readFileSync(join(this.dir, 'sshd.log'), 'utf8')}`,
        );
      return portOpen(this.port);
    });
  }

  /**
   * Takes the host off the network as far as ssh can tell: the listener and
   * every connection it serves (multiplexed masters lose their peer). Jobs
   * started earlier are no children of sshd any more and keep running.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    const tree = descendants(child.pid);
    child.kill('SIGKILL');
    for (const pid of tree) {
      try {
        // Only this sshd's connection processes and the shells they run: a job launched earlier left them via setsid.
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (comm === 'sshd' || comm === 'sh' || comm === 'bash') process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await this.exited;
    await waitFor(`port ${this.port} closed`, async () => !(await portOpen(this.port)));
  }
}

export class TestSshWorld {
  readonly dir: string;
  /** Client-side ssh_config: pass as RUNLOG_SSH_CONFIG. */
  readonly configPath: string;
  /** ControlMaster sockets of the CLI runs in this world. */
  readonly controlDir: string;
  readonly hosts: TestHost[] = [];

  constructor() {
    // Short: a ControlMaster socket path must fit in 108 bytes.
    this.dir = mkdtempSync(join(tmpdir(), 'rl-sshd-'));
    this.configPath = join(this.dir, 'ssh_config');
    this.controlDir = join(this.dir, 'cm');
  }

  static async create(hosts: TestHostOptions[]): Promise<TestSshWorld> {
    const world = new TestSshWorld();
    try {
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        'runlog-test-client',
        '-f',
        join(world.dir, 'client_ed25519'),
      ]);
      writeFileSync(join(world.dir, 'authorized_keys'), readFileSync(join(world.dir, 'client_ed25519.pub')), {
        mode: 0o600,
      });
      for (const h of hosts) {
        const host = new TestHost(world, h);
        world.hosts.push(host);
        await host.setUp();
      }
      world.writeClientConfig();
      return world;
    } catch (err) {
      await world.tearDown();
      throw err;
    }
  }

  host(alias: string): TestHost {
    const h = this.hosts.find((x) => x.alias === alias);
    if (!h) throw new Error(`no test host ${alias}`);
    return h;
  }

  private writeClientConfig(): void {
    writeFileSync(join(this.dir, 'known_hosts'), this.hosts.map((h) => `${h.alias} ${h.hostKeyPub}\n`).join(''));
    const blocks = this.hosts.map((h) =>
      [`Host ${h.alias}`, '  HostName 127.0.0.1', `  Port ${h.port}`, '  User root', `  HostKeyAlias ${h.alias}`].join(
        '\n',
      ),
    );
    const aliases = this.hosts.map((h) => `!${h.alias}`).join(' ');
    writeFileSync(
      this.configPath,
      [
        ...blocks,
        // Any name this file does not define goes nowhere.
        `Host * ${aliases}`,
        '  ProxyCommand /bin/false',
        'Host *',
        `  IdentityFile ${join(this.dir, 'client_ed25519')}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${join(this.dir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '  CheckHostIP no',
        '  UpdateHostKeys no',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    );
  }

  /** What a CLI run needs in its environment to use this world. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { RUNLOG_SSH_CONFIG: this.configPath, RUNLOG_SSH_CONTROL_DIR: this.controlDir, ...extra };
  }

  /** `hosts:` profiles for runlog.config.yaml, one per host. */
  hostsYaml(
    profiles: Record<string, { alias: string; gpus?: number; gpuClass?: string; mem?: string; tags?: string[] }>,
  ): string {
    const lines = ['hosts:'];
    for (const [name, p] of Object.entries(profiles)) {
      lines.push(`  ${name}:`, `    ssh: ${p.alias}`, `    workdir: ${this.host(p.alias).workdir}`);
      if (p.gpus !== undefined) lines.push(`    gpus: ${p.gpus}`);
      if (p.gpuClass) lines.push(`    gpu_class: ${p.gpuClass}`);
      if (p.mem) lines.push(`    mem: ${p.mem}`);
      if (p.tags) lines.push(`    tags: [${p.tags.join(', ')}]`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** Leave no job behind: every process group a worker's `pid` file names. */
  killJobs(): void {
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory() && e.name !== 'src') walk(p);
        else if (e.name === 'pid') {
          const pid = Number(readFileSync(p, 'utf8').trim());
          if (Number.isInteger(pid) && pid > 1) {
            try {
              process.kill(-pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
        }
      }
    };
    for (const h of this.hosts) walk(h.workdir);
  }

  async tearDown(): Promise<void> {
    this.killJobs();
    for (const h of this.hosts) await h.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
