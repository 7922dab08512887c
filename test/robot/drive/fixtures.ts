// Shared fixtures for the drive tests: a one-joint model and drives built from edited JointDrive records.
import { readFileSync } from 'node:fs';
import { buildModel, type RobotModel } from '../../../robot/model.ts';
import { buildDriveSet, defaultJointDrive, noFriction, type JointDrive } from '../../../robot/drive/joint-drive.ts';
import type { DriveSet } from '../../../robot/drive/drive-set.ts';

/** A one-link arm with one revolute joint "j" (and a URDF transmission with the given reduction/offset when asked). */
export function oneJointModel(transmission?: { reduction: number; offset: number; ros1?: boolean }): RobotModel {
  const tx = transmission === undefined ? '' : transmission.ros1
    ? `<transmission name="t"><type>transmission_interface/SimpleTransmission</type>
         <joint name="j"><hardwareInterface>hardware_interface/EffortJointInterface</hardwareInterface></joint>
         <actuator name="m"><mechanicalReduction>${transmission.reduction}</mechanicalReduction></actuator></transmission>`
    : `<transmission name="t"><plugin>transmission_interface/SimpleTransmission</plugin><actuator name="m" role="actuator1"/>
         <joint name="j" role="joint1"><mechanical_reduction>${transmission.reduction}</mechanical_reduction><offset>${transmission.offset}</offset></joint></transmission>`;
  return buildModel(`<?xml version="1.0"?>
<robot name="one">
  <link name="base"/>
  <link name="arm"><inertial><origin xyz="0.1 0 0"/><mass value="1"/><inertia ixx="0.001" ixy="0" ixz="0" iyy="0.001" iyz="0" izz="0.001"/></inertial></link>
  <joint name="j" type="revolute"><parent link="base"/><child link="arm"/><axis xyz="0 0 1"/>
    <limit lower="-3" upper="3" velocity="5" effort="300"/></joint>
  ${tx}
</robot>`);
}

/** An ideal drive (rigid, lossless, no thermal, ideal encoders) edited by `edit`, packed for the one-joint model. */
export function oneJointDrive(edit: (d: JointDrive) => void = () => {}): DriveSet {
  const d = defaultJointDrive();
  d.motor.thermalCapacity = 0;
  d.motorFriction = noFriction();
  d.jointFriction = noFriction();
  edit(d);
  return buildDriveSet(oneJointModel(), [d]);
}

/** Makes the reducer a compliant one with linear stiffness k. */
export function compliant(d: JointDrive, stiffness: number, damping = 0): void {
  d.reducer.rigid = false;
  d.reducer.stiffness = [stiffness, stiffness, stiffness];
  d.reducer.breakTorque = [Infinity, Infinity];
  d.reducer.damping = damping;
}

/** Text of a built-in robot file. */
export function robotFile(name: string): string {
  return readFileSync(new URL(`../../../robot/robots/${name}`, import.meta.url), 'utf8');
}
