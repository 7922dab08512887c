// The Sensors tab: IMU attitude (roll, pitch, yaw from the quaternion), rates, acceleration, the
// F/T wrench, and the collision event log. Written at UI rate into fixed cells.
import type { SensorStore } from './sensor-store.ts';

const cells = new Map<string, HTMLElement>();

function cell(container: HTMLElement, key: string): HTMLElement {
  const id = `${container.id}:${key}`;
  let value = cells.get(id);
  if (!value) {
    const label = document.createElement('span');
    label.textContent = key;
    value = document.createElement('span');
    container.append(label, value);
    cells.set(id, value);
  }
  return value;
}

function put(container: HTMLElement, key: string, text: string): void {
  const target = cell(container, key);
  if (target.textContent !== text) target.textContent = text;
}

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** Roll, pitch, yaw (rad, ZYX) of a quaternion x y z w, into out[0..2]. */
export function quaternionToRpy(q: ArrayLike<number>, out: Float64Array): Float64Array {
  const [x, y, z, w] = [q[0], q[1], q[2], q[3]];
  out[0] = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  out[1] = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
  out[2] = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return out;
}

const rpy = new Float64Array(3);
let shownCollisions = -1;

/** Refreshes the Sensors tab from the store and the collision log (newest first). */
export function renderSensorPanel(sensors: SensorStore, collisions: readonly string[]): void {
  const imu = document.getElementById('imu');
  const wrench = document.getElementById('wrench');
  const list = document.getElementById('collisions');
  if (!imu || !wrench || !list) return;
  const deg = 180 / Math.PI;
  const now = performance.now();
  if (sensors.imuSequence === 0) put(imu, 'status', 'no /imu/data');
  else {
    put(imu, 'status', `${f(now - sensors.imuReceivedAt, 0)} ms old`);
    quaternionToRpy(sensors.imuOrientation, rpy);
    put(imu, 'roll / pitch / yaw', `${f(rpy[0] * deg, 1)}° ${f(rpy[1] * deg, 1)}° ${f(rpy[2] * deg, 1)}°`);
    const w = sensors.imuAngularVelocity;
    put(imu, 'ω [rad/s]', `${f(w[0])} ${f(w[1])} ${f(w[2])}`);
    const a = sensors.imuAcceleration;
    put(imu, 'a [m/s²]', `${f(a[0])} ${f(a[1])} ${f(a[2])}`);
    document.getElementById('imu-frame')!.textContent = sensors.imuFrame ? `(${sensors.imuFrame})` : '';
  }
  if (sensors.wrenchSequence === 0) put(wrench, 'status', 'no /ft_sensor/wrench');
  else {
    put(wrench, 'status', `${f(now - sensors.wrenchReceivedAt, 0)} ms old`);
    const F = sensors.force;
    const T = sensors.torque;
    put(wrench, 'F [N]', `${f(F[0])} ${f(F[1])} ${f(F[2])}  |F| ${f(Math.hypot(F[0], F[1], F[2]))}`);
    put(wrench, 'τ [N·m]', `${f(T[0], 3)} ${f(T[1], 3)} ${f(T[2], 3)}`);
    document.getElementById('wrench-frame')!.textContent = sensors.wrenchFrame ? `(${sensors.wrenchFrame})` : '';
  }
  if (collisions.length !== shownCollisions || (collisions.length > 0 && list.firstChild?.textContent !== collisions[0])) {
    shownCollisions = collisions.length;
    list.replaceChildren(...(collisions.length === 0 ? ['none'] : collisions).map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }));
  }
}
