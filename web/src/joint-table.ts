// The joint table: position, velocity, effort, motor current and temperature (when the robot
// reports them in /diagnostics), and where each joint sits in its range. Updated at UI rate; a
// cell's text is written only when it changed.
import type { RobotModel } from '../../robot/model.ts';
import type { JointStateStore } from './joint-state-store.ts';
import { limitLevel } from './robot-view.ts';

/** Motor quantities per joint (NaN when unknown): A and °C. */
export interface MotorReadings {
  readonly current: Float64Array;
  readonly temperature: Float64Array;
}

/** The table; `update()` refreshes it. */
export interface JointTable {
  update(): void;
}

function setText(cell: HTMLElement, text: string): void {
  if (cell.textContent !== text) cell.textContent = text;
}

function format(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Fills `body` with one row per joint. */
export function createJointTable(body: HTMLElement, model: RobotModel, state: JointStateStore, motors: MotorReadings): JointTable {
  const cells: HTMLElement[][] = [];
  const markers: HTMLElement[] = [];
  const rows: HTMLElement[] = [];
  for (let k = 0; k < model.nq; k++) {
    const row = document.createElement('tr');
    row.dataset.joint = model.jointNames[k];
    const line: HTMLElement[] = [];
    for (let c = 0; c < 6; c++) {
      const cell = document.createElement('td');
      row.append(cell);
      line.push(cell);
    }
    line[0].textContent = model.jointNames[k];
    const rangeCell = document.createElement('td');
    const bar = document.createElement('span');
    bar.className = 'range-bar';
    const marker = document.createElement('i');
    bar.append(marker);
    rangeCell.append(bar);
    row.append(rangeCell);
    body.append(row);
    cells.push(line);
    markers.push(marker);
    rows.push(row);
  }
  const toDegrees = 180 / Math.PI;
  return {
    update() {
      for (let k = 0; k < model.nq; k++) {
        const prismatic = model.linkJointType[model.jointLink[k]] === 2;
        const gain = prismatic ? 1 : toDegrees;
        const line = cells[k];
        setText(line[1], format(state.position[k] * gain, prismatic ? 4 : 2));
        setText(line[2], format(state.velocity[k] * gain, prismatic ? 4 : 1));
        setText(line[3], format(state.effort[k], 2));
        setText(line[4], format(motors.current[k], 2));
        setText(line[5], format(motors.temperature[k], 1));
        const lower = model.lowerLimit[k];
        const upper = model.upperLimit[k];
        const fraction = Number.isFinite(lower) && Number.isFinite(upper) && upper > lower ? (state.position[k] - lower) / (upper - lower) : 0.5;
        const left = `${Math.max(0, Math.min(1, fraction)) * 57}px`;
        if (markers[k].style.left !== left) markers[k].style.left = left;
        const level = limitLevel(state.position[k], lower, upper);
        const name = level === 2 ? 'at' : level === 1 ? 'near' : '';
        if (rows[k].className !== name) rows[k].className = name;
      }
    },
  };
}
