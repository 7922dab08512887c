// Live gain changes through a plain API: apply a decoded gains update to a cascade controller
// (between ticks; PID.setGains is bumpless).
import type { CascadeController, CascadeLoop } from './joint-controllers.ts';
import type { GainsUpdate } from './wire.ts';

/** Applies a gains update to the named joint's loop; returns '' or an error naming the field and value. */
export function applyGainsUpdate(controller: CascadeController, jointNames: readonly string[], update: GainsUpdate): string {
  const k = jointNames.indexOf(update.joint);
  if (k < 0) return `gains joint = "${update.joint}", expected one of ${jointNames.join(', ')}`;
  if (update.loop !== 'position' && update.loop !== 'velocity') return `gains loop = "${update.loop}", expected position or velocity`;
  try {
    controller.pid(k, update.loop as CascadeLoop).setGains(update.gains);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
