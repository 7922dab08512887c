// The page in real headless Chromium against the whole stack as a user starts it (`embodied start`
// on free ports: simulator + rosbridge, control loop in its own process, page server). A plain
// rosbridge client watches the simulated arm: sliders with the deadman move it, a Cartesian +x jog
// moves its tip along +x (our FK of /joint_states), releasing stops it, the e-stop latches and
// stops it, plots fill, the page reconnects after a restart. Timing with the simulator's 1 kHz
// /joint_states is printed as JSON lines; the README screenshot is taken here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics, linkPose } from '../../robot/kinematics.ts';
import { builtinRobotFiles } from '../../robot/robots/index.ts';
import { ensureWebBuilt } from '../../cli/web-server.ts';
import { ARTIFACT_DIR, launchBrowser, openPage, saveScreenshot, waitFor } from './support/browser.ts';
import { colourfulFraction, type Region } from './support/pixels.ts';
import { observe, startStack, type Observer, type Stack } from './support/stack.ts';
import { perFrame, traceMainThread } from './support/trace.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VIEWER: Region = { x: 0, y: 60, width: 1000, height: 600 };
const model = buildModel(readFileSync(fileURLToPath(builtinRobotFiles('servo-arm').urdf), 'utf8'));
const data = createData(model);
const tipPose = new Float64Array(12);

let stack: Stack;
let observer: Observer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

interface PageRobot { nq: number; sequence: number; position: number[]; plotted: number }
const robotInPage = () => page.evaluate(() => (window as unknown as { __embodied?: { robot?: PageRobot } }).__embodied?.robot);
const q = () => Float64Array.from(model.jointNames, (name) => observer.position.get(name) ?? Number.NaN);
const tip = () => {
  forwardKinematics(model, data, q());
  linkPose(model, data, model.tip, tipPose);
  return [tipPose[9], tipPose[10], tipPose[11]];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const maxSpeed = () => Math.max(...model.jointNames.map((name) => Math.abs(observer.velocity.get(name) ?? Number.NaN)));

/**
 * Runs a motion check, retried (up to 3 times) when the loop faulted meanwhile: on this shared
 * machine it faults "stale state" every few seconds (reported to the control owner); a failure
 * without a fault is a real failure and is thrown at once.
 */
async function withoutFaults(what: string, run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await ensureActive();
    const faults = observer.faults;
    try {
      await run();
      return;
    } catch (error) {
      await page.mouse.up();
      await sleep(1200); // the next /diagnostics
      const faulted = observer.faults !== faults || observer.controlState === 'fault';
      if (!faulted || attempt >= 3) throw new Error(`${what}: ${String(error)}; loop history: ${observer.history.slice(-8).join(' | ')}`);
      console.log(JSON.stringify({ note: `${what}: the loop faulted during attempt ${attempt}, retrying`, history: observer.history.slice(-4) }));
    }
  }
}

async function hold(testId: string, ms: number): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await sleep(ms);
  await page.mouse.up();
}

beforeAll(async () => {
  await ensureWebBuilt(); // once, here: not inside the stack's simulator process
  stack = await startStack();
  observer = await observe(stack.rosbridgeUrl);
  await waitFor('joint states from the simulator', () => observer.jointMessages > 10);
  browser = await launchBrowser();
  page = await openPage(browser, stack.webUrl, pageErrors);
  await waitFor('the page to connect', async () => (await page.getByTestId('link-state').textContent()) === 'connected');
  await waitFor('the robot posed from /joint_states', async () => ((await robotInPage())?.sequence ?? 0) > 0);
  await waitFor('the control loop to report', () => observer.controlState !== '', 60_000);
  await ensureActive();
});

/**
 * Waits for the loop to be active, resetting a fault the way an operator would (std_srvs/Trigger).
 * On this shared 2-core machine the loop (0.1 s state timeout) faults "stale state" now and then.
 */
async function ensureActive(): Promise<void> {
  const deadline = Date.now() + 30_000;
  // 'holding' is the loop's rest after a command stream ends; new jog input resumes it.
  while (observer.controlState !== 'active' && observer.controlState !== 'holding') {
    if (Date.now() > deadline) throw new Error(`control loop not active: ${observer.controlState} (${observer.controlReason})`);
    if (observer.controlState === 'fault') {
      console.log(JSON.stringify({ note: 'control loop fault reset by the test', reason: observer.controlReason }));
      await observer.client.callService('/embodied/reset', 'std_srvs/Trigger', {}, 5000).catch(() => undefined);
      // The next /diagnostics (1 Hz) tells.
      const seen: string = observer.controlState;
      await waitFor('a fresh control state', () => observer.controlState !== seen, 2500).catch(() => undefined);
      await sleep(1100);
    } else {
      await sleep(200);
    }
  }
}

afterAll(async () => {
  await browser?.close();
  observer?.close();
  await stack?.stop();
});

describe('page against `embodied start`', () => {
  it('draws the simulated robot (screenshot kept)', async () => {
    // Polled: a screenshot taken while the machine is loaded may catch the canvas between frames.
    let shots = 0;
    await waitFor('the robot\'s pixels on screen', async () => {
      shots++;
      return colourfulFraction(await page.screenshot(), VIEWER) > 0.01;
    }, 10_000, 250);
    if (shots > 1) console.log(JSON.stringify({ note: `the robot's pixels showed in screenshot ${shots}` }));
    await saveScreenshot(page, 'stack-robot');
    const inPage = (await robotInPage())!;
    expect(inPage.nq).toBe(model.nq);
    // The page shows what the simulator publishes.
    expect(Math.abs(inPage.position[1] - q()[1])).toBeLessThan(0.05);
    // What a user is told to open, and a clean console from the first load on.
    expect(stack.webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(pageErrors).toEqual([]);
  });

  it('sliders with the deadman move the arm to the targets; releasing stops it', async () => {
    await page.getByTestId('speed-scale').fill('100');
    const targets: [number, number][] = [[1, 0.6], [2, 1.0], [4, 0.6]];
    await withoutFaults('sliders to targets', async () => {
      const start = q();
      for (const [k, value] of targets) await page.getByTestId(`slider-${k}`).fill(String(value));
      await sleep(400);
      // A target alone does not move the arm.
      for (const [k] of targets) expect(Math.abs(q()[k] - start[k])).toBeLessThan(0.01);
      const box = (await page.getByTestId('deadman').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await waitFor('the arm at the slider targets', () => targets.every(([k, value]) => Math.abs(q()[k] - value) < 0.02), 10_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; q = ${Array.from(q(), (x) => x.toFixed(3))}`);
      });
      await page.mouse.up();
    });
    await withoutFaults('release stops', async () => {
      // Let go halfway through a fresh move: the arm must stop short of the new target.
      const from = q()[0];
      await page.getByTestId('slider-0').fill(String(from + 0.8));
      const box = (await page.getByTestId('deadman').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await waitFor('joint1 on its way', () => q()[0] > from + 0.15, 5000);
      await page.mouse.up();
      const released = q()[0];
      await sleep(600);
      expect(maxSpeed()).toBeLessThan(0.02);
      const stopped = q()[0];
      expect(stopped).toBeLessThan(from + 0.7); // it did not carry on to the target
      expect(stopped - released).toBeLessThan(0.15); // stopped within ~0.1 s at 1 rad/s
      await sleep(300);
      expect(Math.abs(q()[0] - stopped)).toBeLessThan(0.003);
    });
    await page.getByTestId('clear-targets').click();
  }, 180_000);

  it('a Cartesian +x jog moves the tip along +x (FK of /joint_states)', async () => {
    await page.getByTestId('speed-scale').fill('40'); // 0.1 m/s
    await withoutFaults('Cartesian +x', async () => {
      const before = tip();
      await hold('cart-plus-x', 1200);
      await sleep(500);
      const after = tip();
      const d = after.map((x, i) => x - before[i]);
      console.log(JSON.stringify({ name: 'web/stack-cartesian-jog', unit: 'm', dx: d[0], dy: d[1], dz: d[2] }));
      expect(d[0]).toBeGreaterThan(0.04);
      expect(Math.abs(d[1])).toBeLessThan(0.25 * d[0]);
      expect(Math.abs(d[2])).toBeLessThan(0.25 * d[0]);
      expect(maxSpeed()).toBeLessThan(0.02);
    });
  }, 180_000);

  it('plots receive data from the controller state', async () => {
    await waitFor('plotted points', async () => (await robotInPage())!.plotted > 20);
    expect(await page.locator('#plot-source').textContent()).toBe('from the controller state');
  });

  it('a gains edit gets the loop\'s answer on the page (this loop forwards positions: it has no gains, and says so)', async () => {
    await page.getByRole('button', { name: 'Tuning' }).click();
    await page.getByTestId('tuning-joint').selectOption('1');
    const sent = performance.now();
    await page.getByTestId('gain-kp').fill('30');
    await page.getByTestId('gain-kp').press('Tab');
    await waitFor('the loop\'s answer in the banner', async () => /gains rejected joint2\/position: .*no live gains/.test((await page.locator('#banner').textContent()) ?? ''), 20_000, 100);
    console.log(JSON.stringify({ note: 'gains answer shown', ms: Math.round(performance.now() - sent) }));
    await page.getByRole('button', { name: 'Teleop' }).click();
  });

  it('main-thread time per frame and arrival-to-frame latency with the simulator\'s 1 kHz /joint_states (README screenshot)', async () => {
    await ensureActive().catch(() => undefined); // the stream is what is measured; the swing is for the screenshot
    // Keep the arm moving: a slow joint-1 swing as a trajectory.
    const now = q();
    const points = Array.from({ length: 17 }, (_, i) => {
      const t = 0.5 * (i + 1);
      const positions = Array.from(now);
      positions[0] = 0.6 * Math.sin((2 * Math.PI * t) / 8);
      return { positions, velocities: [], accelerations: [], effort: [], time_from_start: { sec: Math.floor(t), nanosec: Math.round((t % 1) * 1e9) } };
    });
    observer.client.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: [...model.jointNames], points });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await sleep(1000);
    await page.evaluate(() => (window as unknown as { __embodied: { perf: { reset(): void } } }).__embodied.perf.reset());
    const metric = (list: { name: string; value: number }[], name: string) => list.find((m) => m.name === name)?.value ?? Number.NaN;
    const before = (await cdp.send('Performance.getMetrics')).metrics;
    const seconds = 5;
    await sleep(seconds * 1000);
    const after = (await cdp.send('Performance.getMetrics')).metrics;
    const summary = (await page.evaluate(() => (window as unknown as { __embodied: { perf: { summary(): unknown } } }).__embodied.perf.summary())) as {
      frames: number; drawn: number; messages: number; frameWorkMs: { median: number; p99: number; max: number; mean: number }; handlerMsPerMessage: number;
      arrivalToFrameMs: { median: number; p99: number; max: number; n: number }; newestToFrameMs: { median: number; p99: number; max: number; n: number };
    };
    const trace = await traceMainThread(page, 3000); // after the summary: its own window
    const busy = metric(after, 'TaskDuration') - metric(before, 'TaskDuration');
    const thread = metric(after, 'ThreadTime') - metric(before, 'ThreadTime');
    const results = [
      { name: 'web/stack-frame-work-1khz', unit: 'ms', median: summary.frameWorkMs.median, p99: summary.frameWorkMs.p99, n: summary.frames, mean: summary.frameWorkMs.mean, max: summary.frameWorkMs.max, messages: summary.messages, handler_ms_per_message: summary.handlerMsPerMessage, note: 'our frame callback + message handlers since the previous frame' },
      { name: 'web/stack-main-thread-per-frame-1khz', unit: 'ms', median: (busy * 1000) / Math.max(1, summary.frames), p99: Number.NaN, n: summary.frames, busy_fraction: busy / seconds, fps: summary.frames / seconds, drawn: summary.drawn, thread_cpu_ms_per_frame: (thread * 1000) / Math.max(1, summary.frames), note: 'CDP TaskDuration (all main-thread work incl. WebSocket, JSON, GC, SwiftShader GL) / frames' },
      { name: 'web/stack-arrival-to-frame-1khz', unit: 'ms', median: summary.arrivalToFrameMs.median, p99: summary.arrivalToFrameMs.p99, n: summary.arrivalToFrameMs.n, max: summary.arrivalToFrameMs.max, newest_median: summary.newestToFrameMs.median, newest_p99: summary.newestToFrameMs.p99, note: 'median/p99: oldest message not yet drawn -> start of the frame drawing it; newest_*: newest message shown -> that frame' },
      (() => {
        const f = perFrame(trace);
        return {
          name: 'web/stack-trace-main-thread-per-frame-1khz', unit: 'ms', median: f.wall, p99: Number.NaN, n: trace.animationFrames, cpu_per_frame: f.cpu,
          wall_without_readback_wait: f.wallWithoutReadback, readback_wait_each: f.readbackPerReadback, readbacks: trace.readbacks, fps: f.fps, tasks_per_second: trace.tasks / trace.seconds,
          note: 'mean over a 3 s trace within the window; readback = software compositing of the WebGL canvas (a synchronous wait for SwiftShader)',
        };
      })(),
    ];
    mkdirSync(ARTIFACT_DIR, { recursive: true });
    writeFileSync(join(ARTIFACT_DIR, 'stack-performance.jsonl'), results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    for (const r of results) console.log(JSON.stringify(r));
    expect(summary.messages).toBeGreaterThan(500 * seconds); // the 1 kHz stream reached the page
    expect(summary.frames).toBeGreaterThan(2 * seconds);
    expect(Number.isFinite(summary.arrivalToFrameMs.median)).toBe(true);

    // README screenshot: 1280x800, the arm moved to a working pose by a trajectory, joint 2 plotted,
    // taken while the loop reports RUN (retried when it faults meanwhile).
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('plot-joint').selectOption('1');
    mkdirSync(join(REPO, 'docs'), { recursive: true });
    const pose = [0.5, 0.7, 1.1, 0, 0.9, 0];
    let taken = false;
    for (let attempt = 0; attempt < 3 && !taken; attempt++) {
      await ensureActive().catch(() => undefined);
      const home = attempt % 2 === 0 ? pose : pose.map((x) => x * 0.8);
      observer.client.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: [...model.jointNames],
        points: [{ positions: home, velocities: [], accelerations: [], effort: [], time_from_start: { sec: 3, nanosec: 0 } }],
      });
      const arrived = await waitFor('the working pose', () => home.every((x, k) => Math.abs(q()[k] - x) < 0.02), 8000).then(() => true, () => false);
      await sleep(1200);
      if (!arrived || (await page.getByTestId('estop-state').textContent()) !== 'RUN') continue;
      // Full resolution for this one picture (the page lowers it on a software rasterizer).
      await page.evaluate(() => {
        const viewer = (window as unknown as { __embodied: { viewer: { renderer: { setPixelRatio(r: number): void; setSize(w: number, h: number, s: boolean): void; domElement: HTMLCanvasElement }; invalidate(): void } } }).__embodied.viewer;
        const canvas = viewer.renderer.domElement;
        viewer.renderer.setPixelRatio(1);
        viewer.renderer.setSize(canvas.clientWidth, canvas.clientHeight, false);
        viewer.invalidate();
      });
      // Polled: the canvas is reallocated by the resize (and by the page's own resolution governor),
      // and a screenshot taken on a loaded machine can catch it cleared, before the next drawn frame.
      let shot: Buffer = Buffer.alloc(0);
      await waitFor('the robot drawn at full resolution', async () => {
        shot = await page.screenshot();
        return colourfulFraction(shot, { x: 0, y: 60, width: 850, height: 500 }) > 0.01;
      }, 10_000, 250);
      // The README picture is refreshed only on request; a plain run keeps it as an artifact.
      const target = process.env.EMBODIED_UPDATE_SCREENSHOT === '1' ? join(REPO, 'docs', 'screenshot.png') : join(REPO, 'test-results', 'e2e', 'readme-screenshot.png');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, shot);
      taken = true;
    }
    console.log(JSON.stringify({ note: 'README screenshot', taken }));
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 180_000);

  it('the e-stop (space bar) latches and stops the arm mid-jog; jog stays blocked until RESET', async () => {
    await page.getByTestId('speed-scale').fill('100');
    await withoutFaults('e-stop mid-jog', async () => {
      const box = (await page.getByTestId('jog-plus-0').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await waitFor('joint1 moving', () => Math.abs(observer.velocity.get('joint1') ?? 0) > 0.3, 5000);
      await page.keyboard.press('Space');
    });
    await waitFor('the loop e-stopped', () => observer.controlState === 'e-stopped', 5000);
    expect(observer.controlReason).toContain('/embodied/estop');
    // Stopped: joint 1 moves less than 3 mrad over 300 ms within 3 s of the e-stop, and stays put.
    const latchedAt = performance.now();
    let held = q()[0];
    await waitFor('the arm still', async () => {
      const before = q()[0];
      await sleep(300);
      held = q()[0];
      return Math.abs(held - before) < 0.003;
    }, 3000);
    console.log(JSON.stringify({ name: 'web/stack-estop-stop', unit: 'ms', median: performance.now() - latchedAt, note: 'time until joint 1 moves < 3 mrad per 300 ms, upper bound' }));
    await sleep(1000);
    await page.mouse.up();
    expect(Math.abs(q()[0] - held)).toBeLessThan(0.005);
    await waitFor('E-STOP shown', async () => (await page.getByTestId('estop-state').textContent())?.startsWith('E-STOP'));
    await saveScreenshot(page, 'stack-estop');
    expect(await page.getByTestId('jog-plus-0').isDisabled()).toBe(true);
    await page.getByTestId('reset').click();
    await waitFor('the loop out of the e-stop', () => observer.controlState !== 'e-stopped', 5000);
    await waitFor('RUN shown', async () => (await page.getByTestId('estop-state').textContent()) === 'RUN');
    expect(await page.getByTestId('jog-plus-0').isDisabled()).toBe(false);
  }, 180_000);

  it('reconnects after the stack restarts and shows its data again', async () => {
    const { simPort, webPort } = stack;
    observer.close();
    await stack.stop();
    await waitFor('link down', async () => (await page.getByTestId('link-state').textContent()) !== 'connected');
    const sequence = (await robotInPage())!.sequence;
    stack = await startStack({ simPort, webPort });
    observer = await observe(stack.rosbridgeUrl);
    await waitFor('link up again', async () => (await page.getByTestId('link-state').textContent()) === 'connected', 20_000);
    await waitFor('fresh joint states drawn', async () => (await robotInPage())!.sequence > sequence + 10);
    await saveScreenshot(page, 'stack-reconnected');
    expect(pageErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
