// publish strips private infrastructure (internal zones, private addresses, bucket URIs, the config's own machines); --check flags them.
import { describe, expect, it } from 'vitest';
import { Sanitizer, infrastructureNames, readSanitizeConfig, sanitizerFor } from '../../src/publish/sanitize.js';

const plain = () => new Sanitizer(readSanitizeConfig({}));

describe('private infrastructure in a published log', () => {
  it.each([
    ['metrics at http://grafana.corp.internal:3000/d/x', 'private_host'],
    ['dataset mirror on nas01.lan', 'private_host'],
    ['printer.local and build.corp', 'private_host'],
    ['rank0 at 10.12.0.7:29500', 'private_ip'],
    ['NCCL on 172.20.1.14 and 192.168.1.20', 'private_ip'],
    ['tailnet 100.101.5.9, metadata 169.254.169.254, local 127.0.0.1', 'private_ip'],
    ['ib0 fe80::1ff:fe23:4567:890a%ib0 and fd12:3456:789a::1 and ::1', 'private_ip'],
    ['ckpt gs://acme-private/run7/step_1000', 'private_bucket'],
    ['data s3://acme-raw/shards and az://acct/container and abfss://fs@acct.dfs.core.windows.net/x', 'private_bucket'],
  ])('%s → removed (%s), and --check flags the original', (line, rule) => {
    const s = plain();
    const out = s.sanitize(line);
    expect(out.removed.map((r) => r.rule)).toContain(rule);
    expect(out.text).not.toMatch(
      /corp\.internal|nas01|printer\.local|10\.12\.0\.7|172\.20|192\.168|100\.101|169\.254|127\.0|fe80|fd12|::1\b|acme-|acct/,
    );
    expect(s.leaks(line).map((l) => l.rule)).toContain(rule);
    expect(s.leaks(out.text)).toEqual([]);
  });

  it.each([
    'W&B: https://wandb.ai/team/project/runs/abc123',
    'weights: https://huggingface.co/org/model',
    'public DNS 8.8.8.8, docs 93.184.216.34, version 10.2.3',
    'lr 1e-4, step 10.5k, torch 2.1.0, cuda 12.1',
    'see https://example.com/local and a.local.example.com',
  ])('%s stays', (line) => {
    expect(plain().sanitize(line)).toEqual({ text: line, removed: [] });
  });

  it('keeps what publish.sanitize.allow lists: exact values and prefixes', () => {
    const s = sanitizerFor({ publish: { sanitize: { allow: ['gs://acme-public/*', 'mirror.corp'] } } }, []);
    expect(
      s.sanitize('ckpt gs://acme-public/run7 and gs://acme-private/run7 via mirror.corp and build.corp').text,
    ).toBe('ckpt gs://acme-public/run7 and <bucket> via mirror.corp and <host>');
  });

  it('removes the bare machine names the config knows: SSH host profiles, their destinations, Slurm clusters', () => {
    const names = infrastructureNames({
      hosts: { 'gpu-box': { ssh: 'alice@dgx07:2222' }, lab: { ssh: 'ssh://lab-head' } },
      clusters: { 'frontier-a': { partition: 'gpu' } },
    });
    expect(names.sort()).toEqual(['dgx07', 'frontier-a', 'gpu-box', 'lab', 'lab-head']);
    const s = sanitizerFor({}, [], { hosts: names });
    expect(s.sanitize('ran on dgx07 (profile gpu-box), then frontier-a').text).toBe(
      'ran on <host> (profile <host>), then <host>',
    );
  });
});
