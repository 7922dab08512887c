// Message schemas, validation and dialect building: every known type validates its own default,
// both type spellings and both time spellings are accepted, errors name field, value, expectation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildMessage, canonicalTypeName, dialectTypeName, knownMessageTypes, makeHeader, makeTime, messageSchema, parseFrame, timeToSeconds,
  typeDefs, validateMessage,
} from '../../bridge/index.ts';

const REQUIRED = [
  'std_msgs/String', 'std_msgs/Float64MultiArray', 'std_msgs/Header', 'sensor_msgs/JointState', 'sensor_msgs/Imu',
  'geometry_msgs/WrenchStamped', 'geometry_msgs/TwistStamped', 'geometry_msgs/Pose', 'geometry_msgs/Transform',
  'trajectory_msgs/JointTrajectory', 'control_msgs/JointJog', 'control_msgs/FollowJointTrajectoryGoal',
  'control_msgs/FollowJointTrajectoryFeedback', 'control_msgs/FollowJointTrajectoryResult', 'control_msgs/JointTrajectoryControllerState',
  'tf2_msgs/TFMessage', 'rosgraph_msgs/Clock', 'diagnostic_msgs/DiagnosticArray', 'builtin_interfaces/Time', 'std_srvs/TriggerResponse',
];

describe('schemas', () => {
  it('know every type the stack puts on the wire, in both spellings', () => {
    for (const type of REQUIRED) {
      expect(messageSchema(type), type).toBeDefined();
      expect(messageSchema(dialectTypeName(type, 'ros2')), type).toBe(messageSchema(type));
    }
    expect(canonicalTypeName('sensor_msgs/msg/JointState')).toBe('sensor_msgs/JointState');
    expect(dialectTypeName('control_msgs/FollowJointTrajectory', 'ros2', 'action')).toBe('control_msgs/action/FollowJointTrajectory');
  });

  it('accept the default message of every known type in both dialects', () => {
    for (const type of knownMessageTypes()) {
      for (const dialect of ['ros1', 'ros2'] as const) expect(validateMessage(type, buildMessage(type, {}, dialect)), `${type} ${dialect}`).toBeNull();
    }
  });

  it('describe nested types root first for rosapi', () => {
    const defs = typeDefs('sensor_msgs/JointState', 'ros1');
    expect(defs[0]).toMatchObject({ type: 'sensor_msgs/JointState', fieldnames: ['header', 'name', 'position', 'velocity', 'effort'], fieldarraylen: [-1, 0, 0, 0, 0] });
    expect(defs.map((d) => d.type)).toContain('std_msgs/Header');
  });
});

describe('validation', () => {
  it('accepts both time spellings and rewrites into a chosen dialect', () => {
    const ros1 = { header: { seq: 3, stamp: { secs: 1, nsecs: 2 }, frame_id: 'base' }, name: ['a'], position: [1] };
    const ros2 = { header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'base' }, name: ['a'], position: [1] };
    expect(validateMessage('sensor_msgs/JointState', ros1)).toBeNull();
    expect(validateMessage('sensor_msgs/msg/JointState', ros2)).toBeNull();
    expect(validateMessage('sensor_msgs/JointState', ros1, { dialect: 'ros2' })).toBeNull();
    expect(ros1.header.stamp).toEqual({ sec: 1, nanosec: 2 });
    expect(validateMessage('sensor_msgs/JointState', ros2, { dialect: 'ros1' })).toBeNull();
    expect(ros2.header.stamp).toEqual({ secs: 1, nsecs: 2 });
    expect(validateMessage('rosgraph_msgs/Clock', { clock: { sec: 1, nsecs: 2 } })).toMatch(/field "clock": .*either \{sec,nanosec\} or \{secs,nsecs\}/);
  });

  it('knows the rest of sensor_msgs and what viewers are sent (nav_msgs, visualization_msgs), checked field by field', () => {
    const header = { stamp: { sec: 1, nanosec: 0 }, frame_id: 'laser' };
    const ok: [string, unknown][] = [
      ['sensor_msgs/msg/LaserScan', { header, angle_min: -1, angle_max: 1, angle_increment: 0.5, time_increment: 0, scan_time: 0.1, range_min: 0.1, range_max: 10, ranges: [1, 2, null, 4, 5], intensities: [] }],
      ['sensor_msgs/msg/PointCloud2', { header, height: 1, width: 1, fields: [{ name: 'x', offset: 0, datatype: 7, count: 1 }], is_bigendian: false, point_step: 4, row_step: 4, data: 'AACAPw==', is_dense: true }],
      ['sensor_msgs/msg/CompressedImage', { header, format: 'jpeg', data: [255, 216, 255] }],
      ['sensor_msgs/msg/Joy', { header, axes: [0.5, -1], buttons: [0, 1] }],
      ['sensor_msgs/msg/CameraInfo', { header, height: 480, width: 640, distortion_model: 'plumb_bob', d: [0, 0, 0, 0, 0], k: [1, 0, 0, 0, 1, 0, 0, 0, 1], r: [1, 0, 0, 0, 1, 0, 0, 0, 1], p: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], binning_x: 0, binning_y: 0, roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false } }],
      ['sensor_msgs/CameraInfo', { header: { seq: 1, stamp: { secs: 1, nsecs: 0 }, frame_id: 'cam' }, D: [0, 0, 0, 0, 0], K: [1, 0, 0, 0, 1, 0, 0, 0, 1] }],
      ['sensor_msgs/msg/BatteryState', { header, voltage: 24.1, percentage: 0.8, present: true, cell_voltage: [4.02, 4.01], location: 'base', serial_number: 'x' }],
      ['sensor_msgs/msg/NavSatFix', { header, status: { status: -1, service: 1 }, latitude: 52.5, longitude: 13.4, altitude: 30, position_covariance: [0, 0, 0, 0, 0, 0, 0, 0, 0], position_covariance_type: 0 }],
      ['sensor_msgs/msg/Range', { header, radiation_type: 0, field_of_view: 0.3, min_range: 0.02, max_range: 4, range: 1.2 }],
      ['nav_msgs/msg/Odometry', { header, child_frame_id: 'base_link', pose: { pose: { position: { x: 1, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } } }],
      ['nav_msgs/msg/OccupancyGrid', { header, info: { map_load_time: { sec: 0, nanosec: 0 }, resolution: 0.05, width: 2, height: 1 }, data: [-1, 100] }],
      ['visualization_msgs/msg/MarkerArray', { markers: [{ header, ns: 'tool', id: 1, type: 2, action: 0, scale: { x: 0.1, y: 0.1, z: 0.1 }, color: { r: 1, g: 0, b: 0, a: 1 }, lifetime: { sec: 0, nanosec: 0 }, points: [] }] }],
    ];
    for (const [type, message] of ok) expect(validateMessage(type, message), type).toBeNull();
    expect(validateMessage('sensor_msgs/LaserScan', { ranges: ['far'] })).toBe('sensor_msgs/LaserScan: field "ranges[0]": got "far", expected a number (float32)');
    expect(validateMessage('sensor_msgs/Joy', { buttons: [0.5] })).toMatch(/field "buttons\[0\]": got number 0.5, expected an integer int32/);
    expect(validateMessage('sensor_msgs/CameraInfo', { k: [1, 2] })).toBe('sensor_msgs/CameraInfo: field "k": got an array of length 2, expected an array of length 9');
    expect(validateMessage('visualization_msgs/Marker', { colour: {} })).toMatch(/colour/);
  });

  it('names the field, the value and the expectation', () => {
    expect(validateMessage('sensor_msgs/Imu', { orientation_covariance: [0, 0] })).toBe(
      'sensor_msgs/Imu: field "orientation_covariance": got an array of length 2, expected an array of length 9',
    );
    expect(validateMessage('tf2_msgs/TFMessage', { transforms: [{ transform: { rotation: { w: '1' } } }] })).toBe(
      'tf2_msgs/TFMessage: field "transforms[0].transform.rotation.w": got "1", expected a number (float64)',
    );
    expect(validateMessage('diagnostic_msgs/DiagnosticStatus', { level: 300 })).toMatch(/field "level": got number 300, expected an integer byte in \[0, 255\]/);
    expect(validateMessage('std_msgs/UInt8MultiArray', { data: 'AQID' })).toBeNull();
    expect(validateMessage('nope/Nope', {})).toBe('unknown message type "nope/Nope"');
  });

  it('rejects every non-number in a float64 array and accepts every number or null (seeded sweep)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string(), fc.boolean(), fc.object())), (values) => {
        const bad = values.findIndex((v) => v !== null && typeof v !== 'number');
        const error = validateMessage('std_msgs/Float64MultiArray', { data: [...values] });
        if (bad < 0) return error === null;
        return error !== null && error.includes(`field "data[${bad}]"`);
      }),
      { seed: 4, numRuns: 500 },
    );
  });
});

describe('dialect building', () => {
  it('round-trips time through both spellings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 999_999_999 }), (s, ns) => {
        const seconds = s + ns * 1e-9;
        const t1 = makeTime(seconds, 'ros1') as { secs: number; nsecs: number };
        const t2 = makeTime(seconds, 'ros2') as { sec: number; nanosec: number };
        return t1.secs === t2.sec && t1.nsecs === t2.nanosec && Math.abs(timeToSeconds(t1) - seconds) < 1e-6 && t1.nsecs < 1e9;
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('builds headers with seq for ROS 1 and without for ROS 2', () => {
    expect(makeHeader(1.5, 'base', 'ros1', 9)).toEqual({ seq: 9, stamp: { secs: 1, nsecs: 500_000_000 }, frame_id: 'base' });
    expect(makeHeader(1.5, 'base', 'ros2')).toEqual({ stamp: { sec: 1, nanosec: 500_000_000 }, frame_id: 'base' });
    expect(buildMessage('geometry_msgs/TwistStamped', { twist: { linear: { x: 1 } } }, 'ros2')).toEqual({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      twist: { linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
    });
  });
});

describe('frame parsing', () => {
  it('parses every op roslib sends and rejects wrong field types by name', () => {
    expect(parseFrame({ op: 'subscribe', id: 's', topic: '/a', type: 'std_msgs/String', compression: 'cbor', throttle_rate: 0, queue_length: 0 })).toMatchObject({ ok: true });
    expect(parseFrame({ op: 'send_action_goal', id: 'g', action: '/f', action_type: 'control_msgs/action/FollowJointTrajectory', args: {}, feedback: true })).toMatchObject({ ok: true });
    expect(parseFrame({ op: 'fragment', id: 'f', data: 'x', num: 3, total: 3 })).toEqual({ ok: false, op: 'fragment', id: 'f', error: 'fragment: field "num": got number 3, expected a number in [0, 2]' });
    expect(parseFrame({ op: 'subscribe', topic: '/a', compression: 'zip' })).toMatchObject({ ok: false, error: expect.stringMatching(/field "compression": got "zip"/) });
  });
});
