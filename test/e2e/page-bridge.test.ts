// The page in real headless Chromium against a bare rosbridge server with a scripted publisher:
// it draws the robot, shows what is published, publishes clamped jog commands with a deadman,
// latches the e-stop, plots, reconnects after a server restart, and keeps up with 1 kHz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWebServer, type WebServer } from '../../cli/web-server.ts';
import { ARTIFACT_DIR, launchBrowser, openPage, saveScreenshot, waitFor } from './support/browser.ts';
import { startScriptedBridge, type ScriptedBridge } from './support/scripted-bridge.ts';
import { changedFraction, colourfulFraction, type Region } from './support/pixels.ts';
import { perFrame, traceMainThread, type MainThreadTrace } from './support/trace.ts';

const NAMES = ['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6'];
const VIEWER: Region = { x: 0, y: 60, width: 1000, height: 600 };
const toDegrees = 180 / Math.PI;

let bridge: ScriptedBridge;
let web: WebServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

interface PageRobot { name: string; nq: number; sequence: number; position: number[]; plotted: number; tuning: unknown }
const robotInPage = () => page.evaluate(() => (window as unknown as { __embodied?: { robot?: PageRobot } }).__embodied?.robot);
const jointCell = (joint: string, column: number) => page.locator(`#joint-table tr[data-joint="${joint}"] td`).nth(column).textContent();

beforeAll(async () => {
  bridge = await startScriptedBridge();
  web = await startWebServer({ port: 0, rosbridgeUrl: bridge.url });
  browser = await launchBrowser();
  page = await openPage(browser, web.url, pageErrors);
  await waitFor('the page to connect', async () => (await page.getByTestId('link-state').textContent()) === 'connected');
  await waitFor('the robot model from /robot_description', async () => (await robotInPage())?.nq === 6);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await bridge?.close();
});

describe('page against a bare rosbridge server', () => {
  it('draws the robot from /robot_description, posed by /joint_states (screenshot kept)', async () => {
    // Published until the page shows it, as a robot keeps publishing: /joint_states is not latched,
    // and on a loaded machine the page's stream worker can subscribe after a single message went by
    // (one CI run waited 15 s for a pose published once).
    await waitFor('the pose', async () => {
      bridge.publishJointState(NAMES, [0, 0, 0, 0, 0, 0]);
      return (await robotInPage())!.sequence > 0;
    }, 15_000, 200);
    // Screenshots polled: on a loaded machine one can catch the canvas just reallocated by the
    // page's resolution governor, before the next drawn frame.
    let upright: Buffer = Buffer.alloc(0);
    await waitFor('the robot\'s pixels', async () => colourfulFraction((upright = await page.screenshot()), VIEWER) > 0.01, 10_000, 250);
    await saveScreenshot(page, 'robot-upright');

    await waitFor('the new pose', async () => {
      bridge.publishJointState(NAMES, [0.8, 1.0, -0.6, 0, 0.5, 0]);
      return Math.abs((await robotInPage())!.position[1] - 1.0) < 1e-9;
    }, 15_000, 200);
    // A different pose moves a visible share of the robot's pixels.
    await waitFor('the bent pose drawn', async () => {
      const bent = await page.screenshot();
      return colourfulFraction(bent, VIEWER) > 0.01 && changedFraction(upright, bent, VIEWER) > 0.005;
    }, 10_000, 250);
    await saveScreenshot(page, 'robot-bent');
    expect(pageErrors).toEqual([]);
  });

  it('shows what is published: joint table, IMU, wrench, diagnostics with jitter and e-stop reason', async () => {
    bridge.publishJointState(NAMES, [0.1, -0.2, 0.3, 0, 0, 0], [0.5, 0, 0, 0, 0, 0], [1.5, 2.5, 0, 0, 0, 0]);
    bridge.server.publish('/imu/data', 'sensor_msgs/Imu', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'base_link' },
      orientation: { x: 0, y: 0, z: Math.sin(0.25), w: Math.cos(0.25) }, // yaw 0.5 rad
      angular_velocity: { x: 0, y: 0, z: 0.1 }, linear_acceleration: { x: 0, y: 0, z: 9.81 },
    });
    bridge.server.publish('/ft_sensor/wrench', 'geometry_msgs/WrenchStamped', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'tool0' }, wrench: { force: { x: 3, y: 4, z: 0 }, torque: { x: 0, y: 0, z: 0.2 } },
    });
    bridge.server.publish('/diagnostics', 'diagnostic_msgs/DiagnosticArray', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      status: [
        { level: 2, name: 'embodied: control', message: 'e-stopped: operator', hardware_id: '', values: [{ key: 'state', value: 'e-stopped' }, { key: 'reason', value: 'operator' }] },
        { level: 0, name: 'embodied: loop', message: '1000 Hz', hardware_id: '', values: [{ key: 'lateness_p99_us', value: '250.0' }] },
        { level: 0, name: 'joint2', message: 'motor', hardware_id: 'joint2', values: [{ key: 'motor current', value: '1.25' }, { key: 'motor temperature', value: '41.5' }] },
      ],
    });
    await page.getByRole('button', { name: 'Joints' }).click();
    await waitFor('joint1 position in the table', async () => (await jointCell('joint1', 1)) === (0.1 * toDegrees).toFixed(2));
    expect(await jointCell('joint2', 1)).toBe((-0.2 * toDegrees).toFixed(2));
    expect(await jointCell('joint1', 2)).toBe((0.5 * toDegrees).toFixed(1));
    expect(await jointCell('joint2', 3)).toBe('2.50');
    await waitFor('motor current of joint2', async () => (await jointCell('joint2', 4)) === '1.25');
    expect(await jointCell('joint2', 5)).toBe('41.5');

    await page.getByRole('button', { name: 'Sensors' }).click();
    await waitFor('IMU yaw', async () => (await page.locator('#imu').textContent())?.includes('28.6°'));
    await waitFor('wrench |F|', async () => (await page.locator('#wrench').textContent())?.includes('|F| 5.00'));
    await waitFor('jitter from /diagnostics', async () => (await page.locator('#loop-jitter').textContent()) === '0.25 ms');
    await waitFor('loop e-stop and reason', async () => (await page.getByTestId('estop-state').textContent())?.includes('operator'));
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    expect(await page.getByTestId('diagnostics').textContent()).toContain('e-stopped: operator');
    await saveScreenshot(page, 'panels');
    // A healthy status clears the loop's e-stop display.
    bridge.server.publish('/diagnostics', 'diagnostic_msgs/DiagnosticArray', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      status: [{ level: 0, name: 'embodied: control', message: 'active', hardware_id: '', values: [{ key: 'state', value: 'active' }, { key: 'reason', value: '' }] }],
    });
    await waitFor('RUN state', async () => (await page.getByTestId('estop-state').textContent()) === 'RUN');
    await page.getByRole('button', { name: 'Teleop' }).click();
  });

  it('slider + deadman publishes JointJog toward the target within the speed limit, and zeros on release', async () => {
    bridge.publishJointState(NAMES, [0, 0, 0, 0, 0, 0]);
    await page.getByTestId('speed-scale').fill('50');
    await page.getByTestId('slider-1').fill('0.5');
    const jog = bridge.received.get('/servo_node/delta_joint_cmds')!;
    jog.length = 0;
    await page.waitForTimeout(200);
    expect(jog.length).toBe(0); // a target alone does not move: the deadman is not held
    const deadman = page.getByTestId('deadman');
    const box = (await deadman.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(800);
    const whileHeld = jog.length;
    await page.mouse.up();
    await page.waitForTimeout(300);
    expect(whileHeld).toBeGreaterThan(8); // ~50 Hz stream
    const moving = jog[Math.floor(whileHeld / 2)].msg as { joint_names: string[]; velocities: number[] };
    expect(moving.joint_names).toEqual(NAMES);
    // joint2 toward +0.5 rad at 50 % of min(velocity limit, 1 rad/s); others still.
    expect(moving.velocities[1]).toBeGreaterThan(0.05);
    expect(moving.velocities[1]).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(moving.velocities.filter((_, k) => k !== 1).every((v) => v === 0)).toBe(true);
    const last = jog[jog.length - 1].msg as { velocities: number[] };
    expect(last.velocities.every((v) => v === 0)).toBe(true);
    const afterRelease = jog.length;
    await page.waitForTimeout(300);
    expect(jog.length).toBe(afterRelease); // silence after the zeros
    await page.getByTestId('clear-targets').click();
  });

  it('Cartesian jog button publishes a +x twist in the base frame while held, zero on release', async () => {
    const twist = bridge.received.get('/servo_node/delta_twist_cmds')!;
    twist.length = 0;
    const button = page.getByTestId('cart-plus-x');
    const box = (await button.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(600);
    await page.mouse.up();
    await page.waitForTimeout(300);
    expect(twist.length).toBeGreaterThan(5);
    const held = twist[2].msg as { header: { frame_id: string }; twist: { linear: Record<string, number>; angular: Record<string, number> } };
    expect(held.header.frame_id).toBe('base_link');
    expect(held.twist.linear.x).toBeCloseTo(0.25 * 0.5, 12);
    expect([held.twist.linear.y, held.twist.linear.z, held.twist.angular.x, held.twist.angular.y, held.twist.angular.z]).toEqual([0, 0, 0, 0, 0]);
    const last = twist[twist.length - 1].msg as { twist: { linear: Record<string, number> } };
    expect(last.twist.linear.x).toBe(0);
  });

  it('keyboard jog (W) moves +x while held; blur releases', async () => {
    const twist = bridge.received.get('/servo_node/delta_twist_cmds')!;
    twist.length = 0;
    await page.locator('#viewport').click({ position: { x: 500, y: 300 } });
    await page.keyboard.down('KeyW');
    await page.waitForTimeout(250);
    await page.keyboard.up('KeyW');
    await page.waitForTimeout(150);
    expect(twist.some((r) => (r.msg.twist as { linear: { x: number } }).linear.x > 0)).toBe(true);
    expect((twist[twist.length - 1].msg.twist as { linear: { x: number } }).linear.x).toBe(0);
  });

  it('space bar latches the e-stop: Bool true published, jog blocked until RESET succeeds', async () => {
    const estop = bridge.received.get('/embodied/estop')!;
    estop.length = 0;
    await page.keyboard.press('Space');
    await waitFor('e-stop published', () => estop.some((r) => r.msg.data === true));
    await waitFor('latched display', async () => (await page.getByTestId('estop-state').textContent())?.startsWith('E-STOP'));
    await saveScreenshot(page, 'estop-latched');
    expect(await page.getByTestId('cart-plus-x').isDisabled()).toBe(true);
    const twist = bridge.received.get('/servo_node/delta_twist_cmds')!;
    twist.length = 0;
    await page.keyboard.down('KeyW');
    await page.waitForTimeout(200);
    await page.keyboard.up('KeyW');
    expect(twist.filter((r) => (r.msg.twist as { linear: { x: number } }).linear.x !== 0)).toEqual([]);
    const resetsBefore = bridge.resets;
    await page.getByTestId('reset').click();
    await waitFor('reset answered', async () => bridge.resets === resetsBefore + 1 && (await page.getByTestId('estop-state').textContent()) === 'RUN');
    expect(await page.getByTestId('cart-plus-x').isDisabled()).toBe(false);
  });

  it('Tuning tab: gains clamped and sent live, step metrics, relay result applied by rule, chirp Bode with bandwidth and margin', async () => {
    const tuningStatus = async () => (await robotInPage())!.tuning as { running: string; lastError: string; step?: Record<string, number>; relay?: Record<string, number>; chirp?: Record<string, number> };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Plays samples (stamp, reference, feedback of joint2) in real time at `rate`.
    const play = async (rate: number, seconds: number, at: (t: number) => [number, number]) => {
      const started = performance.now();
      const base = Date.now() / 1000;
      let sent = 0;
      const total = Math.round(seconds * rate);
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        for (; sent < due; sent++) {
          const t = sent / rate;
          const [r, y] = at(t);
          bridge.publishControllerState(NAMES, base + t, [0, r, 0, 0, 0, 0], [0, y, 0, 0, 0, 0]);
        }
        await sleep(4);
      }
    };
    await page.getByRole('button', { name: 'Tuning' }).click();
    await page.getByTestId('tuning-joint').selectOption('1');
    const gains = bridge.received.get('/embodied/gains')!;
    gains.length = 0;
    await page.getByTestId('gain-kp').fill('1e9');
    await page.getByTestId('gain-kp').press('Tab');
    await waitFor('gains sent', () => gains.length > 0);
    expect(gains[0].msg).toEqual({ layout: { dim: [{ label: 'gains/joint2/position:kp', size: 1, stride: 1 }], data_offset: 0 }, data: [1e5] });
    expect(await page.getByTestId('gain-kp').inputValue()).toBe('100000');
    await page.getByTestId('gain-kd').fill('-3');
    await page.getByTestId('gain-kd').press('Tab');
    await waitFor('kd sent', () => gains.length > 1);
    expect(gains[1].msg.data).toEqual([0]);

    // Step: first-order lag τ = 50 ms behind a 0.1 rad reference step at t = 0.1 s, 200 Hz state.
    const tuning = bridge.received.get('/embodied/tuning')!;
    tuning.length = 0;
    await page.getByTestId('step-amplitude').fill('0.1');
    await page.getByTestId('step-duration').fill('1');
    await page.getByTestId('step-start').click();
    await waitFor('step command', () => tuning.length > 0);
    expect(tuning[0].msg).toEqual({ layout: { dim: [{ label: 'tune/step/joint2:amplitude,duration', size: 2, stride: 2 }], data_offset: 0 }, data: [0.1, 1] });
    const tau = 0.05;
    await play(200, 1.4, (t) => (t < 0.1 ? [0, 0] : [0.1, 0.1 * (1 - Math.exp(-(t - 0.1) / tau))]));
    const step = (await waitFor('step metrics', async () => (await tuningStatus()).step))!;
    expect(Math.abs(step.rise - tau * Math.log(9))).toBeLessThan(0.011); // one 5 ms sample at each end
    expect(step.overshoot).toBe(0);
    expect(Math.abs(step.iae - 0.1 * tau) / (0.1 * tau)).toBeLessThan(0.15);
    expect(await page.getByTestId('step-result').textContent()).toContain('rise 10–90 %');

    // Relay: the loop's result (Ku, Tu) becomes Ziegler–Nichols gains; Apply sends them.
    await page.getByTestId('relay-start').click();
    await waitFor('relay command', () => tuning.length > 1);
    expect((tuning[1].msg.layout as { dim: { label: string }[] }).dim[0].label).toBe('tune/relay/joint2:amplitude,hysteresis,setpoint');
    bridge.server.publish('/embodied/tuning/result', 'std_msgs/Float64MultiArray', { layout: { dim: [{ label: 'result/relay/joint2:ku,tu', size: 2, stride: 2 }], data_offset: 0 }, data: [20, 0.1] });
    await waitFor('relay result shown', async () => (await page.getByTestId('relay-result').textContent())?.includes('Ku20'));
    gains.length = 0;
    await page.getByTestId('relay-apply').click();
    await waitFor('gains applied', () => gains.length > 0);
    expect((gains[0].msg.layout as { dim: { label: string }[] }).dim[0].label).toBe('gains/joint2/position:kp,ki,kd');
    const [kp, ki, kd] = gains[0].msg.data as number[];
    expect(kp).toBeCloseTo(12, 9);
    expect(ki).toBeCloseTo(240, 9);
    expect(kd).toBeCloseTo(0.15, 9);

    // Chirp 0.5 → 25 Hz (well past the bandwidth) through a first-order closed loop of τ = 20 ms: bandwidth 1/(2πτ) = 7.96 Hz,
    // open loop 1/(τs): phase margin 90°.
    for (const [field, value] of [['f0', '0.5'], ['f1', '25'], ['duration', '4'], ['amplitude', '0.02']]) await page.getByTestId(`chirp-${field}`).fill(value);
    await page.getByTestId('chirp-start').click();
    await waitFor('chirp command', () => tuning.length > 2);
    expect(tuning[2].msg.data).toEqual([0.5, 25, 4, 0.02]);
    const tauChirp = 0.02;
    const k = Math.log(25 / 0.5) / 4;
    let y = 0;
    let last = 0;
    await play(200, 4, (t) => {
      const r = (time: number) => 0.02 * Math.sin((2 * Math.PI * 0.5 * (Math.exp(k * time) - 1)) / k);
      for (let s = 1; s <= 50; s++) {
        const time = last + ((t - last) * s) / 50;
        y += ((r(time) - y) * ((t - last) / 50)) / tauChirp;
      }
      last = t;
      return [r(t), y];
    });
    const chirp = (await waitFor('Bode figures', async () => (await tuningStatus()).chirp, 10_000))!;
    console.log(JSON.stringify({ chirp }));
    expect(chirp.points).toBeGreaterThan(30);
    expect(Math.abs(chirp.bandwidth - 1 / (2 * Math.PI * tauChirp)) / (1 / (2 * Math.PI * tauChirp))).toBeLessThan(0.1);
    expect(Math.abs(chirp.phaseMargin - 90)).toBeLessThan(10);
    expect(await page.locator('[data-testid="bode-chart"] canvas').count()).toBe(2);
    await page.getByTestId('bode-chart').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'tuning');
    expect((await tuningStatus()).lastError).toBe('');
    await page.getByRole('button', { name: 'Teleop' }).click();
  });

  it('plots receive decimated data', async () => {
    const stop = bridge.stream(200, NAMES, (t) => NAMES.map((_, k) => 0.3 * Math.sin(2 * t + k)));
    await page.waitForTimeout(1500);
    stop();
    const robot = (await robotInPage())!;
    expect(robot.plotted).toBeGreaterThan(50);
    const svgOrCanvas = await page.locator('#plot canvas').count();
    expect(svgOrCanvas).toBeGreaterThan(0);
    await saveScreenshot(page, 'plot');
  });

  it('main-thread time per frame and arrival-to-frame latency with a 1 kHz /joint_states stream', async () => {
    const client = await page.context().newCDPSession(page);
    await client.send('Performance.enable');
    const stop = bridge.stream(1000, NAMES, (t) => NAMES.map((_, k) => 0.4 * Math.sin(1.5 * t + k)));
    await page.waitForTimeout(1000); // warm-up
    await page.evaluate(() => (window as unknown as { __embodied: { perf: { reset(): void } } }).__embodied.perf.reset());
    const before = (await client.send('Performance.getMetrics')).metrics;
    await page.waitForTimeout(5000);
    const after = (await client.send('Performance.getMetrics')).metrics;
    const summary = await page.evaluate(() => (window as unknown as { __embodied: { perf: { summary(): unknown } } }).__embodied.perf.summary()) as {
      frames: number; drawn: number; messages: number; frameWorkMs: { median: number; p99: number; max: number; mean: number }; handlerMsPerMessage: number;
      arrivalToFrameMs: { median: number; p99: number; max: number; n: number }; newestToFrameMs: { median: number; p99: number; max: number; n: number };
    };
    // Where the main thread's wall time goes: a trace with the robot, then with the scene emptied
    // (the floor: clearing and reading back the canvas alone), the stream running in both.
    const robotTrace = await traceMainThread(page, 3000);
    await page.evaluate(() => {
      for (const child of (window as unknown as { __embodied: { viewer: { scene: { children: { visible: boolean }[] } } } }).__embodied.viewer.scene.children) child.visible = false;
    });
    const emptyTrace = await traceMainThread(page, 3000);
    await page.evaluate(() => {
      for (const child of (window as unknown as { __embodied: { viewer: { scene: { children: { visible: boolean }[] } } } }).__embodied.viewer.scene.children) child.visible = true;
    });
    const canvas = await page.evaluate(() => {
      const viewer = (window as unknown as { __embodied: { viewer: { renderer: { domElement: HTMLCanvasElement }; pixelRatio: number } } }).__embodied.viewer;
      return { width: viewer.renderer.domElement.width, height: viewer.renderer.domElement.height, pixelRatio: viewer.pixelRatio };
    });
    stop();
    const metric = (list: { name: string; value: number }[], name: string) => list.find((m) => m.name === name)?.value ?? Number.NaN;
    const taskSeconds = metric(after, 'TaskDuration') - metric(before, 'TaskDuration');
    const threadSeconds = metric(after, 'ThreadTime') - metric(before, 'ThreadTime');
    const results = [
      { name: 'web/frame-main-thread-1khz', unit: 'ms', median: summary.frameWorkMs.median, p99: summary.frameWorkMs.p99, n: summary.frames, mean: summary.frameWorkMs.mean, max: summary.frameWorkMs.max, messages: summary.messages, handler_ms_per_message: summary.handlerMsPerMessage },
      { name: 'web/main-thread-busy-per-frame-1khz', unit: 'ms', median: (taskSeconds * 1000) / Math.max(1, summary.frames), p99: Number.NaN, n: summary.frames, busy_fraction: taskSeconds / 5, fps: summary.frames / 5, drawn: summary.drawn, thread_cpu_ms_per_frame: (threadSeconds * 1000) / Math.max(1, summary.frames), note: 'CDP TaskDuration (all main-thread tasks incl. JSON parse, GC) / frames' },
      { name: 'web/arrival-to-frame-1khz', unit: 'ms', median: summary.arrivalToFrameMs.median, p99: summary.arrivalToFrameMs.p99, n: summary.arrivalToFrameMs.n, max: summary.arrivalToFrameMs.max, newest_median: summary.newestToFrameMs.median, newest_p99: summary.newestToFrameMs.p99, note: 'median/p99: oldest message not yet drawn -> start of the frame drawing it; newest_*: newest message shown -> that frame' },
      ...[['robot', robotTrace], ['empty-scene', emptyTrace]].map(([scene, trace]) => {
        const t = trace as MainThreadTrace;
        const f = perFrame(t);
        return {
          name: `web/trace-main-thread-per-frame-1khz-${String(scene)}`, unit: 'ms', median: f.wall, p99: Number.NaN, n: t.animationFrames,
          cpu_per_frame: f.cpu, wall_without_readback_wait: f.wallWithoutReadback, readback_wait_each: f.readbackPerReadback, readbacks: t.readbacks,
          fps: f.fps, tasks_per_second: t.tasks / t.seconds, canvas,
          note: 'mean over the trace; readback = software compositing of the WebGL canvas, a synchronous wait for SwiftShader on the main thread',
        };
      }),
    ];
    mkdirSync(ARTIFACT_DIR, { recursive: true });
    writeFileSync(join(ARTIFACT_DIR, 'page-performance.jsonl'), results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    for (const r of results) console.log(JSON.stringify(r));
    expect(summary.messages).toBeGreaterThan(2000); // the page kept receiving the stream
    expect(summary.frames).toBeGreaterThan(5);
    expect(Number.isFinite(summary.arrivalToFrameMs.median)).toBe(true);
  });

  it('reconnects after the server restarts and shows new data', async () => {
    const port = bridge.port;
    await bridge.close();
    await waitFor('link down', async () => (await page.getByTestId('link-state').textContent()) !== 'connected');
    await saveScreenshot(page, 'link-down');
    bridge = await startScriptedBridge({ port });
    await waitFor('link up again', async () => (await page.getByTestId('link-state').textContent()) === 'connected', 15_000);
    // A robot keeps publishing: every 100 ms until the page shows it (the joint stream has its own
    // connection, which comes back on its own schedule; one message sent before it resubscribed is gone).
    let sentAt = 0;
    await waitFor('new data after reconnect', async () => {
      if (Date.now() - sentAt >= 100) {
        bridge.publishJointState(NAMES, [0.25, 0, 0, 0, 0, 0]);
        sentAt = Date.now();
      }
      return Math.abs((await robotInPage())!.position[0] - 0.25) < 1e-9;
    });
    // Nothing queued while down is replayed: at most the explicit stop (zeros) arrives.
    await page.waitForTimeout(300);
    const moving = (r: { msg: Record<string, unknown> }) => Object.values((r.msg.twist as { linear: Record<string, number> }).linear).some((x) => x !== 0);
    expect(bridge.received.get('/servo_node/delta_twist_cmds')!.filter(moving)).toEqual([]);
    await saveScreenshot(page, 'reconnected');
  });
});
