// Public face of perception/: estimators over the robot's own sensors (Node and browser alike).
export * from './joint-state-estimator.ts';
export * from './imu-attitude.ts';
export * from './wrench.ts';
export * from './tf-publisher.ts';
export * from './momentum-observer.ts';
export * from './dual-encoder.ts';
