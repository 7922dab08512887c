// The simulator's service requests read into values, or refused with a reason naming the field, the
// value and what was expected: ur_msgs/SetPayload (/sim/set_payload) and our embodied_msgs/SetFault
// (/sim/fault/inject). A left-out field takes its default, as ROS fills it; null on the wire stands
// for NaN or infinity and is refused where a finite number is wanted. Pure: sim/endpoint.ts acts.
import type { Payload } from './payload.ts';

/** The faults /sim/fault/inject knows. */
export const SIM_FAULTS = ['delay', 'overheat', 'dropout'] as const;

/** The fields of a request as a record ({} when it is not an object). */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
/** A request field, or its default when left out (as ROS fills it); null stays: it is a NaN on the wire. */
export function field(request: Record<string, unknown>, name: string, fallback: unknown): unknown {
  return request[name] === undefined ? fallback : request[name];
}
/** A finite number, else undefined (null on the wire stands for NaN and ±Inf). */
function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
/** The payload a ur_msgs/SetPayload request asks for (null: none, mass 0), or why it is refused. Missing fields are 0, as ROS fills them. */
export function payloadOf(args: unknown): Payload | null | string {
  const request = fieldsOf(args);
  const mass = finite(field(request, 'mass', 0));
  if (mass === undefined || mass < 0) return `field mass = ${JSON.stringify(request.mass)}: expected a finite mass in kg, >= 0 (0 removes the payload)`;
  const cog = fieldsOf(request.center_of_gravity);
  const com: number[] = [];
  for (const axis of ['x', 'y', 'z']) {
    const x = finite(field(cog, axis, 0));
    if (x === undefined) return `field center_of_gravity.${axis} = ${JSON.stringify(cog[axis])}: expected a finite number (m, tip frame)`;
    com.push(x);
  }
  return mass > 0 ? { mass, com } : null;
}

/** A SetFault request that can be applied: the joints are names of the robot, the value is in range. */
export interface FaultRequest {
  fault: (typeof SIM_FAULTS)[number];
  joints: string[];
  value: number;
}

/**
 * An embodied_msgs/SetFault request read against the robot's joint `names` (`drives`: whether it has
 * motor windings to overheat), or why it is refused.
 */
export function parseFaultRequest(args: unknown, names: readonly string[], drives: boolean): FaultRequest | string {
  const request = fieldsOf(args);
  const fault = field(request, 'fault', '');
  const joints = field(request, 'joints', []);
  const value = finite(field(request, 'value', 0));
  if (typeof fault !== 'string' || !(SIM_FAULTS as readonly string[]).includes(fault)) return `field fault = ${JSON.stringify(fault)}: expected "delay", "overheat" or "dropout"`;
  if (!Array.isArray(joints) || !joints.every((j) => typeof j === 'string')) return `field joints = ${JSON.stringify(joints)}: expected an array of joint names`;
  if (value === undefined) return `field value = ${JSON.stringify(request.value)}: expected a finite number (null on the wire stands for NaN or infinity)`;
  if (fault !== 'overheat' && joints.length > 0) return `field joints = ${JSON.stringify(joints)}: ${fault} acts on the whole robot, expected []`;
  if (fault === 'delay' && !(value >= 0 && value <= 1)) return `field value = ${value}: expected a one-way delay in s, 0 to 1 (0 clears)`;
  if (fault === 'dropout' && value !== 0 && value !== 1) return `field value = ${value}: expected 1 (every sensor stops delivering) or 0 (sensors deliver again)`;
  if (fault === 'overheat') {
    if (!drives) return 'overheat: this robot runs without drives (ideal actuators), there is no motor winding to heat';
    if (!(value >= 0)) return `field value = ${value}: expected extra winding heat in W, >= 0 (0 clears)`;
    for (let i = 0; i < joints.length; i++) {
      if (!names.includes(joints[i] as string)) return `field joints[${i}] = ${JSON.stringify(joints[i])}: expected one of ${names.join(', ')} ([] for every joint)`;
    }
  }
  return { fault: fault as FaultRequest['fault'], joints: joints as string[], value };
}
