// The page in real headless Chromium against a rosbridge server that wants a token, started as a
// user would: `embodied bridge --port 0 --token T`, a publisher that authenticates, and
// `embodied view --url ... --token T`, whose printed address carries the token in its fragment. The
// page connects, draws the robot from /robot_description and shows a published joint value; the
// token leaves the address bar and survives a reload of the tab; a tab without it, or with a wrong
// one, gets nothing and its link indicator reads 'refused', not 'connected'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { RosbridgeClient } from '../../bridge/client.ts';
import { launchBrowser, openPage, saveScreenshot, waitFor } from './support/browser.ts';
import { servoArmUrdf } from './support/scripted-bridge.ts';
import { colourfulFraction, type Region } from './support/pixels.ts';

const ENTRY = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'cli', 'embodied.js');
// Characters a careless fragment encoding or URLSearchParams would change ('+' reads as a space).
const TOKEN = 'e2e token+/=&#%';
const NAMES = ['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6'];
const VIEWER: Region = { x: 0, y: 60, width: 1000, height: 600 };
const toDegrees = 180 / Math.PI;

/** A spawned `embodied` command in its own process group, with what it printed. */
interface Command {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Ctrl-C to the group, then waits until it is gone (SIGKILL after 8 s). */
  stop(): Promise<void>;
}

/** Spawns `embodied ...args` and resolves with the first match of `pattern` on its stdout. */
async function runCommand(args: string[], pattern: RegExp, timeoutMs = 110_000): Promise<{ command: Command; match: RegExpExecArray }> {
  // Without EMBODIED_TOKEN: the flag alone must carry the token.
  const { EMBODIED_TOKEN: _unused, ...env } = process.env;
  const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const command: Command = {
    child,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (!alive()) return;
      process.kill(-child.pid!, 'SIGINT');
      const deadline = Date.now() + 8000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(-child.pid!, 'SIGKILL');
      while (alive()) await new Promise((r) => setTimeout(r, 100));
    },
  };
  const match = await new Promise<RegExpExecArray>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`embodied ${args[0]} printed nothing matching ${pattern} within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = pattern.exec(out);
      if (found) {
        clearTimeout(timer);
        resolvePromise(found);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embodied ${args[0]} exited (${signal ?? code}) first; stdout:\n${out}\nstderr:\n${err}`));
    });
  }).catch(async (error: unknown) => {
    await command.stop();
    throw error;
  });
  return { command, match };
}

let bridge: Command | undefined;
let view: Command | undefined;
let rosbridgeUrl: string;
let printedUrl: string;
let publisher: RosbridgeClient | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

interface PageRobot { name: string; nq: number; sequence: number; position: number[] }
const robotIn = (p: Page) => p.evaluate(() => (window as unknown as { __embodied?: { robot?: PageRobot } }).__embodied?.robot);
const linkState = (p: Page) => p.getByTestId('link-state').textContent();
const jointCell = (joint: string, column: number) => page.locator(`#joint-table tr[data-joint="${joint}"] td`).nth(column).textContent();

/** Publishes `position` on /joint_states until the page holds it (the topic is not latched, and the page's worker subscribes on its own schedule). */
async function publishUntilShown(p: Page, position: number[], what: string): Promise<void> {
  await waitFor(what, async () => {
    publisher!.publish('/joint_states', 'sensor_msgs/JointState', {
      header: { stamp: { sec: Math.floor(Date.now() / 1000), nanosec: 0 }, frame_id: '' },
      name: NAMES, position, velocity: [], effort: [],
    });
    const shown = (await robotIn(p))?.position;
    return shown !== undefined && position.every((x, k) => Math.abs(shown[k] - x) < 1e-9);
  }, 20_000, 200);
}

beforeAll(async () => {
  const started = await runCommand(['bridge', '--port', '0', '--token', TOKEN], /rosbridge server listening on (ws:\/\/\S+)/);
  bridge = started.command;
  rosbridgeUrl = started.match[1];
  publisher = new RosbridgeClient({ url: rosbridgeUrl, dialect: 'ros2', token: TOKEN, reconnect: false });
  await publisher.connect();
  publisher.advertise('/robot_description', 'std_msgs/String', { latch: true });
  publisher.publish('/robot_description', 'std_msgs/String', { data: servoArmUrdf() }, { latch: true });
  publisher.advertise('/joint_states', 'sensor_msgs/JointState');
  // `view` builds the page first when dist/web is older than its sources (as every e2e test does).
  const viewed = await runCommand(['view', '--url', rosbridgeUrl, '--port', '0', '--token', TOKEN], /embodied view: (http:\/\/\S+) \(rosbridge/);
  view = viewed.command;
  printedUrl = viewed.match[1];
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  publisher?.close();
  await view?.stop();
  await bridge?.stop();
});

describe('page against a rosbridge server that wants a token', () => {
  it('embodied view prints the page address with the token in its fragment, and only there', () => {
    const address = new URL(printedUrl);
    expect(address.hostname).toBe('127.0.0.1');
    expect(address.search).toBe('');
    expect(address.hash).toBe(`#token=${encodeURIComponent(TOKEN)}`);
    expect(view!.stderr()).not.toContain(TOKEN);
  });

  it('opened at that address: connected, draws the robot, shows a published joint value; the token leaves the address bar', async () => {
    page = await openPage(browser!, printedUrl, pageErrors);
    await waitFor('the page to connect', async () => (await linkState(page)) === 'connected');
    await waitFor('the robot model from /robot_description', async () => (await robotIn(page))?.nq === 6);
    expect((await robotIn(page))!.name).toBe('servo-arm');
    await publishUntilShown(page, [0.1, -0.2, 0.3, 0, 0.4, 0], 'the published pose in the page');
    await page.getByRole('button', { name: 'Joints' }).click();
    await waitFor('joint2 in the joint table', async () => (await jointCell('joint2', 1)) === (-0.2 * toDegrees).toFixed(2));
    expect(await jointCell('joint1', 1)).toBe((0.1 * toDegrees).toFixed(2));
    expect(await jointCell('joint5', 1)).toBe((0.4 * toDegrees).toFixed(2));
    await waitFor('the robot\'s pixels', async () => colourfulFraction(await page.screenshot(), VIEWER) > 0.01, 10_000, 250);
    await saveScreenshot(page, 'token-page');
    // Still connected after the first round-trip probes: the server did not refuse the link.
    await page.waitForTimeout(1500);
    expect(await linkState(page)).toBe('connected');
    expect(await page.locator('#rtt').textContent()).toMatch(/^[0-9.]+ ms$/);

    const address = new URL(page.url());
    expect(address.hash).toBe('');
    expect(page.url()).not.toContain('token');
    expect(page.url()).toBe(new URL('/', printedUrl).href);
    expect(pageErrors).toEqual([]);
  });

  it('a reload of the tab (address without the token) connects again with the kept token', async () => {
    await page.reload();
    expect(page.url()).not.toContain('token');
    await waitFor('the reloaded page to connect', async () => (await linkState(page)) === 'connected');
    await waitFor('the robot after the reload', async () => (await robotIn(page))?.nq === 6);
    await publishUntilShown(page, [0, 0.5, 0, 0, 0, 0], 'a new pose after the reload');
    expect(pageErrors).toEqual([]);
  });

  it('a tab opened without the token (or with a wrong one) shows the link refused, and gets neither the robot nor the pose', async () => {
    const tabs: { context: BrowserContext; page: Page }[] = [];
    try {
      for (const url of [new URL('/', printedUrl).href, `${new URL('/', printedUrl).href}#token=wrong`]) {
        // A fresh context: no sessionStorage of the tab above.
        const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
        const other = await context.newPage();
        await other.goto(url);
        tabs.push({ context, page: other });
      }
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline) {
        publisher!.publish('/joint_states', 'sensor_msgs/JointState', {
          header: { stamp: { sec: Math.floor(Date.now() / 1000), nanosec: 0 }, frame_id: '' },
          name: NAMES, position: [0.7, 0, 0, 0, 0, 0], velocity: [], effort: [],
        });
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const tab of tabs) expect(await robotIn(tab.page)).toBeUndefined();
      // The socket opens either way: the indicator must not read 'connected' on a link the server refuses.
      const [without, wrong] = tabs.map((tab) => tab.page);
      expect(await linkState(without)).toBe('refused');
      expect(await without.getByTestId('link-state').getAttribute('title')).toContain('not authenticated');
      expect(await without.locator('#banner').textContent()).toContain('#token=');
      expect(await linkState(wrong)).toBe('refused');
      expect(await wrong.getByTestId('link-state').getAttribute('title')).toContain('wrong token');
      // The authenticated tab meanwhile got the pose: the stream ran, the others were refused.
      expect((await robotIn(page))!.position[0]).toBeCloseTo(0.7, 12);
    } finally {
      for (const tab of tabs) await tab.context.close();
    }
  });
});
