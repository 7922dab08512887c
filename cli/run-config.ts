// `embodied run --config FILE`: the control loop's settings in a YAML or JSON file, for a robot
// whose controllers are named otherwise or whose gains are tuned. Every key is optional; a flag
// given on the command line wins over the file. Rates and times take a plain SI number or a string
// with a unit ("1 kHz", "100 ms"). Errors name the file, the field, the value and what was expected.
//
//   rate: 1 kHz                  # loop rate
//   publishRate: 100 Hz          # command publish rate
//   stateRate: 50 Hz             # controller-state / action-feedback rate
//   command: effort              # position | velocity | effort | motor-current
//   effortController: cascade    # cascade | computed-torque
//   estimator: kalman            # kalman | pass-through
//   collision: stop              # off | stop | retreat
//   collisionThreshold: 0.1      # fraction of each effort limit
//   collisionGain: 25            # 1/s
//   wait: atomics                # atomics | timeout | hybrid | spin
//   overrun: skip                # skip | catch-up
//   safety: {stateTimeout: 100 ms, commandTimeout: 100 ms}
//   topics:                      # any wire name of control/WIRE.md, and the forward command topics
//     jointStates: /joint_states
//     position: /my_position_controller/commands
//   gains:                       # initial gains per joint ("*": every joint) and loop, as /embodied/gains takes them
//     "*": {velocity: {kp: 5, ki: 20}}
//     joint2: {position: {kp: 30}}
//   commandJoints: [joint1, joint2, joint3]  # the forward command controllers' `joints`, in their
//                                # order (default: every model joint, model order)
import { readTextFile } from './options.ts';
import { isRecord, parseSettingsFile } from '../sim/settings-file.ts';
import { PID_GAIN_FIELDS, COLLISION_POLICIES, WAIT_STRATEGIES, type PidGains } from '../control/index.ts';
import { COMMAND_INTERFACES, CONTROL_WIRE, ESTIMATORS, type CommandInterface, type ControlClientOptions, type InitialGains } from './control-client.ts';
import { DEFAULT_FORWARD_TOPICS } from '../bridge/adapter-commands.ts';

/** Topic and service names a config may remap: the loop's wire names and the forward command topics. */
export const REMAPPABLE_TOPICS = [...Object.keys(CONTROL_WIRE), ...Object.keys(DEFAULT_FORWARD_TOPICS)] as (keyof typeof CONTROL_WIRE | keyof typeof DEFAULT_FORWARD_TOPICS)[];

/** What a config file sets: the control-client options but the connection (URL, token, compression), the robot and the log. */
export type RunConfig = Omit<Partial<ControlClientOptions>, 'url' | 'token' | 'compression' | 'robot' | 'drive' | 'log'>;

const KEYS = ['rate', 'publishRate', 'stateRate', 'command', 'effortController', 'estimator', 'collision', 'collisionThreshold', 'collisionGain', 'wait', 'overrun', 'safety', 'topics', 'gains', 'commandJoints'] as const;

/** Parses a config's text (YAML, of which JSON is a subset); `file` names it in errors. */
export function parseRunConfig(text: string, file: string): RunConfig {
  const { raw, fail, measure: quantityOf } = parseSettingsFile(text, file, KEYS, 'settings');
  const config: RunConfig = {};
  const measure = (field: string, value: unknown, unit: 'Hz' | 's'): number => {
    const number = quantityOf(field, value, unit);
    if (!(number > 0)) fail(field, value, `a positive ${unit === 'Hz' ? 'rate' : 'time'}`);
    return number;
  };
  const choice = <T extends string>(field: string, value: unknown, choices: readonly T[]): T => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) fail(field, value, `one of ${choices.join(', ')}`);
    return value as T;
  };
  const positive = (field: string, value: unknown): number => {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) fail(field, value, 'a positive number');
    return value as number;
  };
  if (raw.rate !== undefined) config.rate = measure('rate', raw.rate, 'Hz');
  if (raw.publishRate !== undefined) config.publishRate = measure('publishRate', raw.publishRate, 'Hz');
  if (raw.stateRate !== undefined) config.stateRate = measure('stateRate', raw.stateRate, 'Hz');
  if (raw.command !== undefined) config.command = choice<CommandInterface>('command', raw.command, COMMAND_INTERFACES);
  if (raw.effortController !== undefined) config.effortController = choice('effortController', raw.effortController, ['cascade', 'computed-torque'] as const);
  if (raw.estimator !== undefined) config.estimator = choice('estimator', raw.estimator, ESTIMATORS);
  if (raw.collision !== undefined) config.collision = choice('collision', raw.collision, COLLISION_POLICIES);
  if (raw.collisionThreshold !== undefined) config.collisionThreshold = positive('collisionThreshold', raw.collisionThreshold);
  if (raw.collisionGain !== undefined) config.collisionGain = positive('collisionGain', raw.collisionGain);
  if (raw.wait !== undefined) config.wait = choice('wait', raw.wait, WAIT_STRATEGIES);
  if (raw.overrun !== undefined) config.overrun = choice('overrun', raw.overrun, ['skip', 'catch-up'] as const);
  if (raw.safety !== undefined) {
    if (!isRecord(raw.safety)) fail('safety', raw.safety, 'a mapping with stateTimeout and/or commandTimeout');
    const safety = raw.safety as Record<string, unknown>;
    config.safety = {};
    for (const [key, value] of Object.entries(safety)) {
      if (key !== 'stateTimeout' && key !== 'commandTimeout') fail(`safety.${key}`, value, 'no such setting; safety has stateTimeout, commandTimeout');
      config.safety[key as 'stateTimeout' | 'commandTimeout'] = measure(`safety.${key}`, value, 's');
    }
  }
  if (raw.topics !== undefined) {
    if (!isRecord(raw.topics)) fail('topics', raw.topics, `a mapping of names to topics (${REMAPPABLE_TOPICS.join(', ')})`);
    const topics: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.topics as Record<string, unknown>)) {
      if (!(REMAPPABLE_TOPICS as string[]).includes(key)) fail(`topics.${key}`, value, `no such name; the names are ${REMAPPABLE_TOPICS.join(', ')}`);
      // A global ROS name: "/" then tokens of letters, digits and underscores, not starting with a digit.
      if (typeof value !== 'string' || !/^(\/[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) fail(`topics.${key}`, value, 'a global ROS name such as "/arm_controller/commands"');
      topics[key] = value as string;
    }
    config.topics = topics;
  }
  if (raw.gains !== undefined) {
    if (!isRecord(raw.gains)) fail('gains', raw.gains, 'a mapping of joint names (or "*") to loops');
    const all: InitialGains[] = [];
    for (const [joint, loops] of Object.entries(raw.gains as Record<string, unknown>)) {
      if (!isRecord(loops)) fail(`gains.${joint}`, loops, 'a mapping of loops (position, velocity, computed-torque) to gain fields');
      for (const [loop, fields] of Object.entries(loops as Record<string, unknown>)) {
        if (!isRecord(fields)) fail(`gains.${joint}.${loop}`, fields, `a mapping of gain fields (${PID_GAIN_FIELDS.join(', ')}, antiWindup)`);
        const gains: Partial<PidGains> = {};
        for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
          const field = `gains.${joint}.${loop}.${name}`;
          if (name === 'antiWindup') gains.antiWindup = choice(field, value, ['clamping', 'back-calculation'] as const);
          else if ((PID_GAIN_FIELDS as readonly string[]).includes(name)) {
            if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, value, 'a finite number');
            gains[name as (typeof PID_GAIN_FIELDS)[number]] = value as number;
          } else fail(field, value, `no such gain; the fields are ${PID_GAIN_FIELDS.join(', ')}, antiWindup`);
        }
        all.push({ joint, loop, gains });
      }
    }
    config.gains = all;
  }
  if (raw.commandJoints !== undefined) {
    const joints = raw.commandJoints;
    if (!Array.isArray(joints) || joints.length === 0 || !joints.every((j) => typeof j === 'string')) {
      fail('commandJoints', joints, 'a list of joint names: the forward command controllers\' `joints`, in their order');
    }
    config.commandJoints = joints as string[];
  }
  return config;
}

/** Reads and parses a config file. */
export function loadRunConfig(path: string): RunConfig {
  return parseRunConfig(readTextFile(path, '--config'), path);
}
