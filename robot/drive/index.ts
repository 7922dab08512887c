// Public face of robot/drive/: reducer + servo-motor models, firmware, encoders, the @realtime
// drive step, joint <-> motor maps, drive-derived limits and drive files with units.
export * from './drive-set.ts';
export * from './joint-drive.ts';
export * from './reducer.ts';
export * from './friction.ts';
export * from './servo-motor.ts';
export * from './encoder.ts';
export * from './firmware.ts';
export * from './drive-step.ts';
export * from './maps.ts';
export * from './presets.ts';
export * from './units.ts';
export * from './drive-file.ts';
export * from './drive-averaged.ts';
