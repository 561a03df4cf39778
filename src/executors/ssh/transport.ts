/**
 * The one way runlog talks to a worker: the system `ssh` binary, spawned
 * with an argv array. The system client honours the user's ~/.ssh/config,
 * ProxyJump, agent and known_hosts (the npm ssh2 client reads none of them).
 *
 * Every call gets:
 * - `BatchMode=yes`: a password or host-key prompt fails the call instead of
 *   waiting for a person who is not there;
 * - a multiplexed connection (ControlMaster=auto, ControlPersist) whose
 *   sockets live in a private directory (0700, owned by us, short path:
 *   a unix socket path must fit in 108 bytes). Over the master a call costs
 *   one session instead of a TCP + key exchange + auth handshake;
 * - a hard deadline of our own: `ConnectTimeout` does not cover a master
 *   that accepts the mux connection and then never answers, so the timer
 *   kills the client. A call that dies that way on the mux path is tried
 *   once more without the mux, after the stale socket is removed.
 *
 * Exit 255 (ssh's own failure) and a missed deadline are transport
 * failures: they say nothing about the job on the worker.
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { usageError } from '../../core/errors.js';

export interface SshTransportOptions {
  /** `ssh -F <file>`; default: ssh's own (~/.ssh/config, /etc/ssh/ssh_config). */
  configFile?: string;
  /** Directory for ControlMaster sockets; `false` turns multiplexing off. */
  controlDir?: string | false;
  /** How long an idle master stays up after the last call, in seconds. */
  controlPersistSec: number;
  /** TCP connect limit handed to ssh, in seconds. */
  connectTimeoutSec: number;
  /** Deadline of a call that does not set its own. */
  callTimeoutMs: number;
  /** The client binary (default `ssh`, found on PATH). */
  binary?: string;
}

export interface SshCall {
  destination: string;
  /** The command line for the remote shell, already quoted (see core/shell-quote). */
  command: string;
  stdin?: string | Buffer | Readable;
  timeoutMs?: number;
}

export interface SshResult {
  /** ssh's exit code (the remote command's, or 255 for ssh's own failure); null when killed. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  /** ssh processes this call started (2 when the mux fallback ran). */
  invocations: number;
  ms: number;
}

export const SSH_FAILURE = 255;

/** The call never reached a remote shell, or we gave up on it: nothing is known about the job. */
export function isTransportFailure(r: SshResult): boolean {
  return r.timedOut || r.code === SSH_FAILURE || r.code === null;
}

/** A one-line account of a failed call, for evidence and errors. */
export function describeFailure(destination: string, r: SshResult): string {
  const last = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
  if (r.timedOut) return `ssh ${destination}: no answer within ${r.ms} ms`;
  return `ssh ${destination}: exit ${r.code ?? 'killed'}${last ? ` (${last.slice(0, 300)})` : ''}`;
}

/**
 * ssh destinations are taken from the command line and from `hosts:`
 * profiles; one starting with `-` would be read as an option, and control
 * characters have no business in a host name.
 */
export function checkDestination(destination: string, where: string): string {
  // eslint-disable-next-line no-control-regex
  if (destination === '' || destination.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(destination)) {
    throw usageError(
      'BAD_SSH_DESTINATION',
      `${where}: ${JSON.stringify(destination)} is not an ssh destination`,
      'use a host name, an alias from your ssh config, user@host, or ssh://user@host:port',
    );
  }
  return destination;
}

/** The default socket directory: per user, short, under the temp dir. */
export function defaultControlDir(): string {
  return join(tmpdir(), `runlog-ssh-${process.getuid?.() ?? 'u'}`);
}

/**
 * Makes (or accepts) the socket directory only when it is a real directory
 * owned by us and closed to everyone else: a socket in a directory another
 * user can write could be swapped for theirs.
 */
export function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Stderr lines ssh prints when the mux socket, not the host, is the trouble. */
const MUX_TROUBLE = /mux_client|control socket|ControlSocket|master is dead|Control master/i;

export class SshTransport {
  /** ssh processes started by this transport, for the poll's invocation count. */
  invocations = 0;
  private readonly controlDir: string | undefined;

  constructor(private readonly opts: SshTransportOptions) {
    const dir = opts.controlDir === false ? undefined : (opts.controlDir ?? defaultControlDir());
    this.controlDir = dir !== undefined && privateDir(dir) ? dir : undefined;
  }

  /** The ssh argv before the destination: everything we insist on, then the user's config. */
  private baseArgs(mux: boolean): string[] {
    const o = this.opts;
    const args: string[] = [];
    if (o.configFile) args.push('-F', o.configFile);
    args.push(
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${o.connectTimeoutSec}`,
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
    );
    if (mux && this.controlDir) {
      args.push(
        '-o',
        'ControlMaster=auto',
        '-o',
        `ControlPath=${join(this.controlDir, '%C')}`,
        '-o',
        `ControlPersist=${o.controlPersistSec}`,
      );
    } else {
      args.push('-o', 'ControlMaster=no', '-o', 'ControlPath=none');
    }
    // No terminal, no forwarding: the remote command talks only through its streams.
    args.push('-T', '-a', '-x');
    return args;
  }

  async run(call: SshCall): Promise<SshResult> {
    const first = await this.once(call, this.controlDir !== undefined);
    if (this.controlDir === undefined) return first;
    const muxTrouble = first.timedOut || (first.code === SSH_FAILURE && MUX_TROUBLE.test(first.stderr));
    if (!muxTrouble || (typeof call.stdin === 'object' && !Buffer.isBuffer(call.stdin))) return first;
    await this.dropSocket(call.destination);
    const second = await this.once(call, false);
    return { ...second, invocations: first.invocations + second.invocations, ms: first.ms + second.ms };
  }

  /**
   * The socket a hung master listens on: removing it makes the next call
   * start a fresh master instead of waiting on the old one again.
   */
  private async dropSocket(destination: string): Promise<void> {
    const r = await this.once({ destination, command: '', timeoutMs: 5_000 }, true, ['-G']);
    const path = /^controlpath (.+)$/m.exec(r.stdout.toString('utf8'))?.[1];
    if (path && this.controlDir && path.startsWith(this.controlDir)) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  }

  private once(call: SshCall, mux: boolean, extra: string[] = []): Promise<SshResult> {
    const started = Date.now();
    const timeoutMs = call.timeoutMs ?? this.opts.callTimeoutMs;
    const argv = [...this.baseArgs(mux), ...extra, '--', call.destination];
    if (call.command !== '') argv.push(call.command);
    this.invocations++;
    return new Promise((resolve) => {
      const child = spawn(this.opts.binary ?? 'ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      let timedOut = false;
      let settled = false;
      const finish = (code: number | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(out), stderr: err, timedOut, invocations: 1, ms: Date.now() - started });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (err.length < 64 * 1024) err += d;
      });
      child.on('error', (e) => {
        err += e.message;
        finish(SSH_FAILURE);
      });
      child.on('close', (code) => finish(timedOut ? null : code));
      // The remote side may stop reading early (an adopted launch drains nothing); that is not our failure.
      child.stdin.on('error', () => undefined);
      const input = call.stdin;
      if (input === undefined) child.stdin.end();
      else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
      else input.pipe(child.stdin);
    });
  }
}
