// /tf from joint states: chaining the published transforms must reproduce forward kinematics.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TfPublisher, matrixToQuaternion } from '../../perception/tf-publisher.ts';
import { buildModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics } from '../../robot/kinematics.ts';

const load = (name: string) => buildModel(readFileSync(new URL(`../../robot/robots/${name}.urdf`, import.meta.url), 'utf8'));

/** Rotates v by quaternion (x y z w). */
function rotate(q: number[], v: number[]): number[] {
  const [x, y, z, w] = q;
  const tx = 2 * (y * v[2] - z * v[1]), ty = 2 * (z * v[0] - x * v[2]), tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}
function multiply(a: number[], b: number[]): number[] {
  const [ax, ay, az, aw] = a, [bx, by, bz, bw] = b;
  return [aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz];
}

describe('TfPublisher', () => {
  for (const name of ['ur5e', 'panda', 'servo-arm']) {
    it(`composes to the forward kinematics of every ${name} link`, () => {
      const model = load(name);
      const data = createData(model);
      const tf = new TfPublisher(model);
      const q = Float64Array.from({ length: model.nq }, (_, k) => Math.max(model.lowerLimit[k], Math.min(model.upperLimit[k], 0.3 + 0.4 * Math.sin(k + 1))));
      tf.update(q);
      forwardKinematics(model, data, q);
      const world: { p: number[]; r: number[] }[] = [{ p: [0, 0, 0], r: [0, 0, 0, 1] }];
      const expected = new Float64Array(4);
      for (let i = 1; i < model.nlinks; i++) {
        const parent = world[model.parent[i]];
        const l = Array.from(tf.local.subarray(7 * i, 7 * i + 7));
        const p = rotate(parent.r, l.slice(0, 3)).map((v, k) => v + parent.p[k]);
        const r = multiply(parent.r, l.slice(3));
        world.push({ p, r });
        for (let k = 0; k < 3; k++) expect(p[k]).toBeCloseTo(data.X_WL[12 * i + 9 + k], 10);
        matrixToQuaternion(data.X_WL, 12 * i, expected);
        const dot = Math.abs(r[0] * expected[0] + r[1] * expected[1] + r[2] * expected[2] + r[3] * expected[3]);
        expect(dot).toBeCloseTo(1, 10);
      }
    });
  }

  it('puts fixed joints in /tf_static and moving joints in /tf with the dialect\'s stamp', () => {
    const model = load('ur5e');
    const ros1 = new TfPublisher(model, 'ros1');
    const fixedCount = Array.from(model.linkJointType).slice(1).filter((t) => t === 0).length;
    const staticMessage = ros1.staticMessage(12.5);
    expect(staticMessage.transforms).toHaveLength(fixedCount);
    expect(staticMessage.transforms[0].header.stamp).toEqual({ secs: 12, nsecs: 500_000_000 });
    ros1.update(new Float64Array(model.nq));
    const dynamic = new TfPublisher(model, 'ros2');
    dynamic.update(new Float64Array(model.nq));
    const message = dynamic.dynamicMessage(3.25);
    expect(message.transforms).toHaveLength(model.nq);
    expect(message.transforms[0].header.stamp).toEqual({ sec: 3, nanosec: 250_000_000 });
    expect(message.transforms.map((t) => t.child_frame_id)).toEqual(model.jointNames.map((j) => model.linkNames[model.jointLink[model.jointNames.indexOf(j)]]));
  });
});
