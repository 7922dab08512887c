// The link between the simulated hardware and the stack's control loop inside a scenario run:
// state ports copied one way, command ports the other, each through a delay line (a ring of
// snapshots at the loop rate), so communication delay is a disturbance like any other.
import type { CommandMode, RobotPorts } from '../../robot/ports.ts';

const MODES: readonly CommandMode[] = ['none', 'position', 'velocity', 'effort'];

/** A delay line for joint state and commands, `capacity` loop ticks deep. */
export class PortsLink {
  private readonly state: Float64Array;
  private readonly stateMeta: Float64Array; // stamp, sequence per slot
  private readonly command: Float64Array;
  private readonly commandMode: Int8Array;
  private stateHead = -1;
  private stateFilled = 0;
  private commandHead = -1;
  private commandFilled = 0;

  constructor(private readonly nq: number, private readonly capacity: number) {
    this.state = new Float64Array(capacity * 5 * nq);
    this.stateMeta = new Float64Array(capacity * 2);
    this.command = new Float64Array(capacity * 3 * nq);
    this.commandMode = new Int8Array(capacity);
  }

  /** Records this tick's hardware state (once per loop tick, before `deliverState`). @realtime */
  pushState(hardware: RobotPorts): void {
    this.stateHead = (this.stateHead + 1) % this.capacity;
    this.stateFilled = Math.min(this.stateFilled + 1, this.capacity);
    const n = this.nq, s = this.stateHead * 5 * n;
    const st = hardware.state;
    this.state.set(st.position, s);
    this.state.set(st.velocity, s + n);
    this.state.set(st.effort, s + 2 * n);
    this.state.set(st.motorCurrent, s + 3 * n);
    this.state.set(st.motorTemperature, s + 4 * n);
    this.stateMeta[2 * this.stateHead] = st.stamp;
    this.stateMeta[2 * this.stateHead + 1] = st.sequence;
  }

  /** Records this tick's stack command (once per loop tick, after the pipeline, before `deliverCommand`). @realtime */
  pushCommand(stack: RobotPorts): void {
    this.commandHead = (this.commandHead + 1) % this.capacity;
    this.commandFilled = Math.min(this.commandFilled + 1, this.capacity);
    const n = this.nq, c = this.commandHead * 3 * n;
    const cmd = stack.command;
    this.command.set(cmd.position, c);
    this.command.set(cmd.velocity, c + n);
    this.command.set(cmd.effort, c + 2 * n);
    this.commandMode[this.commandHead] = MODES.indexOf(cmd.mode);
  }

  /** Index of the snapshot `delay` ticks old (clamped to what is recorded). */
  private static slot(head: number, filled: number, capacity: number, delay: number): number {
    const back = Math.min(delay, filled - 1);
    return (head - back + capacity) % capacity;
  }

  /** Writes the state `delay` ticks old into the stack's state ports. @realtime */
  deliverState(stack: RobotPorts, delay: number, now: number): void {
    const i = PortsLink.slot(this.stateHead, this.stateFilled, this.capacity, delay), n = this.nq, s = i * 5 * n;
    const sequence = this.stateMeta[2 * i + 1];
    const st = stack.state;
    if (sequence === st.sequence) return;
    for (let k = 0; k < n; k++) {
      st.position[k] = this.state[s + k];
      st.velocity[k] = this.state[s + n + k];
      st.effort[k] = this.state[s + 2 * n + k];
      st.motorCurrent[k] = this.state[s + 3 * n + k];
      st.motorTemperature[k] = this.state[s + 4 * n + k];
      st.valid[k] = 1;
    }
    st.stamp = this.stateMeta[2 * i];
    st.received = now;
    st.sequence = sequence;
  }

  /** Writes the stack command `delay` ticks old into `hardware.command` (for applyCommandPorts). @realtime */
  deliverCommand(hardware: RobotPorts, delay: number): void {
    const i = PortsLink.slot(this.commandHead, this.commandFilled, this.capacity, delay), n = this.nq, c = i * 3 * n;
    const cmd = hardware.command;
    for (let k = 0; k < n; k++) {
      cmd.position[k] = this.command[c + k];
      cmd.velocity[k] = this.command[c + n + k];
      cmd.effort[k] = this.command[c + 2 * n + k];
    }
    cmd.mode = MODES[this.commandMode[i]] ?? 'none';
  }
}
