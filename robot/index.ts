// Public face of robot/: the model, its workspace, the algorithms, drives, ports and built-in robots.
export * from './urdf.ts';
export * from './model.ts';
export * from './ports.ts';
export * from './robots/index.ts';
export * from './se3.ts';
export * from './data.ts';
export * from './kinematics.ts';
export * from './dynamics.ts';
export * from './ik.ts';
export * from './random.ts';
