// `embodied run --config FILE`: the file's settings (units, choices, remapped topics, initial gains)
// parsed and checked with errors that name file, field, value and what was expected; and the loop
// run with a config against our rosbridge server: remapped topics used, gains applied, flags winning.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeServer } from '../../bridge/server.ts';
import { runControl } from '../../cli/commands/run.ts';
import { parseRunConfig } from '../../cli/run-config.ts';
import type { ControlClient } from '../../cli/control-client.ts';
import { CascadeController } from '../../control/joint-controllers.ts';
import { encodeGains } from '../../control/wire.ts';
import { ComputedTorqueController } from '../../control/model-based.ts';
import { parseDriveFile } from '../../robot/drive/drive-file.ts';
import { armatureOf, jointLimitsFromDrive } from '../../robot/drive/maps.ts';
import { loadRobot } from '../../sim/load-robot.ts';

const EXAMPLE = `
rate: 500 Hz
publishRate: 50
stateRate: "0.02 kHz"
command: effort
effortController: cascade
estimator: kalman
collision: "off"
collisionThreshold: 0.2
wait: timeout
overrun: catch-up
safety: {stateTimeout: 500 ms, commandTimeout: 0.2}
topics:
  jointStates: /robot/joint_states
  effort: /arm_effort_controller/commands
gains:
  "*": {velocity: {kp: 7, ki: 15, antiWindup: back-calculation}}
  joint2: {position: {kp: 30}}
commandJoints: [joint3, joint1]
`;

describe('run config file', () => {
  it('parses settings with units, choices, topics and gains', () => {
    const config = parseRunConfig(EXAMPLE, 'arm.yaml');
    expect(config).toMatchObject({
      rate: 500, publishRate: 50, stateRate: 20, command: 'effort', effortController: 'cascade', estimator: 'kalman', collision: 'off',
      collisionThreshold: 0.2, wait: 'timeout', overrun: 'catch-up', safety: { stateTimeout: 0.5, commandTimeout: 0.2 },
      topics: { jointStates: '/robot/joint_states', effort: '/arm_effort_controller/commands' },
    });
    expect(config.gains).toEqual([
      { joint: '*', loop: 'velocity', gains: { kp: 7, ki: 15, antiWindup: 'back-calculation' } },
      { joint: 'joint2', loop: 'position', gains: { kp: 30 } },
    ]);
    expect(parseRunConfig('{"rate": 250, "topics": {"position": "/p/commands"}}', 'arm.json')).toEqual({ rate: 250, topics: { position: '/p/commands' } });
    expect(config.commandJoints).toEqual(['joint3', 'joint1']);
    expect(parseRunConfig('', 'empty.yaml')).toEqual({});
  });

  it('refuses what it cannot use, naming file, field, value and what was expected', () => {
    const refuse = (text: string) => () => parseRunConfig(text, 'arm.yaml');
    expect(refuse('speed: 3')).toThrow(/arm\.yaml: speed = 3: expected no such key; the keys are rate, publishRate/);
    expect(refuse('rate: 2 kg')).toThrow(/arm\.yaml: rate = "2 kg": expected Hz/);
    expect(refuse('rate: -5')).toThrow(/arm\.yaml: rate = -5: expected a positive rate/);
    expect(refuse('command: torque')).toThrow(/command = "torque": expected one of position, velocity, effort, motor-current/);
    expect(refuse('wait: sleep')).toThrow(/wait = "sleep": expected one of atomics, timeout, hybrid, spin/);
    expect(refuse('safety: {stale: 1}')).toThrow(/safety\.stale = 1: expected no such setting; safety has stateTimeout, commandTimeout/);
    expect(refuse('safety: {stateTimeout: 3 m}')).toThrow(/safety\.stateTimeout = "3 m": expected s/);
    expect(refuse('topics: {position: arm/commands}')).toThrow(/topics\.position = "arm\/commands": expected a global ROS name/);
    expect(refuse('topics: {torque: /t}')).toThrow(/topics\.torque = "\/t": expected no such name; the names are jointStates/);
    expect(refuse('gains: {joint1: {velocity: {kq: 1}}}')).toThrow(/gains\.joint1\.velocity\.kq = 1: expected no such gain; the fields are kp, ki/);
    expect(refuse('gains: {joint1: {velocity: {kp: .nan}}}')).toThrow(/gains\.joint1\.velocity\.kp = null: expected a finite number/);
    expect(refuse('commandJoints: joint1')).toThrow(/commandJoints = "joint1": expected a list of joint names: the forward command controllers' `joints`, in their order/);
    expect(refuse('[1, 2]')).toThrow(/arm\.yaml: the file = \[1,2\]: expected a mapping of settings/);
    expect(refuse('rate: [')).toThrow(/arm\.yaml: not YAML or JSON/);
  });

  it('names a missing file', async () => {
    await expect(runControl({ url: 'ws://127.0.0.1:1', robot: 'servo-arm', config: join(tmpdir(), 'no-such-embodied.yaml') })).rejects.toThrow(/--config .*no-such-embodied\.yaml: no such file/);
  });
});

describe('embodied run with a config file, against our rosbridge server', () => {
  const model = loadRobot('servo-arm').model;
  let server: RosbridgeServer;
  let url = '';
  let timer: ReturnType<typeof setInterval>;
  const received = { effort: 0, defaultTopic: 0, lengths: new Set<number>() };
  let control: ControlClient | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'embodied-run-config-'));

  beforeAll(async () => {
    server = new RosbridgeServer({ port: 0 });
    url = `ws://127.0.0.1:${await server.start({ port: 0 })}`;
    server.subscribe('/arm_effort_controller/commands', (msg) => {
      received.effort++;
      received.lengths.add((msg as { data: number[] }).data.length);
    });
    server.subscribe('/forward_effort_controller/commands', () => received.defaultTopic++);
    // The robot's state on the remapped topic only.
    timer = setInterval(() => {
      const now = Date.now() / 1000;
      server.publish('/robot/joint_states', 'sensor_msgs/JointState', {
        header: { stamp: { sec: Math.floor(now), nanosec: Math.floor((now % 1) * 1e9) }, frame_id: '' },
        name: [...model.jointNames], position: model.jointNames.map(() => 0.1), velocity: [], effort: [],
      });
    }, 5);
  }, 30_000);

  afterAll(async () => {
    await control?.stop();
    clearInterval(timer);
    await server?.close();
  });

  it('reads the remapped state, publishes on the remapped command topic, applies the gains, and a flag wins over the file', async () => {
    const file = join(dir, 'arm.yaml');
    writeFileSync(file, EXAMPLE.replace('effortController: cascade', 'effortController: computed-torque'));
    control = await runControl({ url, robot: 'servo-arm', config: file, effortController: 'cascade' });
    // The flag's cascade, not the file's computed torque; the file's gains in it.
    const controller = control.controller;
    expect(controller).toBeInstanceOf(CascadeController);
    const cascade = controller as CascadeController;
    for (let k = 0; k < model.nq; k++) {
      expect(cascade.pid(k, 'velocity').gains.kp).toBe(7);
      expect(cascade.pid(k, 'velocity').gains.antiWindup).toBe('back-calculation');
    }
    expect(cascade.pid(model.jointNames.indexOf('joint2'), 'position').gains.kp).toBe(30);
    expect(cascade.pid(model.jointNames.indexOf('joint1'), 'position').gains.kp).toBe(20);
    // Active on the remapped /joint_states, effort commands on the remapped topic only.
    const start = Date.now();
    while (received.effort < 10 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(control.pipeline.safety.state).toBe('active');
    expect(received.effort).toBeGreaterThanOrEqual(10);
    expect(received.defaultTopic).toBe(0);
    // One value per joint of the file's commandJoints (the controller's own joints), not per model joint.
    expect([...received.lengths]).toEqual([2]);
    // A gains message over the wire is answered on /embodied/gains/result.
    const answers: string[] = [];
    server.subscribe('/embodied/gains/result', (msg) => answers.push((msg as { data: string }).data));
    server.publish('/embodied/gains', 'std_msgs/Float64MultiArray', encodeGains('joint3', 'velocity', { kp: 9 }));
    server.publish('/embodied/gains', 'std_msgs/Float64MultiArray', encodeGains('joint3', 'velocity', { kp: -1 }));
    const until = Date.now() + 5000;
    while (answers.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(answers[0]).toBe('applied joint3/velocity');
    expect(answers[1]).toMatch(/^rejected joint3\/velocity: .*kp = -1/);
    expect(cascade.pid(model.jointNames.indexOf('joint3'), 'velocity').gains.kp).toBe(9);
  }, 30_000);

  it('with a drive file, bounds the limits by what the drive can do and gives the model-based controller the rotor inertia', async () => {
    // servo-arm's drive with joint1's peak current cut from 16 A to 4 A: a quarter of its torque.
    const robots = join(import.meta.dirname, '..', '..', 'robot', 'robots');
    const text = readFileSync(join(robots, 'servo-arm.drive.yaml'), 'utf8').replace('peakCurrent: "16 A"', 'peakCurrent: "4 A"').replace('continuousCurrent: "5.5 A"', 'continuousCurrent: "3 A"');
    const drivePath = join(dir, 'weak.drive.yaml');
    writeFileSync(drivePath, text);
    const set = parseDriveFile(text, model);
    const expected = jointLimitsFromDrive(set, model);
    expect(expected.effort[0]).toBeLessThan(model.effortLimit[0] / 2);
    await control?.stop();
    control = await runControl({ url, robot: 'servo-arm', drive: drivePath, command: 'effort', effortController: 'computed-torque', estimator: 'pass-through' });
    const limits = control.pipeline.limiter.limits;
    expect(limits.effort[0]).toBeCloseTo(expected.effort[0], 9);
    expect(limits.effort[1]).toBe(model.effortLimit[1]);
    const controller = control.controller as ComputedTorqueController;
    expect(controller).toBeInstanceOf(ComputedTorqueController);
    const armature = armatureOf(set);
    for (let k = 0; k < model.nq; k++) expect(controller.model.armature[k]).toBeCloseTo(armature[k], 12);
    expect(armature[0]).toBeGreaterThan(0.1); // N²·J_rotor: a large share of a small arm's inertia
  }, 30_000);

  it('refuses gains for a loop the controller does not have, naming joint and loop', async () => {
    const file = join(dir, 'position.yaml');
    writeFileSync(file, 'gains: {joint1: {position: {kp: 3}}}\n');
    await expect(runControl({ url, robot: 'servo-arm', config: file })).rejects.toThrow(/gains for joint1\/position: /);
  });
});
