/**
 * A real renderer draws the chart: librsvg's rsvg-convert (installed by
 * scripts/test.sh) turns the SVG into a PNG, and the PNG must not be blank:
 * many distinct colours, the series' blue among them. Skipped only outside
 * CI when rsvg-convert is missing; CI=true fails instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRunChart } from '../../../src/plot/run-chart.js';
import { long, resumed } from './fixtures.js';

const available = spawnSync('rsvg-convert', ['--version']).status === 0;
const inCi = process.env['CI'] === 'true';

/** RGBA pixels of an 8-bit RGB/RGBA non-interlaced PNG (what rsvg-convert writes). */
function decodePng(buf: Buffer): {
  width: number;
  height: number;
  pixel: (x: number, y: number) => [number, number, number];
} {
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9]!;
      expect(data[8]).toBe(8);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= bpp ? out[y * stride + i - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter]!;
      out[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => [out[y * stride + x * bpp]!, out[y * stride + x * bpp + 1]!, out[y * stride + x * bpp + 2]!],
  };
}

describe.skipIf(!available && !inCi)('rendered by librsvg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-rsvg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rsvg-convert is installed (CI must not skip this)', () => {
    expect(available).toBe(true);
  });

  for (const [name, make] of [
    ['resumed', resumed],
    ['long-100k', long],
  ] as const) {
    it(`${name}: the PNG is not blank and shows the train-loss blue`, () => {
      const svgPath = join(dir, `${name}.svg`);
      const pngPath = join(dir, `${name}.png`);
      writeFileSync(svgPath, renderRunChart(make()));
      execFileSync('rsvg-convert', ['--format', 'png', '--output', pngPath, svgPath], { timeout: 30_000 });
      const png = decodePng(readFileSync(pngPath));
      expect([png.width, png.height]).toEqual([720, 440]);
      const colours = new Set<string>();
      let white = 0;
      let blue = 0;
      for (let y = 0; y < png.height; y += 2) {
        for (let x = 0; x < png.width; x += 2) {
          const [r, g, b] = png.pixel(x, y);
          colours.add(`${r >> 4},${g >> 4},${b >> 4}`);
          if (r > 250 && g > 250 && b > 250) white++;
          if (b > 180 && r < 90 && g > 80 && g < 150) blue++;
        }
      }
      const total = (png.width / 2) * (png.height / 2);
      expect(white / total).toBeGreaterThan(0.5);
      expect(white / total).toBeLessThan(0.995);
      expect(colours.size).toBeGreaterThan(20);
      expect(blue).toBeGreaterThan(100);
    });
  }
});
