// loadRobot: a built-in name or a URDF path in, the model out; every failure names what was asked for.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRobot } from '../../../sim/load-robot.ts';
import { builtinRobotFiles } from '../../../robot/robots/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'embodied-load-robot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const twoLink = `<robot name="two-link">
  <link name="base"/><link name="arm"/><link name="hand"/>
  <joint name="j1" type="revolute"><parent link="base"/><child link="arm"/><axis xyz="0 0 1"/>
    <limit lower="-1" upper="1" effort="10" velocity="1"/></joint>
  <joint name="j2" type="continuous"><parent link="arm"/><child link="hand"/><origin xyz="0.5 0 0"/><axis xyz="0 0 1"/></joint>
</robot>`;

describe('loadRobot', () => {
  it.each(['servo-arm', 'ur5e', 'panda'])('loads the built-in %s by name, with its drive file when one exists', (name) => {
    const robot = loadRobot(name);
    expect(robot.name).toBe(name);
    expect(robot.urdfText).toContain('<robot name=');
    expect(robot.model.nq).toBe(name === 'panda' ? 7 : 6);
    const drive = fileURLToPath(builtinRobotFiles(name).drive);
    expect(robot.driveFile).toBe(existsSync(drive) ? drive : undefined);
  });

  it('loads a URDF file by path and names the robot after the URDF', () => {
    const file = join(dir, 'two-link.urdf');
    writeFileSync(file, twoLink);
    const robot = loadRobot(file);
    expect(robot.name).toBe('two-link');
    expect(robot.urdfFile).toBe(file);
    expect([...robot.model.jointNames]).toEqual(['j1', 'j2']);
    expect(robot.driveFile).toBeUndefined();
  });

  it('passes base and tip through to the model', () => {
    const robot = loadRobot('ur5e', { base: 'base_link_inertia', tip: 'wrist_3_link' });
    expect(robot.model.linkNames[0]).toBe('base_link_inertia');
    expect(robot.model.linkNames[robot.model.tip]).toBe('wrist_3_link');
    expect(() => loadRobot('ur5e', { tip: 'gripper' })).toThrow(/ur5e\.urdf: .*tip link "gripper" does not exist/);
  });

  it('names the argument and the built-in choices when it is neither a built-in nor a file', () => {
    expect(() => loadRobot('ur10')).toThrow(/robot "ur10" is neither a built-in robot \(servo-arm, ur5e, panda\) nor an existing URDF file/);
    expect(() => loadRobot(dir)).toThrow(/is neither a built-in robot/);
    expect(() => loadRobot('')).toThrow(/expected a built-in robot name \(servo-arm, ur5e, panda\) or a URDF file path/);
  });

  it('names the file when the URDF in it is wrong', () => {
    const file = join(dir, 'broken.urdf');
    writeFileSync(file, twoLink.replace('<limit lower="-1" upper="1" effort="10" velocity="1"/>', ''));
    expect(() => loadRobot(file)).toThrow(`${file}: URDF: <joint name="j1"> is revolute but has no <limit>`);
    const notXml = join(dir, 'not-xml.urdf');
    writeFileSync(notXml, '<robot name="x"><link name="a">');
    expect(() => loadRobot(notXml)).toThrow(new RegExp(`${notXml.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: URDF: not well-formed XML`));
  });

  it('takes a drive file path that exists and rejects one that does not', () => {
    const drive = join(dir, 'arm.drive.yaml');
    writeFileSync(drive, 'joints: {}\n');
    expect(loadRobot('servo-arm', { drive }).driveFile).toBe(drive);
    expect(() => loadRobot('servo-arm', { drive: join(dir, 'missing.yaml') })).toThrow(/drive file ".*missing\.yaml" does not exist/);
  });
});
