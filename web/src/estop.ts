// The page's e-stop: a big button and the space bar latch it at once (teleop halted, zeros sent,
// std_msgs/Bool true published on the e-stop topic); only RESET (std_srvs/Trigger) releases it,
// and only when the control loop answers success.
import type { Connection } from './connection.ts';

/** Wire names of the control loop's e-stop (std_msgs/Bool) and reset (std_srvs/Trigger). */
export const ESTOP_TOPIC = '/embodied/estop';
export const RESET_SERVICE = '/embodied/reset';

/** The latch as the page sees it. */
export interface EStop {
  readonly latched: boolean;
  /** Latches (idempotent): halts teleop and publishes the e-stop. */
  trigger(reason: string): void;
  /** Asks the loop to reset; resolves with its message, rejects when it refuses or does not answer. */
  reset(): Promise<string>;
  onChange(listener: (latched: boolean) => void): void;
}

/** Wires the button, the space bar and the reset button. `halt` stops teleop. */
export function createEStop(options: {
  connection: Connection; button: HTMLElement; resetButton: HTMLButtonElement; halt: () => void; report: (text: string, bad: boolean) => void;
}): EStop {
  const { connection } = options;
  const publisher = connection.advertise(ESTOP_TOPIC, 'std_msgs/Bool');
  let latched = false;
  const listeners: ((latched: boolean) => void)[] = [];
  const set = (value: boolean) => {
    latched = value;
    options.button.classList.toggle('latched', value);
    for (const listener of listeners) listener(value);
  };
  const trigger = (reason: string) => {
    options.halt();
    // Publish even when already latched: a fresh press must reach a loop that restarted.
    const sent = publisher.publish({ data: true });
    setTimeout(() => publisher.publish({ data: true }), 50);
    if (!latched) set(true);
    options.report(`E-STOP latched (${reason})${sent ? '' : ' — link down: the message could not be sent; the loop stops on its own watchdog'}`, true);
  };
  options.button.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    trigger('button');
  });
  options.button.addEventListener('click', (event) => event.preventDefault());
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.code !== 'Space') return;
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat) trigger('space bar');
    },
    { capture: true },
  );
  const reset = async () => {
    const values = await connection.call(RESET_SERVICE, 'std_srvs/Trigger', {}, 3000);
    const record = typeof values === 'object' && values !== null ? (values as Record<string, unknown>) : {};
    const message = typeof record.message === 'string' ? record.message : '';
    if (record.success !== true) throw new Error(`reset refused${message ? `: ${message}` : ''}`);
    set(false);
    return message;
  };
  options.resetButton.addEventListener('click', () => {
    reset().then(
      (message) => options.report(`reset: ${message || 'ok'}`, false),
      (error: unknown) => options.report(error instanceof Error ? error.message : String(error), true),
    );
  });
  return {
    get latched() {
      return latched;
    },
    trigger,
    reset,
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
