// Drive files: units parsed into SI, presets with overrides, URDF transmission defaults (ROS 1 and
// ROS 2 spellings, ROS offset parity), YAML and JSON, the built-in robots' files, and errors that
// name the joint, the field, the value and the expected unit.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import { DriveError, jointToMotorPosition, motorToJointPosition, parseDriveFile, parseQuantity, REDUCER_PRESETS } from '../../../robot/drive/index.ts';
import { oneJointModel, robotFile } from './fixtures.ts';

const arcmin = Math.PI / 180 / 60;

describe('drive file values with units', () => {
  it('converts every kind of quantity to SI', () => {
    expect(parseQuantity('0.42 ohm', 'resistance', 'x')).toBeCloseTo(0.42, 15);
    expect(parseQuantity('3000 rpm', 'speed', 'x')).toBeCloseTo(100 * Math.PI, 12);
    expect(parseQuantity('12 mH', 'inductance', 'x')).toBeCloseTo(0.012, 15);
    expect(parseQuantity('0.5 arcmin', 'angle', 'x')).toBeCloseTo(0.5 * arcmin, 15);
    expect(parseQuantity('2 ms', 'time', 'x')).toBeCloseTo(0.002, 15);
    expect(parseQuantity('25 degC', 'temperature', 'x')).toBeCloseTo(298.15, 12);
    expect(parseQuantity('1.2 kg cm^2', 'inertia', 'x')).toBeCloseTo(1.2e-4, 15);
    expect(parseQuantity('10 V/krpm', 'torqueConstant', 'x')).toBeCloseTo(10 / (1000 * 2 * Math.PI / 60), 12);
    expect(parseQuantity('0.05 N m/A', 'torqueConstant', 'x')).toBe(0.05);
    expect(parseQuantity('80 %', 'ratio', 'x')).toBeCloseTo(0.8, 15);
    expect(parseQuantity(0.3, 'resistance', 'x')).toBe(0.3);
    expect(parseQuantity('20 kHz', 'frequency', 'x')).toBe(20000);
  });

  it('rejects a quantity of the wrong dimension naming the field, the value and the expected unit', () => {
    expect(() => parseQuantity('3000 rpm', 'resistance', 'joint "j": motor.resistance')).toThrow(
      'joint "j": motor.resistance = "3000 rpm" has the wrong unit, expected a resistance like "0.42 ohm"');
    expect(() => parseQuantity(25, 'temperature', 'f')).toThrow('f = 25 has no unit, expected a temperature with its unit like "25 degC"');
    expect(() => parseQuantity('fast', 'speed', 'f')).toThrow('f = "fast" is not a "<number> <unit>" quantity mathjs understands, expected a speed like "3000 rpm"');
    expect(() => parseQuantity(true, 'speed', 'f')).toThrow('expected a speed');
  });
});

describe('parseDriveFile', () => {
  const model = oneJointModel();

  it('applies a preset, then the joint entry overrides it', () => {
    const set = parseDriveFile(`
joints:
  j:
    reducer: {preset: cycloidal, ratio: -121, backlash: "0.25 arcmin"}
    motor: {resistance: "0.42 ohm", inductance: "12 mH", torqueConstant: "0.2 N m/A", ratedSpeed: "3000 rpm", referenceTemperature: "20 degC"}
`, model);
    expect(set.ratio[0]).toBe(-121);
    expect(set.backlash[0]).toBeCloseTo(0.25 * arcmin, 15);
    expect(set.forwardEfficiency[0]).toBe(0.82);
    expect(set.stiffness1[0]).toBe(1.7e5);
    expect(set.rigid[0]).toBe(0);
    expect(set.resistance[0]).toBe(0.42);
    expect(set.inductance[0]).toBeCloseTo(0.012, 15);
    expect(set.backEmfConstant[0]).toBe(0.2); // Ke = Kt in SI when only one is given
    expect(set.ratedSpeed[0]).toBeCloseTo(100 * Math.PI, 12);
    expect(set.referenceTemperature[0]).toBeCloseTo(293.15, 12);
    expect(set.rotorInertia[0]).toBeCloseTo(1e-5 + 0.5e-4, 15); // default rotor + the preset's input stage
  });

  it('takes the ratio and offset from a ROS 2 <transmission> with ros2_control parity (joint = motor/N + offset)', () => {
    const withTransmission = oneJointModel({ reduction: 80, offset: 0.1 });
    const set = parseDriveFile('joints: {j: {}}', withTransmission);
    expect(set.ratio[0]).toBe(80);
    expect(set.offset[0]).toBeCloseTo(-8, 12);
    // ros2_control SimpleTransmission: joint = actuator / reduction + offset.
    const actuator = 12.3;
    expect(motorToJointPosition(set, 0, actuator)).toBeCloseTo(actuator / 80 + 0.1, 12);
    expect(jointToMotorPosition(set, 0, actuator / 80 + 0.1)).toBeCloseTo(actuator, 12);
  });

  it('takes the ratio from a ROS 1 <actuator><mechanicalReduction>, and the file overrides it', () => {
    const ros1 = oneJointModel({ reduction: 50, offset: 0, ros1: true });
    expect(parseDriveFile('joints: {j: {}}', ros1).ratio[0]).toBe(50);
    expect(parseDriveFile('joints: {j: {reducer: {ratio: 30}}}', ros1).ratio[0]).toBe(30);
  });

  it('reads JSON as well as YAML, and applies defaults below the joint entry', () => {
    const set = parseDriveFile(JSON.stringify({ defaults: { motor: { busVoltage: '24 V', peakCurrent: '8 A' } }, joints: { j: { motor: { peakCurrent: '6 A' } } } }), model);
    expect(set.busVoltage[0]).toBe(24);
    expect(set.peakCurrent[0]).toBe(6);
    expect(parseDriveFile('{"defaults": {}}', model, { format: 'json' }).ratio[0]).toBe(1);
  });

  const bad: [string, string][] = [
    ['joints: {j: {motor: {resistance: "3000 rpm"}}}', 'drive file: joint "j": motor.resistance = "3000 rpm" has the wrong unit, expected a resistance like "0.42 ohm"'],
    ['joints: {j: {reducer: {backlash: "2 N m"}}}', 'drive file: joint "j": reducer.backlash = "2 N m" has the wrong unit, expected a joint angle like "0.5 arcmin"'],
    ['joints: {j: {reducer: {stiffness: ["1 N m/rad", "2 ohm", "3 N m/rad"], breakTorque: [1, 2]}}}', 'drive file: joint "j": reducer.stiffness[1] = "2 ohm" has the wrong unit'],
    ['joints: {j: {motor: {resistence: "1 ohm"}}}', 'drive file: joint "j": motor: unknown key "resistence" (known: rotorInertia, resistance,'],
    ['joints: {j: {gearbox: {}}}', 'drive file: joint "j": unknown key "gearbox" (known: reducer, motorFriction, jointFriction, motor, encoder, firmware)'],
    ['joints: {k: {}}', 'drive file: joints: unknown joint "k" (model "one" has: j)'],
    ['joints: {}', 'drive file: joints "j" have no entry and there are no defaults'],
    ['robot: other\ndefaults: {}', 'drive file: robot = "other" does not match the model "one"'],
    ['colour: red', 'drive file: unknown key "colour" (known: robot, defaults, joints)'],
    ['joints: {j: {reducer: {preset: worm}}}', 'drive file: joint "j": reducer.preset = "worm" is invalid, expected one of harmonic, planetary, cycloidal'],
    ['joints: {j: {reducer: {ratio: 0}}}', 'drive: joint "j": reducer.ratio = 0 is invalid, expected a finite non-zero number'],
    ['joints: {j: {reducer: {backEfficiency: -0.2}}}', 'drive: joint "j": reducer.backEfficiency = -0.2 is invalid, expected > 0 for a rigid reducer'],
    ['joints: {j: {motor: {continuousCurrent: "20 A", peakCurrent: "10 A"}}}', 'drive: joint "j": motor.continuousCurrent = 20 is invalid, expected ≤ peakCurrent (10 A)'],
    ['joints: {j: {firmware: {velocityRate: "3 kHz"}}}', 'drive: joint "j": firmware.velocityRate = 3000 is invalid, expected a rate that divides currentRate (20000 Hz)'],
    ['joints: {j: {encoder: {motorCounts: 10.5}}}', 'drive file: joint "j": encoder.motorCounts = 10.5 is invalid, expected a whole number of counts ≥ 0'],
    ['joints: {j: {motor: {ambientTemperature: 300}}}', 'drive file: joint "j": motor.ambientTemperature = 300 has no unit, expected a temperature with its unit like "25 degC"'],
    ['joints: [1, 2]', 'drive file: joints = [1,2] is invalid, expected a mapping of keys to values'],
    ['joints: {j: {reducer: {rigid: yes please}}}', 'drive file: joint "j": reducer.rigid = "yes please" is invalid, expected true or false'],
    ['joints: {j: {reducer: {ratio: 10}', 'drive file is not valid YAML'],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseDriveFile(text, model)).toThrow(DriveError);
      expect(() => parseDriveFile(text, model)).toThrow(message);
    });
  }
});

describe('built-in robots', () => {
  for (const name of ['servo-arm', 'ur5e', 'panda']) {
    it(`${name}.drive.yaml parses for ${name}.urdf and covers every joint`, () => {
      const model = buildModel(robotFile(`${name}.urdf`));
      const set = parseDriveFile(robotFile(`${name}.drive.yaml`), model);
      expect(set.nq).toBe(model.nq);
      for (let j = 0; j < set.nq; j++) {
        expect(Math.abs(set.ratio[j])).toBeGreaterThan(1);
        expect(set.torqueConstant[j]).toBeGreaterThan(0);
      }
    });
  }

  it('servo-arm states every motor parameter in its own file (no ideal defaults left)', () => {
    const model = buildModel(robotFile('servo-arm.urdf'));
    const set = parseDriveFile(robotFile('servo-arm.drive.yaml'), model);
    expect([...set.ratio]).toEqual([80, 100, 64, 120, 100, 100]);
    expect(set.thermalCapacity.every((c) => c > 0)).toBe(true);
    expect(set.motorCounts.every((c) => c === 131072)).toBe(true);
    expect(Object.keys(REDUCER_PRESETS)).toEqual(['harmonic', 'planetary', 'cycloidal']);
  });
});
