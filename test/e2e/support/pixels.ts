// Screenshot pixel checks: how much of a region is "robot-coloured" (saturated or bright, unlike the
// dark grey background and grid), and how much two screenshots differ.
import { decode } from 'fast-png';

/** A rectangle in CSS pixels (screenshots are taken at device scale 1). */
export interface Region { x: number; y: number; width: number; height: number }

function rgbaAt(image: ReturnType<typeof decode>, x: number, y: number): [number, number, number] {
  const channels = image.channels;
  const i = (y * image.width + x) * channels;
  const d = image.data as Uint8Array;
  return [d[i], d[i + 1], d[i + 2]];
}

/** Fraction of pixels in `region` whose colour saturation exceeds 0.35 and value 0.25 (the robot's paint, not the scene's greys). */
export function colourfulFraction(png: Buffer, region: Region): number {
  const image = decode(png);
  let hits = 0;
  let total = 0;
  for (let y = region.y; y < Math.min(image.height, region.y + region.height); y += 2) {
    for (let x = region.x; x < Math.min(image.width, region.x + region.width); x += 2) {
      const [r, g, b] = rgbaAt(image, x, y);
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const saturation = max === 0 ? 0 : (max - min) / max;
      total++;
      if (saturation > 0.35 && max > 64) hits++;
    }
  }
  return hits / Math.max(1, total);
}

/** Fraction of pixels in `region` that differ by more than 40 (sum of |ΔRGB|) between two screenshots. */
export function changedFraction(a: Buffer, b: Buffer, region: Region): number {
  const first = decode(a);
  const second = decode(b);
  let changed = 0;
  let total = 0;
  for (let y = region.y; y < Math.min(first.height, region.y + region.height); y += 2) {
    for (let x = region.x; x < Math.min(first.width, region.x + region.width); x += 2) {
      const p = rgbaAt(first, x, y);
      const q = rgbaAt(second, x, y);
      total++;
      if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) > 40) changed++;
    }
  }
  return changed / Math.max(1, total);
}
