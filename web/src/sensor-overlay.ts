// Sensor drawing in the 3D view: the IMU orientation as a triad and the F/T wrench as a force
// arrow and a torque arrow, placed at the link named by each message's frame_id (else the tip).
// Updated from the sensor store once per frame; no allocation per update.
import * as THREE from 'three';
import type { RobotModel } from '../../robot/model.ts';
import type { SensorStore } from './sensor-store.ts';

/** Overlay objects; `update(X_WL)` places them. */
export interface SensorOverlay {
  readonly root: THREE.Group;
  update(X_WL: Float64Array): void;
  setWrenchVisible(visible: boolean): void;
}

/** Newtons per metre of arrow, and N·m per metre. */
const FORCE_SCALE = 0.01;
const TORQUE_SCALE = 0.1;

/** Creates the overlay for `model`, fed from `sensors`. */
export function createSensorOverlay(model: RobotModel, sensors: SensorStore): SensorOverlay {
  const root = new THREE.Group();
  root.name = 'sensors';
  const imu = new THREE.AxesHelper(0.12);
  imu.visible = false;
  imu.matrixAutoUpdate = false;
  const forceArrow = new THREE.ArrowHelper(new THREE.Vector3(0, 0, 1), new THREE.Vector3(), 0.1, 0xff5252, 0.03, 0.02);
  const torqueArrow = new THREE.ArrowHelper(new THREE.Vector3(0, 0, 1), new THREE.Vector3(), 0.1, 0xb388ff, 0.03, 0.02);
  forceArrow.visible = torqueArrow.visible = false;
  root.add(imu, forceArrow, torqueArrow);
  let wrenchVisible = true;
  const linkOf = (frame: string) => {
    const index = model.linkNames.indexOf(frame);
    return index >= 0 ? index : model.tip;
  };
  let imuFrame = '';
  let imuLink = model.tip;
  let wrenchFrame = '';
  let wrenchLink = model.tip;
  const link = new THREE.Matrix4();
  const rotation = new THREE.Matrix4();
  const quaternion = new THREE.Quaternion();
  const direction = new THREE.Vector3();
  const origin = new THREE.Vector3();
  const linkRotation = new THREE.Matrix3();

  const setLink = (X: Float64Array, i: number) => {
    const o = 12 * i;
    link.set(X[o], X[o + 1], X[o + 2], X[o + 9], X[o + 3], X[o + 4], X[o + 5], X[o + 10], X[o + 6], X[o + 7], X[o + 8], X[o + 11], 0, 0, 0, 1);
  };
  const placeArrow = (arrow: THREE.ArrowHelper, x: number, y: number, z: number, scale: number) => {
    direction.set(x, y, z).applyMatrix3(linkRotation);
    const length = direction.length() * scale;
    if (length < 1e-4) {
      arrow.visible = false;
      return;
    }
    arrow.visible = wrenchVisible;
    arrow.position.copy(origin);
    arrow.setDirection(direction.normalize());
    arrow.setLength(Math.min(length, 1), Math.min(0.04, length * 0.3), Math.min(0.025, length * 0.2));
  };

  return {
    root,
    setWrenchVisible(visible) {
      wrenchVisible = visible;
      if (!visible) forceArrow.visible = torqueArrow.visible = false;
    },
    update(X_WL) {
      if (sensors.imuSequence > 0) {
        if (sensors.imuFrame !== imuFrame) {
          imuFrame = sensors.imuFrame;
          imuLink = linkOf(imuFrame);
        }
        // The IMU reports its attitude in a world frame: draw it at the sensor's position.
        setLink(X_WL, imuLink);
        const q = sensors.imuOrientation;
        quaternion.set(q[0], q[1], q[2], q[3]);
        rotation.makeRotationFromQuaternion(quaternion);
        rotation.copyPosition(link);
        imu.matrix.copy(rotation);
        imu.matrixWorldNeedsUpdate = true;
        imu.visible = true;
      }
      if (sensors.wrenchSequence > 0) {
        if (sensors.wrenchFrame !== wrenchFrame) {
          wrenchFrame = sensors.wrenchFrame;
          wrenchLink = linkOf(wrenchFrame);
        }
        setLink(X_WL, wrenchLink);
        linkRotation.setFromMatrix4(link);
        origin.setFromMatrixPosition(link);
        placeArrow(forceArrow, sensors.force[0], sensors.force[1], sensors.force[2], FORCE_SCALE);
        placeArrow(torqueArrow, sensors.torque[0], sensors.torque[1], sensors.torque[2], TORQUE_SCALE);
      }
    },
  };
}
