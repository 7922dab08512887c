// Meshes in real headless Chromium: a URDF with a binary STL and a Collada file behind package://
// and an ASCII STL by a relative name (../meshes from the package's urdf/ folder), each scaled, is
// drawn (each mesh's own colour shows in the screenshot), package:// is resolved by the page server,
// and a missing mesh is reported on the page instead of failing silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { startWebServer, type WebServer } from '../../cli/web-server.ts';
import { launchBrowser, openPage, saveScreenshot, waitFor } from './support/browser.ts';
import { startScriptedBridge, type ScriptedBridge } from './support/scripted-bridge.ts';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'embodied_test_meshes');
const URDF_FILE = join(PACKAGE, 'urdf', 'mesh-robot.urdf');

let bridge: ScriptedBridge;
let web: WebServer;
let browser: Browser;
let page: Page;
const responses = new Map<string, number>();
const pageErrors: string[] = [];

/** Samples (every 2nd pixel) of the viewer whose colour is dominated by red, green or blue. */
function dominantColours(png: Buffer): { red: number; green: number; blue: number } {
  const image = decode(png);
  const d = image.data as Uint8Array;
  const counts = { red: 0, green: 0, blue: 0 };
  for (let y = 60; y < Math.min(image.height, 660); y += 2) {
    for (let x = 0; x < Math.min(image.width, 1000); x += 2) {
      const i = (y * image.width + x) * image.channels;
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (r > 90 && r > 2 * g && r > 2 * b) counts.red++;
      else if (g > 90 && g > 1.5 * r && g > 1.5 * b) counts.green++;
      else if (b > 90 && b > 1.5 * r && b > 1.2 * g) counts.blue++;
    }
  }
  return counts;
}

beforeAll(async () => {
  bridge = await startScriptedBridge({ urdf: readFileSync(URDF_FILE, 'utf8') });
  web = await startWebServer({ port: 0, rosbridgeUrl: bridge.url, robotFile: URDF_FILE });
  browser = await launchBrowser();
  page = await (async () => {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    p.on('response', (response) => responses.set(new URL(response.url()).pathname, response.status()));
    p.on('pageerror', (error) => pageErrors.push(String(error)));
    return p;
  })();
  await page.goto(web.url);
  await waitFor('the page to connect', async () => (await page.getByTestId('link-state').textContent()) === 'connected');
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await bridge?.close();
});

describe('meshes', () => {
  it('draws binary STL, ASCII STL and Collada meshes (package:// and relative names, scaled) and reports the missing one', async () => {
    await waitFor('the mesh loads to settle (the missing one reported)', async () => (await page.locator('#viewer-message').textContent())?.includes('missing.stl'));
    const message = (await page.locator('#viewer-message').textContent())!;
    // Only the missing mesh failed.
    expect(message).toMatch(/^meshes not shown: package:\/\/embodied_test_meshes\/meshes\/missing\.stl: [^;]+$/);
    bridge.publishJointState(['joint1', 'joint2'], [0, 0]);
    // Green: the binary STL (URDF material); blue: the ASCII STL (URDF material); red: the Collada's own material.
    // Polled: on a busy machine the first frames after framing the robot may still be on their way.
    let colours = { red: 0, green: 0, blue: 0 };
    const drawn = () => colours.green > 400 && colours.blue > 150 && colours.red > 300;
    await waitFor('each mesh\'s colour on screen', async () => {
      colours = dominantColours(await page.screenshot());
      return drawn();
    }, 10_000, 500).catch(() => undefined);
    await saveScreenshot(page, 'meshes');
    console.log(JSON.stringify({ name: 'web/mesh-pixels', unit: 'samples', ...colours }));
    expect(colours.green).toBeGreaterThan(400);
    expect(colours.blue).toBeGreaterThan(150);
    expect(colours.red).toBeGreaterThan(300);
    expect(responses.get('/package/embodied_test_meshes/meshes/cube-binary.stl')).toBe(200);
    expect(responses.get('/package/embodied_test_meshes/meshes/cube.dae')).toBe(200);
    expect(responses.get('/robot-dir/..%2Fmeshes%2Ftetra-ascii.stl')).toBe(200);
    expect(responses.get('/package/embodied_test_meshes/meshes/missing.stl')).toBe(404);
    expect(pageErrors).toEqual([]);
  });

  it('scale is applied: the 0.3 m binary-STL cube spans about 0.3 m in the scene', async () => {
    const size = await page.evaluate(() => {
      const viewer = (window as unknown as { __embodied: { viewer: { scene: { getObjectByName(n: string): { traverse(f: (o: unknown) => void): void } | undefined } } } }).__embodied.viewer;
      const base = viewer.scene.getObjectByName('base_link')!;
      let extent: number[] = [];
      base.traverse((node) => {
        const mesh = node as { isMesh?: boolean; geometry?: { computeBoundingBox(): void; boundingBox: { min: { x: number; y: number; z: number }; max: { x: number; y: number; z: number } } }; matrixWorld: { elements: number[] } };
        if (!mesh.isMesh || !mesh.geometry) return;
        mesh.geometry.computeBoundingBox();
        const e = mesh.matrixWorld.elements;
        const b = mesh.geometry.boundingBox;
        // Column norms of the world matrix are the scale along each local axis.
        const scale = [0, 4, 8].map((c) => Math.hypot(e[c], e[c + 1], e[c + 2]));
        extent = [(b.max.x - b.min.x) * scale[0], (b.max.y - b.min.y) * scale[1], (b.max.z - b.min.z) * scale[2]];
      });
      return extent;
    });
    for (const x of size) expect(x).toBeCloseTo(0.3, 3);
  });

  it('the page server keeps relative mesh names inside the robot\'s package', async () => {
    const escape = await fetch(new URL('robot-dir/..%2F..%2F..%2F..%2Fpackage.json', web.url));
    expect(escape.status).toBe(404);
    const inside = await fetch(new URL('robot-dir/..%2Fpackage.xml', web.url));
    expect(inside.status).toBe(200);
  });
});
