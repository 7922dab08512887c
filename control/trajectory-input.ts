// Plain typed input of the joint trajectory controller (trajectory_msgs/JointTrajectory and
// control_msgs/FollowJointTrajectory goal semantics), and validation of ROS-shaped JSON into it.
// No bridge import: the bridge/sim code hands the decoded message object (unknown) to the parsers.

/** One waypoint; arrays have one entry per name in `jointNames`. */
export interface TrajectoryPoint {
  positions: ArrayLike<number>;
  velocities?: ArrayLike<number>;
  accelerations?: ArrayLike<number>;
  /** time_from_start (s). */
  timeFromStart: number;
}

/** Tolerance of one joint (control_msgs/JointTolerance; 0 = not checked, as in ROS). */
export interface JointTolerance {
  name: string;
  position: number;
  velocity: number;
  acceleration: number;
}

/** A trajectory for the controller (topic or action goal). */
export interface JointTrajectoryInput {
  jointNames: readonly string[];
  points: readonly TrajectoryPoint[];
  /** Start this long after it is received (s); 0 = at once (header.stamp zero). */
  startDelay?: number;
  pathTolerance?: readonly JointTolerance[];
  goalTolerance?: readonly JointTolerance[];
  /** Goal time tolerance (s); 0 = the controller's default. */
  goalTimeTolerance?: number;
}

/** FollowJointTrajectory result codes (control_msgs/FollowJointTrajectoryResult). */
export const TrajectoryErrorCode = {
  SUCCESSFUL: 0,
  INVALID_GOAL: -1,
  INVALID_JOINTS: -2,
  OLD_HEADER_TIMESTAMP: -3,
  PATH_TOLERANCE_VIOLATED: -4,
  GOAL_TOLERANCE_VIOLATED: -5,
} as const;

function fail(path: string, value: unknown, expected: string): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  throw new Error(`${path} = ${shown}, expected ${expected}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A ROS Duration ({sec,nanosec} or {secs,nsecs}) or a number of seconds, validated. */
export function parseDuration(value: unknown, path: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, value, 'a finite number of seconds');
    return value;
  }
  if (!isRecord(value)) fail(path, value, 'a Duration {sec, nanosec} or {secs, nsecs}');
  const sec = value.sec ?? value.secs;
  const nsec = value.nanosec ?? value.nsecs ?? 0;
  if (typeof sec !== 'number' || !Number.isInteger(sec)) fail(`${path}.sec`, sec, 'an integer');
  if (typeof nsec !== 'number' || !Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) fail(`${path}.nanosec`, nsec, 'an integer in [0, 1e9)');
  return sec + nsec * 1e-9;
}

function numberArray(value: unknown, path: string, optional: boolean): number[] | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    fail(path, value, 'an array of numbers');
  }
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) fail(path, value, 'an array of numbers');
  const list = Array.from(value as ArrayLike<unknown>);
  list.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}]`, x, 'a finite number');
  });
  return list as number[];
}

function tolerances(value: unknown, path: string): JointTolerance[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, value, 'an array of control_msgs/JointTolerance');
  return value.map((t, i) => {
    if (!isRecord(t)) fail(`${path}[${i}]`, t, 'a JointTolerance object');
    if (typeof t.name !== 'string') fail(`${path}[${i}].name`, t.name, 'a joint name');
    const field = (key: string) => {
      const x = t[key] ?? 0;
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}[${i}].${key}`, x, 'a finite number');
      return x;
    };
    return { name: t.name, position: field('position'), velocity: field('velocity'), acceleration: field('acceleration') };
  });
}

/**
 * Validates a trajectory_msgs/JointTrajectory-shaped object (header optional; stamp ignored: the
 * adapter that knows ROS time passes the delay separately). Throws naming the field.
 */
export function parseJointTrajectoryMessage(message: unknown, path = 'trajectory'): JointTrajectoryInput {
  if (!isRecord(message)) fail(path, message, 'a trajectory_msgs/JointTrajectory object');
  const names = message.joint_names;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) fail(`${path}.joint_names`, names, 'an array of strings');
  const points = message.points;
  if (!Array.isArray(points)) fail(`${path}.points`, points, 'an array of JointTrajectoryPoint');
  return {
    jointNames: names as string[],
    points: points.map((p, i) => {
      const at = `${path}.points[${i}]`;
      if (!isRecord(p)) fail(at, p, 'a JointTrajectoryPoint object');
      const velocities = numberArray(p.velocities, `${at}.velocities`, true);
      const accelerations = numberArray(p.accelerations, `${at}.accelerations`, true);
      return {
        positions: numberArray(p.positions, `${at}.positions`, false)!,
        ...(velocities && velocities.length > 0 ? { velocities } : {}),
        ...(accelerations && accelerations.length > 0 ? { accelerations } : {}),
        timeFromStart: parseDuration(p.time_from_start, `${at}.time_from_start`),
      };
    }),
  };
}

/** Validates a control_msgs/FollowJointTrajectory goal-shaped object. Throws naming the field. */
export function parseFollowJointTrajectoryGoal(goal: unknown): JointTrajectoryInput {
  if (!isRecord(goal)) fail('goal', goal, 'a control_msgs/FollowJointTrajectory goal object');
  const trajectory = parseJointTrajectoryMessage(goal.trajectory, 'goal.trajectory');
  const goalTime = goal.goal_time_tolerance === undefined ? 0 : parseDuration(goal.goal_time_tolerance, 'goal.goal_time_tolerance');
  return {
    ...trajectory,
    pathTolerance: tolerances(goal.path_tolerance, 'goal.path_tolerance'),
    goalTolerance: tolerances(goal.goal_tolerance, 'goal.goal_tolerance'),
    goalTimeTolerance: goalTime,
  };
}
