// Preallocated joint arrays the page copies /joint_states (or a controller state) into. Copying
// validates each element from unknown and allocates nothing unless the message's joint name list
// changes (then the name -> index map is rebuilt once).
import { timeToSeconds } from '../../bridge/message-build.ts';

/** Joint values in model order (length nq) plus arrival bookkeeping. */
export interface JointStateStore {
  readonly jointNames: readonly string[];
  readonly position: Float64Array; // rad or m
  readonly velocity: Float64Array; // rad/s or m/s, NaN when never sent
  readonly effort: Float64Array; // N·m or N, NaN when never sent
  /** Message joint slot -> model joint index (-1 for a joint the model lacks); valid for `mappedNames`. */
  map: Int32Array;
  mappedNames: string[];
  /** Number of accepted messages. */
  sequence: number;
  /** performance.now() (ms) when the last message arrived. */
  receivedAt: number;
  /** Header stamp (s) of the last message; NaN when it carried none (or zero). */
  stamp: number;
  /** Rejected messages and the last reason (for the diagnostics panel). */
  rejected: number;
  lastError: string;
}

/** A store for the given model joint names, positions 0 and the rest NaN. */
export function createJointStateStore(jointNames: readonly string[]): JointStateStore {
  const nq = jointNames.length;
  return {
    jointNames,
    position: new Float64Array(nq),
    velocity: new Float64Array(nq).fill(Number.NaN),
    effort: new Float64Array(nq).fill(Number.NaN),
    map: new Int32Array(0),
    mappedNames: [],
    sequence: 0,
    receivedAt: Number.NaN,
    stamp: Number.NaN,
    rejected: 0,
    lastError: '',
  };
}

function reject(store: JointStateStore, reason: string): false {
  store.rejected++;
  store.lastError = reason;
  return false;
}

function numberArray(value: unknown, length: number): boolean {
  if (!Array.isArray(value)) return false;
  if (value.length !== 0 && value.length !== length) return false;
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  return true;
}

function remap(store: JointStateStore, names: readonly unknown[]): boolean {
  const same = store.mappedNames.length === names.length && store.mappedNames.every((n, i) => n === names[i]);
  if (same) return true;
  for (const name of names) if (typeof name !== 'string') return false;
  store.mappedNames = names as string[];
  store.map = Int32Array.from(names as string[], (name) => store.jointNames.indexOf(name));
  return true;
}

function sameNames(store: JointStateStore, names: readonly unknown[]): boolean {
  if (store.mappedNames.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) if (store.mappedNames[i] !== names[i]) return false;
  return true;
}

/**
 * Copies a sensor_msgs/JointState-shaped value (`name`, `position`, `velocity`, `effort`) into the
 * store. Returns false and counts the rejection (with a reason naming the field) when malformed.
 * @realtime after the first message with a given name list.
 */
export function ingestJointState(store: JointStateStore, message: unknown, now: number): boolean {
  if (typeof message !== 'object' || message === null) return reject(store, 'JointState: expected an object');
  const m = message as Record<string, unknown>;
  const names = m.name;
  if (!Array.isArray(names)) return reject(store, 'JointState.name: expected an array of strings');
  const n = names.length;
  if (!numberArray(m.position, n)) return reject(store, `JointState.position: expected ${n} finite numbers`);
  if (m.velocity !== undefined && !numberArray(m.velocity, n)) return reject(store, `JointState.velocity: expected ${n} finite numbers or none`);
  if (m.effort !== undefined && !numberArray(m.effort, n)) return reject(store, `JointState.effort: expected ${n} finite numbers or none`);
  if (!sameNames(store, names) && !remap(store, names)) return reject(store, 'JointState.name: expected strings');
  const position = m.position as number[];
  const velocity = (m.velocity ?? position) as number[];
  const effort = (m.effort ?? position) as number[];
  const map = store.map;
  for (let i = 0; i < n; i++) {
    const k = map[i];
    if (k < 0) continue;
    if (position.length > 0) store.position[k] = position[i];
    if (m.velocity !== undefined && velocity.length > 0) store.velocity[k] = velocity[i];
    if (m.effort !== undefined && effort.length > 0) store.effort[k] = effort[i];
  }
  store.sequence++;
  store.receivedAt = now;
  const header = m.header;
  const stamp = typeof header === 'object' && header !== null ? timeToSeconds((header as Record<string, unknown>).stamp) : Number.NaN;
  store.stamp = stamp > 0 ? stamp : Number.NaN;
  return true;
}

/** One side (reference, feedback or error) of a controller state, in model joint order. */
export interface ControllerStateStore {
  readonly reference: Float64Array;
  readonly feedback: Float64Array;
  readonly error: Float64Array;
  map: Int32Array;
  mappedNames: string[];
  sequence: number;
  receivedAt: number;
  /** Header stamp (s) of the last message, NaN when none. */
  stamp: number;
}

/** A store for control_msgs/JointTrajectoryControllerState positions. */
export function createControllerStateStore(nq: number): ControllerStateStore {
  return {
    reference: new Float64Array(nq).fill(Number.NaN),
    feedback: new Float64Array(nq).fill(Number.NaN),
    error: new Float64Array(nq).fill(Number.NaN),
    map: new Int32Array(0),
    mappedNames: [],
    sequence: 0,
    receivedAt: Number.NaN,
    stamp: Number.NaN,
  };
}

function pointPositions(value: unknown, n: number): number[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const positions = (value as Record<string, unknown>).positions;
  return numberArray(positions, n) && (positions as number[]).length === n ? (positions as number[]) : undefined;
}

/**
 * Copies control_msgs/JointTrajectoryControllerState positions: ROS 2 `reference`/`feedback`/`error`
 * or ROS 1 `desired`/`actual`/`error`. Returns false when malformed.
 */
export function ingestControllerState(store: ControllerStateStore, jointNames: readonly string[], message: unknown, now: number): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  const names = m.joint_names;
  if (!Array.isArray(names)) return false;
  const n = names.length;
  const reference = pointPositions(m.reference ?? m.desired, n);
  const feedback = pointPositions(m.feedback ?? m.actual, n);
  const error = pointPositions(m.error, n);
  if (!reference && !feedback) return false;
  if (store.mappedNames.length !== n || !store.mappedNames.every((name, i) => name === names[i])) {
    if (!names.every((name) => typeof name === 'string')) return false;
    store.mappedNames = names as string[];
    store.map = Int32Array.from(names as string[], (name) => jointNames.indexOf(name));
  }
  for (let i = 0; i < n; i++) {
    const k = store.map[i];
    if (k < 0) continue;
    store.reference[k] = reference ? reference[i] : Number.NaN;
    store.feedback[k] = feedback ? feedback[i] : Number.NaN;
    store.error[k] = error ? error[i] : reference && feedback ? reference[i] - feedback[i] : Number.NaN;
  }
  store.sequence++;
  store.receivedAt = now;
  const header = m.header;
  const stamp = typeof header === 'object' && header !== null ? timeToSeconds((header as Record<string, unknown>).stamp) : Number.NaN;
  store.stamp = stamp > 0 ? stamp : Number.NaN;
  return true;
}
