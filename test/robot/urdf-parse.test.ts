// URDF parsing and model building: what is kept, and a clear error for every kind of bad input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildModel, parseUrdf, UrdfError, withArmature } from '../../robot/index.ts';

const arm = (extra = '', jointExtra = '') => `<?xml version="1.0"?>
<robot name="two">
  <material name="blue"><color rgba="0 0 1 1"/></material>
  <link name="base"><visual><geometry><box size="0.1 0.2 0.3"/></geometry><material name="blue"/></visual></link>
  <link name="upper">
    <inertial><origin xyz="0 0 0.2" rpy="0 0 0"/><mass value="2"/><inertia ixx="0.1" ixy="0" ixz="0" iyy="0.2" iyz="0" izz="0.3"/></inertial>
    <visual><origin xyz="0 0 0.2"/><geometry><mesh filename="package://two/meshes/upper.stl" scale="0.001 0.001 0.001"/></geometry></visual>
    <collision><geometry><cylinder radius="0.05" length="0.4"/></geometry></collision>
  </link>
  <link name="lower"/>
  <link name="tool"/>
  <joint name="shoulder" type="revolute">
    <parent link="base"/><child link="upper"/><origin xyz="0 0 0.1" rpy="0 0 0"/><axis xyz="0 0 1"/>
    <limit lower="-2" upper="2" effort="50" velocity="3"/>
    <dynamics damping="0.5" friction="1.5"/>
    <safety_controller soft_lower_limit="-1.9" soft_upper_limit="1.9" k_position="100" k_velocity="10"/>
    ${jointExtra}
  </joint>
  <joint name="elbow" type="continuous">
    <parent link="upper"/><child link="lower"/><origin xyz="0 0 0.4"/><axis xyz="0 1 0"/>
  </joint>
  <joint name="flange" type="fixed"><parent link="lower"/><child link="tool"/><origin xyz="0 0 0.3"/></joint>
  ${extra}
</robot>`;

describe('parseUrdf keeps what the viewer and the drives need', () => {
  it('reads links, joints, limits, dynamics, safety controller, geometry and materials', () => {
    const urdf = parseUrdf(arm());
    expect(urdf.name).toBe('two');
    expect(urdf.root).toBe('base');
    expect(urdf.links.map((l) => l.name)).toEqual(['base', 'upper', 'lower', 'tool']);
    const shoulder = urdf.joints[0];
    expect(shoulder.limit).toEqual({ lower: -2, upper: 2, effort: 50, velocity: 3 });
    expect(shoulder.dynamics).toEqual({ damping: 0.5, friction: 1.5 });
    expect(shoulder.safetyController).toEqual({ softLowerLimit: -1.9, softUpperLimit: 1.9, kPosition: 100, kVelocity: 10 });
    expect(urdf.links[0].visuals[0].material?.color).toEqual([0, 0, 1, 1]);
    expect(urdf.links[1].visuals[0].geometry).toEqual({ type: 'mesh', filename: 'package://two/meshes/upper.stl', scale: [0.001, 0.001, 0.001] });
    expect(urdf.links[1].collisions[0].geometry).toEqual({ type: 'cylinder', radius: 0.05, length: 0.4 });
  });

  it('reads transmissions in the ROS 1 and the ROS 2 spelling alike', () => {
    const ros1 = `<transmission name="t1"><type>transmission_interface/SimpleTransmission</type>
      <joint name="shoulder"><hardwareInterface>hardware_interface/EffortJointInterface</hardwareInterface></joint>
      <actuator name="m1"><hardwareInterface>hardware_interface/EffortJointInterface</hardwareInterface><mechanicalReduction>100</mechanicalReduction></actuator>
    </transmission>`;
    const ros2 = `<transmission name="t2"><plugin>transmission_interface/SimpleTransmission</plugin>
      <actuator name="m2" role="actuator1"/>
      <joint name="elbow" role="joint1"><mechanical_reduction>-50</mechanical_reduction><offset>0.1</offset></joint>
    </transmission>`;
    const urdf = parseUrdf(arm(ros1 + ros2));
    expect(urdf.transmissions).toEqual([
      {
        name: 't1',
        type: 'transmission_interface/SimpleTransmission',
        joints: [{ name: 'shoulder', hardwareInterfaces: ['hardware_interface/EffortJointInterface'] }],
        actuators: [{ name: 'm1', hardwareInterfaces: ['hardware_interface/EffortJointInterface'], mechanicalReduction: 100 }],
      },
      {
        name: 't2',
        type: 'transmission_interface/SimpleTransmission',
        joints: [{ name: 'elbow', role: 'joint1', hardwareInterfaces: [], mechanicalReduction: -50, offset: 0.1 }],
        actuators: [{ name: 'm2', role: 'actuator1', hardwareInterfaces: [] }],
      },
    ]);
  });
});

describe('buildModel', () => {
  it('numbers links depth first from the base and keeps joint data in q order', () => {
    const model = buildModel(arm());
    expect(model.nq).toBe(2);
    expect(model.jointNames).toEqual(['shoulder', 'elbow']);
    expect(Array.from(model.parent)).toEqual([-1, 0, 1, 2]);
    expect(Array.from(model.linkQ)).toEqual([-1, 0, 1, -1]);
    expect(model.lowerLimit[1]).toBe(-Infinity);
    expect(model.continuous[1]).toBe(1);
    expect(model.softUpperLimit[0]).toBe(1.9);
    expect(model.damping[0]).toBe(0.5);
    expect(model.friction[0]).toBe(1.5);
    expect(Object.isFrozen(model)).toBe(true);
  });

  it('rotates an inertial frame into link axes (I_L = R I Rᵀ keeps the trace and the eigenvalues)', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (r, p, y) => {
        const text = arm().replace('<origin xyz="0 0 0.2" rpy="0 0 0"/><mass', `<origin xyz="0 0 0.2" rpy="${r} ${p} ${y}"/><mass`);
        const model = buildModel(text);
        const I = model.inertia.subarray(9, 18);
        expect(I[0] + I[4] + I[8]).toBeCloseTo(0.6, 12);
        expect(I[1]).toBeCloseTo(I[3], 12);
        // Rotate back with the same rpy: must give diag(0.1, 0.2, 0.3).
        const cr = Math.cos(r), sr = Math.sin(r), cp = Math.cos(p), sp = Math.sin(p), cy = Math.cos(y), sy = Math.sin(y);
        const R = [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr, sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr, -sp, cp * sr, cp * cr];
        const back = (a: number, b: number) => {
          let s = 0;
          for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += R[3 * i + a] * I[3 * i + j] * R[3 * j + b];
          return s;
        };
        expect(back(0, 0)).toBeCloseTo(0.1, 10);
        expect(back(1, 1)).toBeCloseTo(0.2, 10);
        expect(back(2, 2)).toBeCloseTo(0.3, 10);
        expect(back(0, 1)).toBeCloseTo(0, 10);
      }),
      { numRuns: 200 },
    );
  });

  it('restricts the model to the chain between a chosen base and tip', () => {
    const model = buildModel(arm(), { base: 'upper', tip: 'tool' });
    expect(model.linkNames).toEqual(['upper', 'lower', 'tool']);
    expect(model.jointNames).toEqual(['elbow']);
    expect(model.tip).toBe(2);
    expect(() => buildModel(arm(), { base: 'lower', tip: 'upper' })).toThrow(/not below base link "lower"/);
    expect(() => buildModel(arm(), { tip: 'hand' })).toThrow(/tip link "hand" does not exist/);
  });

  it('reads a floating or planar joint above the chosen base (an arm hung from world) and models what is below', () => {
    for (const type of ['floating', 'planar']) {
      const hung = arm().replace('<link name="base">', `<link name="world"/><joint name="to_world" type="${type}"><parent link="world"/><child link="base"/><axis xyz="0 0 1"/></joint><link name="base">`);
      expect(parseUrdf(hung).joints.find((j) => j.name === 'to_world')!.type).toBe(type);
      expect(() => buildModel(hung)).toThrow(new RegExp(`<joint name="to_world"> type="${type}" is below base link "world"`));
      const model = buildModel(hung, { base: 'base' });
      expect(model.jointNames).toEqual(['shoulder', 'elbow']);
      expect(model.linkNames[0]).toBe('base');
    }
  });

  it('keeps a tree with several branches and turns mimic joints into followers', () => {
    const tree = arm(`<link name="finger"/><joint name="grip" type="prismatic"><parent link="tool"/><child link="finger"/><axis xyz="1 0 0"/><limit lower="0" upper="0.04" effort="20" velocity="0.1"/></joint>
      <link name="finger2"/><joint name="grip2" type="prismatic"><parent link="tool"/><child link="finger2"/><axis xyz="-1 0 0"/><limit lower="0" upper="0.04" effort="20" velocity="0.1"/><mimic joint="grip" multiplier="1" offset="0"/></joint>`);
    const model = buildModel(tree);
    expect(model.jointNames).toEqual(['shoulder', 'elbow', 'grip']);
    const finger2 = model.linkNames.indexOf('finger2');
    expect(model.linkQ[finger2]).toBe(2);
    expect(model.parent[finger2]).toBe(model.linkNames.indexOf('tool'));
  });

  it('takes a rotor inertia per joint only when it is finite and non-negative', () => {
    const model = buildModel(arm());
    expect(Array.from(withArmature(model, [0.1, 0.2]).armature)).toEqual([0.1, 0.2]);
    expect(() => withArmature(model, [0.1])).toThrow(/expected nq = 2/);
    expect(() => withArmature(model, [0.1, Number.NaN])).toThrow(/joint "elbow"/);
  });
});

describe('bad URDF gets an error that names the element and what is wrong', () => {
  const cases: [string, string, RegExp][] = [
    ['not XML', '<robot name="x"><link name="a"></robot>', /not well-formed XML/],
    ['a truncated tag the XML validator lets through (fast-check found it)', '<robot/', /not well-formed XML: readTagExp/],
    ['empty', '   ', /empty/],
    ['no robot element', '<model/>', /no <robot> element/],
    ['no root link (cycle)', '<robot><link name="a"/><link name="b"/><joint name="j1" type="fixed"><parent link="a"/><child link="b"/></joint><joint name="j2" type="fixed"><parent link="b"/><child link="a"/></joint></robot>', /no root link/],
    ['several roots', '<robot><link name="a"/><link name="b"/></robot>', /several root links \(a, b\)/],
    ['unknown parent', '<robot><link name="a"/><joint name="j" type="fixed"><parent link="nope"/><child link="a"/></joint></robot>', /<joint name="j"> names the parent link "nope"/],
    ['unknown child', '<robot><link name="a"/><joint name="j" type="fixed"><parent link="a"/><child link="nope"/></joint></robot>', /names the child link "nope"/],
    ['revolute without limits', arm().replace(/<limit lower="-2"[^>]*>/, ''), /<joint name="shoulder"> is revolute but has no <limit>/],
    ['non-numeric attribute', arm().replace('effort="50"', 'effort="fifty"'), /<joint name="shoulder"> <limit> effort = "fifty" is not a finite number/],
    ['zero axis', arm().replace('<axis xyz="0 0 1"/>', '<axis xyz="0 0 0"/>'), /<joint name="shoulder"> <axis> xyz="0 0 0" is a zero vector/],
    ['axis with two values', arm().replace('<axis xyz="0 0 1"/>', '<axis xyz="0 1"/>'), /has 2 values, expected 3/],
    ['negative mass', arm().replace('<mass value="2"/>', '<mass value="-2"/>'), /<link name="upper"> <inertial> <mass> value = -2/],
    ['duplicate link', arm().replace('<link name="lower"/>', '<link name="lower"/><link name="lower"/>'), /<link name="lower"> is defined twice/],
    ['floating joint inside the model', arm().replace('type="continuous"', 'type="floating"'), /<joint name="elbow"> type="floating" is below base link "base".*--base lower/],
    ['planar joint inside the model', arm().replace('type="continuous"', 'type="planar"'), /<joint name="elbow"> type="planar" is below base link "base"/],
    ['unknown joint type', arm().replace('type="continuous"', 'type="hinge"'), /type="hinge" is unknown/],
    ['link with two parents', arm('<joint name="again" type="fixed"><parent link="base"/><child link="tool"/></joint>'), /link "tool" is the child of two joints/],
    ['mimic of unknown joint', arm('', '<mimic joint="ghost"/>'), /<mimic> names the joint "ghost"/],
    ['upper below lower', arm().replace('lower="-2" upper="2"', 'lower="2" upper="-2"'), /upper = -2 is below lower = 2/],
    ['geometry without shape', arm().replace('<box size="0.1 0.2 0.3"/>', ''), /<geometry> must hold exactly one/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => buildModel(text)).toThrow(UrdfError);
      expect(() => buildModel(text)).toThrow(message);
    });
  }

  it('never returns a model for random garbage, and never throws anything but UrdfError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          buildModel(text);
          return false;
        } catch (error) {
          return error instanceof UrdfError;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
