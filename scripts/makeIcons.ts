/**
 * Draws the Teams app icons into appPackage/ (they are committed; run this only to change them):
 * - color.png, 192×192: a blue rounded square with a white page, its corner folded, and three lines of text;
 * - outline.png, 32×32: the same page as a white outline on transparent, as Teams requires.
 *
 * Run: `npx tsc -p tsconfig.bench.json && node dist-bench/scripts/makeIcons.js`
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng, RgbaImage } from './teams/png.js';
import { repoRoot } from './teams/repoRoot.js';

type Rgb = readonly [number, number, number];
/** Whether a point (in pixels, continuous) is inside a shape. */
type Shape = (x: number, y: number) => boolean;

const BLUE: Rgb = [0x18, 0x68, 0xdb];
const PALE_BLUE: Rgb = [0xb3, 0xd4, 0xff];
const WHITE: Rgb = [0xff, 0xff, 0xff];
/** Samples per pixel side: 4×4 coverage samples give smooth edges. */
const SUPERSAMPLE = 4;

class Canvas {
  readonly pixels: Uint8Array;

  constructor(readonly size: number) {
    this.pixels = new Uint8Array(size * size * 4);
  }

  /** Paints `shape` in `color` over what is there, with anti-aliased edges ("source over" compositing). */
  fill(shape: Shape, color: Rgb): void {
    for (let py = 0; py < this.size; py++) {
      for (let px = 0; px < this.size; px++) {
        let inside = 0;
        for (let sy = 0; sy < SUPERSAMPLE; sy++) {
          for (let sx = 0; sx < SUPERSAMPLE; sx++) {
            if (shape(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE)) inside++;
          }
        }
        if (inside > 0) this.blend(px, py, color, inside / (SUPERSAMPLE * SUPERSAMPLE));
      }
    }
  }

  private blend(px: number, py: number, color: Rgb, alpha: number): void {
    const i = (py * this.size + px) * 4;
    const below = this.pixels[i + 3]! / 255;
    const out = alpha + below * (1 - alpha);
    for (let c = 0; c < 3; c++) {
      const mixed = (color[c]! * alpha + this.pixels[i + c]! * below * (1 - alpha)) / out;
      this.pixels[i + c] = Math.round(mixed);
    }
    this.pixels[i + 3] = Math.round(out * 255);
  }

  image(): RgbaImage {
    return { width: this.size, height: this.size, pixels: this.pixels };
  }
}

function roundedRect(left: number, top: number, right: number, bottom: number, radius: number): Shape {
  return (x, y) => {
    if (x < left || x > right || y < top || y > bottom) return false;
    const cx = Math.min(Math.max(x, left + radius), right - radius);
    const cy = Math.min(Math.max(y, top + radius), bottom - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
}

/** A convex polygon, points in clockwise order (y down). */
function polygon(points: Array<[number, number]>): Shape {
  return (x, y) =>
    points.every(([x1, y1], i) => {
      const [x2, y2] = points[(i + 1) % points.length]!;
      return (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) >= 0;
    });
}

function distanceToSegment(x: number, y: number, [x1, y1]: [number, number], [x2, y2]: [number, number]): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** A stroked polyline of the given width, with round joins and caps. */
function stroke(points: Array<[number, number]>, width: number, closed = false): Shape {
  const segments = points.map((point, i) => [point, points[(i + 1) % points.length]!] as const);
  const drawn = closed ? segments : segments.slice(0, -1);
  return (x, y) => drawn.some(([a, b]) => distanceToSegment(x, y, a, b) <= width / 2);
}

/** A page with its top-right corner folded: outline points, scaled from a 24-unit design grid. */
function pageGeometry(scale: number, offsetX: number, offsetY: number) {
  const p = (x: number, y: number): [number, number] => [offsetX + x * scale, offsetY + y * scale];
  return {
    outline: [p(0, 0), p(11, 0), p(17, 6), p(17, 24), p(0, 24)],
    /** The folded-over corner, as a clockwise triangle to fill and as the two creases to draw. */
    fold: [p(11, 0), p(17, 6), p(11, 6)],
    crease: [p(11, 0), p(11, 6), p(17, 6)],
    lines: [
      [p(3.5, 11), p(13.5, 11)],
      [p(3.5, 15), p(13.5, 15)],
      [p(3.5, 19), p(10, 19)],
    ] as Array<[number, number]>[],
  };
}

function colorIcon(): RgbaImage {
  const canvas = new Canvas(192);
  canvas.fill(roundedRect(0, 0, 192, 192, 40), BLUE);
  // The page: 17×24 design units at 5.5 px, centred.
  const page = pageGeometry(5.5, (192 - 17 * 5.5) / 2, (192 - 24 * 5.5) / 2);
  canvas.fill(polygon(page.outline), WHITE);
  canvas.fill(polygon(page.fold), PALE_BLUE);
  for (const line of page.lines) canvas.fill(stroke(line, 7), BLUE);
  return canvas.image();
}

function outlineIcon(): RgbaImage {
  const canvas = new Canvas(32);
  // Whole-pixel positions and 2 px strokes keep the edges crisp at this size.
  const page = pageGeometry(1, 8, 4);
  canvas.fill(stroke(page.outline, 2, true), WHITE);
  canvas.fill(stroke(page.crease, 2), WHITE);
  for (const line of page.lines) canvas.fill(stroke(line, 2), WHITE);
  return canvas.image();
}

const folder = path.join(repoRoot(), 'appPackage');
writeFileSync(path.join(folder, 'color.png'), encodePng(colorIcon()));
writeFileSync(path.join(folder, 'outline.png'), encodePng(outlineIcon()));
console.log(`wrote ${path.join(folder, 'color.png')} and outline.png`);
