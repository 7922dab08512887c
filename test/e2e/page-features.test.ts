// The page's remaining features in real headless Chromium against a bare rosbridge server with a
// scripted publisher: a gamepad (a fake one behind navigator.getGamepads, installed by an init
// script before the page loads) jogs with LB as its deadman; the TF frames toggle adds and removes
// the per-link axes in the scene; joints near and at a limit are coloured in the table and in the
// scene; collision events from /diagnostics are listed newest first; /joint_states reaches the page
// through its worker; and the page logs no console error meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildModel } from '../../robot/model.ts';
import { startWebServer, type WebServer } from '../../cli/web-server.ts';
import { launchBrowser, openPage, saveScreenshot, waitFor } from './support/browser.ts';
import { servoArmUrdf, startScriptedBridge, type ScriptedBridge } from './support/scripted-bridge.ts';
import { changedFraction, type Region } from './support/pixels.ts';

const model = buildModel(servoArmUrdf());
const NAMES = [...model.jointNames];
const VIEWER: Region = { x: 0, y: 60, width: 1000, height: 600 };

let bridge: ScriptedBridge;
let web: WebServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** What the page's read-only debug hook reports about its scene (web/src/main.ts `__embodied.scene`). */
interface SceneProbe { framesVisible: number; frames: number; emissive: [number, number, number][] }
interface PageRobot { nq: number; sequence: number; position: number[] }
const sceneInPage = () => page.evaluate(() => (window as unknown as { __embodied: { scene: SceneProbe | undefined } }).__embodied.scene);
const robotInPage = () => page.evaluate(() => (window as unknown as { __embodied?: { robot?: PageRobot } }).__embodied?.robot);

// A gamepad the test drives: navigator.getGamepads() returns it while window.__pad.connected.
const FAKE_GAMEPAD = `
  window.__pad = { connected: false, axes: [0, 0, 0, 0], buttons: Array.from({ length: 16 }, () => false) };
  navigator.getGamepads = () => {
    const pad = window.__pad;
    if (!pad.connected) return [null, null, null, null];
    return [{
      id: 'Test Pad (STANDARD GAMEPAD)', index: 0, connected: true, mapping: 'standard', timestamp: performance.now(),
      axes: pad.axes.slice(), buttons: pad.buttons.map((pressed) => ({ pressed, touched: pressed, value: pressed ? 1 : 0 })),
    }, null, null, null];
  };
`;
const setPad = (pad: { connected?: boolean; axes?: number[]; lb?: boolean }) =>
  page.evaluate((p) => {
    const state = (window as unknown as { __pad: { connected: boolean; axes: number[]; buttons: boolean[] } }).__pad;
    if (p.connected !== undefined) state.connected = p.connected;
    if (p.axes) state.axes = p.axes;
    if (p.lb !== undefined) state.buttons[4] = p.lb;
  }, pad);

beforeAll(async () => {
  bridge = await startScriptedBridge();
  web = await startWebServer({ port: 0, rosbridgeUrl: bridge.url });
  browser = await launchBrowser();
  page = await openPage(browser, web.url, pageErrors, { initScript: FAKE_GAMEPAD });
  await waitFor('the page to connect', async () => (await page.getByTestId('link-state').textContent()) === 'connected');
  await waitFor('the robot model from /robot_description', async () => (await robotInPage())?.nq === model.nq);
  // The /joint_states worker subscribes on its own connection: publish until a pose arrives.
  await waitFor('a pose through the joint-state worker', async () => {
    bridge.publishJointState(NAMES, [0, 0.3, 0.5, 0, 0.4, 0]);
    return Math.abs(((await robotInPage())?.position[1] ?? 0) - 0.3) < 1e-9;
  });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await bridge?.close();
});

type Twist = { twist: { linear: Record<string, number>; angular: Record<string, number> } };

describe('page features against a bare rosbridge server', () => {
  it('a gamepad jogs with LB held as the deadman: stick forward publishes +x, release publishes zero, no LB sends nothing', async () => {
    const twist = bridge.received.get('/servo_node/delta_twist_cmds')!;
    await waitFor('no gamepad shown', async () => (await page.locator('#gamepad-state').textContent()) === 'no gamepad');
    await setPad({ connected: true });
    await waitFor('the gamepad named', async () => (await page.locator('#gamepad-state').textContent())?.includes('Test Pad'));

    // Stick forward without the deadman: nothing on the wire.
    twist.length = 0;
    await setPad({ axes: [0, -1, 0, 0] });
    await page.waitForTimeout(300);
    expect(twist.filter((r) => Object.values((r.msg as Twist).twist.linear).some((x) => x !== 0))).toEqual([]);

    // Deadman held: +x at the speed scale times the linear limit; the deadzone keeps a small y drift out.
    await page.getByTestId('speed-scale').fill('50');
    await setPad({ axes: [0.1, -1, 0, 0], lb: true });
    await waitFor('+x twists from the gamepad', () => twist.filter((r) => (r.msg as Twist).twist.linear.x > 0).length >= 5, 5000);
    const moving = twist.filter((r) => (r.msg as Twist).twist.linear.x > 0);
    const held = moving[moving.length - 1].msg as Twist;
    expect(held.twist.linear.x).toBeCloseTo(0.25 * 0.5, 12);
    expect([held.twist.linear.y, held.twist.linear.z, held.twist.angular.x, held.twist.angular.y, held.twist.angular.z]).toEqual([0, 0, 0, 0, 0]);

    // Yaw on the right stick.
    await setPad({ axes: [0, 0, -1, 0], lb: true });
    await waitFor('a yaw twist', () => twist.some((r) => (r.msg as Twist).twist.angular.z > 0), 5000);

    // Releasing LB stops: the last message is all zeros and the stream falls silent.
    await setPad({ lb: false });
    await waitFor('a zero twist after release', () => {
      const last = twist[twist.length - 1].msg as Twist;
      return [...Object.values(last.twist.linear), ...Object.values(last.twist.angular)].every((x) => x === 0);
    }, 5000);
    await page.waitForTimeout(200);
    const count = twist.length;
    await page.waitForTimeout(300);
    expect(twist.length).toBe(count);

    await setPad({ connected: false, axes: [0, 0, 0, 0] });
    await waitFor('the gamepad gone', async () => (await page.locator('#gamepad-state').textContent()) === 'no gamepad');
  });

  it('the TF frames toggle adds and removes one axes triad per link in the scene (and on screen)', async () => {
    const toggle = page.locator('#show-frames');
    expect(await toggle.isChecked()).toBe(false);
    const hidden = (await sceneInPage())!;
    expect(hidden.frames).toBe(model.nlinks);
    expect(hidden.framesVisible).toBe(0);
    await page.waitForTimeout(300);
    const without = await page.screenshot();

    await toggle.check();
    await waitFor('frames shown', async () => (await sceneInPage())!.framesVisible === model.nlinks);
    await page.waitForTimeout(300);
    const withFrames = await page.screenshot();
    await saveScreenshot(page, 'tf-frames');
    expect(changedFraction(without, withFrames, VIEWER)).toBeGreaterThan(0.0005);

    await toggle.uncheck();
    await waitFor('frames hidden', async () => (await sceneInPage())!.framesVisible === 0);
  });

  it('joints near and at a limit are coloured in the joint table and in the scene; back in range clears it', async () => {
    await page.getByRole('button', { name: 'Joints' }).click();
    const range = (k: number) => model.upperLimit[k] - model.lowerLimit[k];
    // joint2 0.5 % of its range from the upper limit (at), joint3 5 % from the lower one (near), others mid-range.
    const q = [0, model.upperLimit[1] - 0.005 * range(1), model.lowerLimit[2] + 0.05 * range(2), 0, 0, 0];
    bridge.publishJointState(NAMES, q);
    const rowClass = async (name: string) => (await page.locator(`#joint-table tr[data-joint="${name}"]`).getAttribute('class')) ?? '';
    await waitFor('joint2 marked at its limit', async () => (await rowClass('joint2')) === 'at');
    expect(await rowClass('joint3')).toBe('near');
    expect(await rowClass('joint1')).toBe('');
    const scene = (await sceneInPage())!;
    const linkOf = (k: number) => model.jointLink[k];
    // The link each joint moves glows: red at the limit, amber near it, none elsewhere.
    const [r2, g2, b2] = scene.emissive[linkOf(1)];
    expect(r2).toBeGreaterThan(0.5);
    expect(g2).toBeLessThan(0.1);
    expect(b2).toBeLessThan(0.1);
    const [r3, g3] = scene.emissive[linkOf(2)];
    expect(r3).toBeGreaterThan(0.4);
    expect(g3).toBeGreaterThan(0.2);
    expect(scene.emissive[linkOf(0)]).toEqual([0, 0, 0]);
    await saveScreenshot(page, 'limits');

    bridge.publishJointState(NAMES, [0, 0.3, 0.5, 0, 0.4, 0]);
    await waitFor('limit marks cleared', async () => (await rowClass('joint2')) === '' && (await rowClass('joint3')) === '');
    expect((await sceneInPage())!.emissive[linkOf(1)]).toEqual([0, 0, 0]);
  });

  it('collision events from /diagnostics are listed newest first, a repeated status once', async () => {
    await page.getByRole('button', { name: 'Sensors' }).click();
    const list = page.locator('#collisions li');
    await waitFor('an empty list', async () => (await list.allTextContents()).join('|') === 'none');
    // The control loop's collision status (control/collision-reaction.ts collisionDiagnosticStatus).
    const publish = (joint: string, t: number, count: number) => bridge.server.publish('/diagnostics', 'diagnostic_msgs/DiagnosticArray', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      status: [{
        level: 1, name: `${model.name}: collision`, message: `collision on ${joint} at t = ${t.toFixed(3)} s`, hardware_id: '',
        values: [{ key: 'policy', value: 'stop' }, { key: 'count', value: String(count) }, { key: 'joint', value: joint }, { key: 'active', value: 'false' }],
      }],
    });
    publish('joint3', 12.5, 1);
    await waitFor('the first event listed', async () => (await list.first().textContent())?.endsWith(`${model.name}: collision: collision on joint3 at t = 12.500 s`));
    publish('joint3', 12.5, 1); // the loop republishes its last status every second
    publish('joint5', 20.25, 2);
    await waitFor('the second event on top', async () => (await list.first().textContent())?.endsWith('collision on joint5 at t = 20.250 s'));
    const items = await list.allTextContents();
    expect(items).toHaveLength(2);
    expect(items[1]).toContain('collision on joint3 at t = 12.500 s');
    await saveScreenshot(page, 'collisions');
    await page.getByRole('button', { name: 'Teleop' }).click();
  });

  it('/joint_states reaches the page through its worker over a SharedArrayBuffer, every message counted', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const before = (await robotInPage())!.sequence;
    for (let i = 0; i < 50; i++) bridge.publishJointState(NAMES, [0.001 * i, 0.3, 0.5, 0, 0.4, 0]);
    await waitFor('50 more messages drawn', async () => (await robotInPage())!.sequence === before + 50);
    expect((await robotInPage())!.position[0]).toBeCloseTo(0.049, 12);
    // Malformed messages are counted as rejected, not drawn; a burst is counted whole.
    const malformed = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, name: NAMES, position: [1, 2], velocity: [], effort: [] };
    bridge.server.publish('/joint_states', 'sensor_msgs/JointState', malformed);
    bridge.server.publish('/joint_states', 'sensor_msgs/JointState', malformed);
    await waitFor('the rejections shown', async () => (await page.locator('#page-stats').textContent())?.includes('rejected msgs2reconnects'));
    expect((await robotInPage())!.sequence).toBe(before + 50);
  });

  it('without cross-origin isolation the worker posts batches instead, every message still counted', async () => {
    const plain = await startWebServer({ port: 0, rosbridgeUrl: bridge.url, crossOriginIsolation: false });
    const errors: string[] = [];
    const second = await openPage(browser, plain.url, errors);
    try {
      const inSecond = () => second.evaluate(() => (window as unknown as { __embodied?: { robot?: PageRobot } }).__embodied?.robot);
      await waitFor('the second page with the robot', async () => (await inSecond())?.nq === model.nq);
      expect(await second.evaluate(() => crossOriginIsolated)).toBe(false);
      await waitFor('a pose in the second page', async () => {
        bridge.publishJointState(NAMES, [0, 0.3, 0.5, 0, 0.4, 0]);
        return ((await inSecond())?.sequence ?? 0) > 0;
      });
      await second.waitForTimeout(300); // the poll above may have left messages in flight
      const before = (await inSecond())!.sequence;
      for (let i = 0; i < 50; i++) bridge.publishJointState(NAMES, [-0.001 * i, 0.3, 0.5, 0, 0.4, 0]);
      await waitFor('50 more messages', async () => (await inSecond())!.sequence === before + 50);
      expect((await inSecond())!.position[0]).toBeCloseTo(-0.049, 12);
      expect(errors).toEqual([]);
    } finally {
      await second.close();
      await plain.close();
    }
  });

  it('logged no console error or page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
