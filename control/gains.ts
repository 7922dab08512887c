// Live gain changes through a plain API: apply a decoded gains update to the running controller
// (between ticks). Cascade: loops 'position' and 'velocity', any PID field (PID.setGains is
// bumpless). Computed torque: loop 'computed-torque', fields kp (1/s²) and kd (1/s).
import { CascadeController, type CascadeLoop } from './joint-controllers.ts';
import { ComputedTorqueController } from './model-based.ts';
import type { Controller } from './context.ts';
import type { GainsUpdate } from './wire.ts';

/** Applies a gains update to the named joint of a cascade or computed-torque controller; returns '' or an error naming the field and value. */
export function applyGainsUpdate(controller: Controller, jointNames: readonly string[], update: GainsUpdate): string {
  const k = jointNames.indexOf(update.joint);
  if (k < 0) return `gains joint = "${update.joint}", expected one of ${jointNames.join(', ')}`;
  if (controller instanceof CascadeController) {
    if (update.loop !== 'position' && update.loop !== 'velocity') return `gains loop = "${update.loop}", expected position or velocity for the ${controller.name} controller`;
    try {
      controller.pid(k, update.loop as CascadeLoop).setGains(update.gains);
      return '';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  if (controller instanceof ComputedTorqueController) {
    if (update.loop !== 'computed-torque') return `gains loop = "${update.loop}", expected computed-torque for the ${controller.name} controller`;
    for (const [field, value] of Object.entries(update.gains)) {
      if (field !== 'kp' && field !== 'kd') return `gains field ${field} is not a computed-torque gain (kp, kd)`;
      if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) return `gains ${field} = ${String(value)}, expected a finite number >= 0`;
    }
    if (update.gains.kp !== undefined) controller.kp[k] = update.gains.kp;
    if (update.gains.kd !== undefined) controller.kd[k] = update.gains.kd;
    return '';
  }
  return `the ${controller.name} controller has no live gains (run a cascade or computed-torque controller)`;
}
