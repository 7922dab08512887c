// rosbridge's `png` compression: the JSON text of a frame stored as the pixel bytes of an RGB
// PNG image, base64-encoded into `{op:'png', data}`. Padding is spaces, which JSON ignores.
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { decodeBase64, encodeBase64 } from './base64.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The `png` frame carrying `json` (the full text of another frame). */
export function encodePngFrame(json: string, id?: string): string {
  const bytes = encoder.encode(json);
  const pixels = Math.max(1, Math.ceil(bytes.length / 3));
  const width = Math.ceil(Math.sqrt(pixels));
  const height = Math.ceil(pixels / width);
  const data = new Uint8Array(width * height * 3).fill(0x20);
  data.set(bytes);
  const png = encodePng({ width, height, data, channels: 3, depth: 8 });
  const frame: Record<string, string> = { op: 'png', data: encodeBase64(png) };
  if (id !== undefined) frame.id = id;
  return JSON.stringify(frame);
}

/** The JSON text inside a `png` frame's base64 data; throws when it is not a PNG. */
export function decodePngData(base64: string): string {
  const image = decodePng(decodeBase64(base64));
  const data = image.data;
  if (!(data instanceof Uint8Array)) throw new Error('png: expected 8-bit image data');
  return decoder.decode(data).trimEnd();
}
