// Teleoperation: joint sliders and jog buttons (control_msgs/JointJog), Cartesian jog from buttons,
// keyboard and the Gamepad API (geometry_msgs/TwistStamped), a deadman, speed scaling. Commands
// stream at 50 Hz while a source is held; the tick after the last release sends zeros (three
// times, in case one is lost). Everything published is clamped in command-limits.ts.
import type { RobotModel } from '../../robot/model.ts';
import type { Dialect } from '../../bridge/message-build.ts';
import type { Connection, Publisher } from './connection.ts';
import type { JointStateStore } from './joint-state-store.ts';
import { buildJointJog, buildTwist, clampTarget, jogLimits, speedScale } from './command-limits.ts';

/** Topic names of the jog streams (MoveIt Servo's). */
export const JOINT_JOG_TOPIC = '/servo_node/delta_joint_cmds';
export const TWIST_JOG_TOPIC = '/servo_node/delta_twist_cmds';
/** Command stream rate (Hz). */
export const JOG_RATE = 50;
/** Proportional gain (1/s) turning a slider's position error into a jog velocity. */
const SLIDER_GAIN = 3;
const SLIDER_TOLERANCE = 0.002;
const GAMEPAD_DEADZONE = 0.15;

const KEY_AXES: Record<string, [number, number]> = {
  KeyW: [0, 1], KeyS: [0, -1], KeyA: [1, 1], KeyD: [1, -1], KeyR: [2, 1], KeyF: [2, -1], KeyQ: [5, 1], KeyE: [5, -1],
};

/** The teleop controller the page drives. */
export interface Teleop {
  /** Target joint positions from the sliders (NaN where none), model order. */
  readonly target: Float64Array;
  /** True while something is commanding motion. */
  readonly moving: boolean;
  /** Releases every source, clears the targets and sends zeros now (used by the e-stop). */
  halt(): void;
  /** Blocks or allows commands (e-stop latched, link down). */
  setEnabled(enabled: boolean): void;
  /** Refreshes slider positions from the state (call at UI rate). */
  refresh(): void;
  /** Stops the timers and listeners. */
  dispose(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

/** Hold-to-act: calls `change(true)` on press and `change(false)` on any kind of release. */
function holdButton(button: HTMLElement, change: (held: boolean) => void): void {
  let held = false;
  const release = () => {
    if (!held) return;
    held = false;
    button.classList.remove('pressed');
    change(false);
  };
  button.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    held = true;
    button.setPointerCapture(event.pointerId);
    button.classList.add('pressed');
    change(true);
  });
  button.addEventListener('pointerup', release);
  button.addEventListener('pointercancel', release);
  button.addEventListener('lostpointercapture', release);
  button.addEventListener('contextmenu', (event) => event.preventDefault());
}

/** Builds the teleop controls into the page and starts the 50 Hz command stream. */
export function createTeleop(options: {
  model: RobotModel; connection: Connection; dialect: Dialect; state: JointStateStore;
  jointContainer: HTMLElement; cartesianContainer: HTMLElement; deadmanButton: HTMLElement;
  speedInput: HTMLInputElement; speedLabel: HTMLElement; gamepadLabel: HTMLElement; frameLabel: HTMLElement;
}): Teleop {
  const { model, connection, dialect, state } = options;
  const nq = model.nq;
  const limits = jogLimits(model.velocityLimit);
  const jointPublisher: Publisher = connection.advertise(JOINT_JOG_TOPIC, 'control_msgs/JointJog');
  const twistPublisher: Publisher = connection.advertise(TWIST_JOG_TOPIC, 'geometry_msgs/TwistStamped');
  const twistFrame = model.linkNames[0];
  options.frameLabel.textContent = `(${twistFrame})`;

  const jointButtons = new Int8Array(nq);
  const cartesianButtons = new Float64Array(6);
  const keys = new Set<string>();
  const target = new Float64Array(nq).fill(Number.NaN);
  const velocity = new Float64Array(nq);
  const linear = new Float64Array(3);
  const angular = new Float64Array(3);
  let sliderHeld = false;
  let deadmanButton = false;
  let deadmanKey = false;
  let enabled = true;
  let jointZeros = 0;
  let twistZeros = 0;
  let moving = false;
  let scale = speedScale(options.speedInput.value);

  options.speedInput.addEventListener('input', () => {
    scale = speedScale(options.speedInput.value);
    options.speedLabel.textContent = `${Math.round(scale * 100)} %`;
  });
  holdButton(options.deadmanButton, (held) => (deadmanButton = held));

  // Joint rows: name, −, slider, +, value.
  const sliders: HTMLInputElement[] = [];
  const values: HTMLElement[] = [];
  for (let k = 0; k < nq; k++) {
    const lower = Number.isFinite(model.softLowerLimit[k]) ? model.softLowerLimit[k] : -Math.PI;
    const upper = Number.isFinite(model.softUpperLimit[k]) ? model.softUpperLimit[k] : Math.PI;
    const name = el('span', { class: 'name', title: model.jointNames[k] }, model.jointNames[k]);
    const minus = el('button', { 'data-testid': `jog-minus-${k}`, title: 'hold to jog negative' }, '−');
    const plus = el('button', { 'data-testid': `jog-plus-${k}`, title: 'hold to jog positive' }, '+');
    const slider = el('input', { type: 'range', min: String(lower), max: String(upper), step: '0.001', value: '0', 'data-testid': `slider-${k}` });
    const value = el('span', { class: 'value' }, '0.0°');
    holdButton(minus, (held) => (jointButtons[k] = held ? -1 : 0));
    holdButton(plus, (held) => (jointButtons[k] = held ? 1 : 0));
    slider.addEventListener('input', () => {
      const clamped = clampTarget(slider.value, lower, upper);
      if (clamped !== undefined) target[k] = clamped;
    });
    slider.addEventListener('pointerdown', () => (sliderHeld = true));
    const releaseSlider = () => (sliderHeld = false);
    slider.addEventListener('pointerup', releaseSlider);
    slider.addEventListener('pointercancel', releaseSlider);
    options.jointContainer.append(name, minus, slider, plus, value);
    sliders.push(slider);
    values.push(value);
  }
  const sync = el('button', { 'data-testid': 'clear-targets', title: 'drop slider targets (sliders follow the robot)' }, 'clear targets');
  sync.addEventListener('click', () => target.fill(Number.NaN));
  options.jointContainer.append(el('span'), el('span'), sync);

  // Cartesian buttons: +/- per axis.
  const labels = ['x', 'y', 'z', 'rx', 'ry', 'rz'];
  for (const sign of [1, -1]) {
    for (let axis = 0; axis < 6; axis++) {
      const button = el('button', { 'data-testid': `cart-${sign > 0 ? 'plus' : 'minus'}-${labels[axis]}`, title: `hold to jog ${sign > 0 ? '+' : '−'}${labels[axis]}` }, `${sign > 0 ? '+' : '−'}${labels[axis]}`);
      holdButton(button, (held) => (cartesianButtons[axis] = held ? sign : 0));
      options.cartesianContainer.append(button);
    }
  }

  const typing = (target: EventTarget | null) => target instanceof HTMLInputElement && (target.type === 'number' || target.type === 'text');
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Shift') deadmanKey = true;
    if (typing(event.target) || !(event.code in KEY_AXES)) return;
    keys.add(event.code);
    event.preventDefault();
  };
  const onKeyUp = (event: KeyboardEvent) => {
    if (event.key === 'Shift') deadmanKey = false;
    keys.delete(event.code);
  };
  const releaseAll = () => {
    keys.clear();
    jointButtons.fill(0);
    cartesianButtons.fill(0);
    sliderHeld = deadmanButton = deadmanKey = false;
  };
  const onVisibility = () => {
    if (document.hidden) releaseAll();
  };
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', releaseAll);
  document.addEventListener('visibilitychange', onVisibility);

  let gamepadName = '';
  const readGamepad = (): boolean => {
    const pads = typeof navigator.getGamepads === 'function' ? navigator.getGamepads() : [];
    const pad = pads.find((p) => p && p.connected) ?? null;
    const name = pad ? pad.id : '';
    if (name !== gamepadName) {
      gamepadName = name;
      options.gamepadLabel.textContent = pad ? `gamepad: ${pad.id} (hold LB to move)` : 'no gamepad';
    }
    if (!pad || !pad.buttons[4]?.pressed) return false;
    const axis = (i: number) => {
      const a = pad.axes[i] ?? 0;
      return Number.isFinite(a) && Math.abs(a) > GAMEPAD_DEADZONE ? a : 0;
    };
    linear[0] += -axis(1);
    linear[1] += -axis(0);
    linear[2] += -axis(3);
    angular[2] += -axis(2);
    return true;
  };

  const send = () => {
    const now = Date.now() / 1000;
    // Joint space.
    let jointActive = false;
    const followTargets = sliderHeld || deadmanButton || deadmanKey;
    for (let k = 0; k < nq; k++) {
      let v = jointButtons[k] * limits.jointVelocity[k];
      if (v === 0 && followTargets && Number.isFinite(target[k])) {
        const error = target[k] - state.position[k];
        v = Math.abs(error) > SLIDER_TOLERANCE ? SLIDER_GAIN * error : 0;
      }
      velocity[k] = v;
      if (v !== 0) jointActive = true;
    }
    // Cartesian: buttons + keys + gamepad.
    linear.fill(0);
    angular.fill(0);
    for (let axis = 0; axis < 6; axis++) {
      const value = cartesianButtons[axis];
      if (axis < 3) linear[axis] += value;
      else angular[axis - 3] += value;
    }
    for (const code of keys) {
      const [axis, sign] = KEY_AXES[code];
      if (axis < 3) linear[axis] += sign;
      else angular[axis - 3] += sign;
    }
    readGamepad();
    for (let i = 0; i < 3; i++) {
      linear[i] = Math.max(-1, Math.min(1, linear[i])) * limits.linear;
      angular[i] = Math.max(-1, Math.min(1, angular[i])) * limits.angular;
    }
    const twistActive = linear.some((x) => x !== 0) || angular.some((x) => x !== 0);
    moving = enabled && (jointActive || twistActive);
    if (!enabled) return;

    if (jointActive) {
      jointPublisher.publish(buildJointJog(model.jointNames, velocity, limits, scale, dialect, now));
      jointZeros = 3;
    } else if (jointZeros > 0 && jointPublisher.publish(buildJointJog(model.jointNames, velocity.fill(0), limits, scale, dialect, now))) {
      jointZeros--;
    }
    if (twistActive) {
      twistPublisher.publish(buildTwist(linear, angular, limits, scale, dialect, now, twistFrame));
      twistZeros = 3;
    } else if (twistZeros > 0 && twistPublisher.publish(buildTwist(linear.fill(0), angular.fill(0), limits, scale, dialect, now, twistFrame))) {
      twistZeros--;
    }
  };
  const timer = setInterval(send, 1000 / JOG_RATE);

  const sendZerosNow = () => {
    const now = Date.now() / 1000;
    jointPublisher.publish(buildJointJog(model.jointNames, velocity.fill(0), limits, 0, dialect, now));
    twistPublisher.publish(buildTwist(linear.fill(0), angular.fill(0), limits, 0, dialect, now, twistFrame));
  };

  return {
    target,
    get moving() {
      return moving;
    },
    halt() {
      releaseAll();
      target.fill(Number.NaN);
      sendZerosNow();
      jointZeros = twistZeros = 3;
    },
    setEnabled(value) {
      if (enabled && !value) {
        releaseAll();
        sendZerosNow();
      }
      enabled = value;
      for (const button of options.jointContainer.querySelectorAll('button')) (button as HTMLButtonElement).disabled = !value;
      for (const button of options.cartesianContainer.querySelectorAll('button')) (button as HTMLButtonElement).disabled = !value;
      (options.deadmanButton as HTMLButtonElement).disabled = !value;
    },
    refresh() {
      for (let k = 0; k < nq; k++) {
        const q = state.position[k];
        // Only what changed: a DOM write costs style and layout work on the main thread.
        const text = `${((q * 180) / Math.PI).toFixed(1)}°`;
        if (values[k].textContent !== text) values[k].textContent = text;
        const value = String(q);
        if (!Number.isFinite(target[k]) && document.activeElement !== sliders[k] && sliders[k].value !== value) sliders[k].value = value;
      }
    },
    dispose() {
      clearInterval(timer);
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', releaseAll);
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
