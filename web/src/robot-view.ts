// The robot drawn from its model: one three.js group per link whose matrix is set from X_WL (our
// forward kinematics), URDF visuals (box, cylinder, sphere, STL / Collada mesh) with their
// materials, optional TF axes per link, a translucent ghost variant, and limit colouring.
import * as THREE from 'three';
import type { RobotModel } from '../../robot/model.ts';
import type { UrdfGeometry, UrdfPose, UrdfShape } from '../../robot/urdf.ts';
import { loadMesh, meshUrl } from './mesh-loader.ts';

/** Limit colouring levels per joint. */
export const LimitLevel = { normal: 0, near: 1, at: 2 } as const;

/** A drawn robot. */
export interface RobotView {
  /** Group to add under the viewer's rosRoot. */
  readonly root: THREE.Group;
  /** Sets every link's pose from X_WL (12 per link, R row-major then p, base frame). No allocation. */
  setPose(X_WL: Float64Array): void;
  /** Shows or hides the per-link TF axes. */
  showFrames(visible: boolean): void;
  /** Colours the link moved by joint k by its limit level (0 normal, 1 near, 2 at). */
  setLimitLevel(k: number, level: number): void;
  /** Promise that settles once every mesh has loaded (or failed; failures are listed). */
  readonly loaded: Promise<string[]>;
}

const DEFAULT_COLOR = new THREE.Color(0.62, 0.66, 0.72);
const NEAR_EMISSIVE = new THREE.Color(0.55, 0.33, 0.0);
const AT_EMISSIVE = new THREE.Color(0.7, 0.05, 0.02);
const BLACK = new THREE.Color(0, 0, 0);

function poseMatrix(pose: UrdfPose, out: THREE.Matrix4): THREE.Matrix4 {
  const euler = new THREE.Euler(pose.rpy[0], pose.rpy[1], pose.rpy[2], 'ZYX'); // R = Rz·Ry·Rx as URDF
  return out.compose(new THREE.Vector3(...pose.xyz), new THREE.Quaternion().setFromEuler(euler), new THREE.Vector3(1, 1, 1));
}

function primitive(geometry: UrdfGeometry): THREE.BufferGeometry | undefined {
  switch (geometry.type) {
    case 'box':
      return new THREE.BoxGeometry(geometry.size[0], geometry.size[1], geometry.size[2]);
    case 'cylinder':
      // three.js cylinders run along y; URDF cylinders along z.
      return new THREE.CylinderGeometry(geometry.radius, geometry.radius, geometry.length, 40).rotateX(Math.PI / 2);
    case 'sphere':
      return new THREE.SphereGeometry(geometry.radius, 32, 16);
    default:
      return undefined;
  }
}

/** A material with an emissive colour (what limit colouring writes). */
type LitMaterial = THREE.MeshStandardMaterial | THREE.MeshLambertMaterial | THREE.MeshPhongMaterial;

function isLit(material: THREE.Material): material is LitMaterial {
  return (material as Partial<LitMaterial>).emissive instanceof THREE.Color;
}

// `lightweight`: Lambert shading, about a quarter of the fragment cost of the standard (PBR)
// material under a software rasterizer (measured in headless Chromium's SwiftShader).
function makeMaterial(shape: UrdfShape, ghost: boolean, lightweight: boolean): LitMaterial {
  if (ghost) {
    const parameters = { color: 0x4fc3f7, transparent: true, opacity: 0.28, depthWrite: false, emissive: 0x0b3d55 };
    return lightweight ? new THREE.MeshLambertMaterial(parameters) : new THREE.MeshStandardMaterial(parameters);
  }
  const rgba = shape.material?.color;
  const color = rgba ? new THREE.Color().setRGB(rgba[0], rgba[1], rgba[2], THREE.SRGBColorSpace) : DEFAULT_COLOR.clone();
  const opacity = rgba ? rgba[3] : 1;
  if (lightweight) return new THREE.MeshLambertMaterial({ color, transparent: opacity < 1, opacity });
  return new THREE.MeshStandardMaterial({ color, metalness: 0.15, roughness: 0.55, transparent: opacity < 1, opacity });
}

/**
 * Builds the view of `model`; `ghost` draws it translucent without limit colours or frames;
 * `lightweight` uses Lambert shading (for software rasterizers).
 */
export function createRobotView(model: RobotModel, options: { ghost?: boolean; frameSize?: number; lightweight?: boolean } = {}): RobotView {
  const ghost = options.ghost ?? false;
  const lightweight = options.lightweight ?? false;
  const root = new THREE.Group();
  root.name = ghost ? 'robot-ghost' : 'robot';
  const linkGroups: THREE.Group[] = [];
  const linkMaterials: LitMaterial[][] = [];
  const frames: THREE.AxesHelper[] = [];
  const pending: Promise<void>[] = [];
  const failures: string[] = [];
  const linkByName = new Map(model.urdf.links.map((l) => [l.name, l]));
  const scratch = new THREE.Matrix4();

  for (let i = 0; i < model.nlinks; i++) {
    const group = new THREE.Group();
    group.name = model.linkNames[i];
    group.matrixAutoUpdate = false;
    root.add(group);
    linkGroups.push(group);
    const materials: LitMaterial[] = [];
    linkMaterials.push(materials);
    if (!ghost) {
      const axes = new THREE.AxesHelper(options.frameSize ?? 0.08);
      axes.visible = false;
      (axes.material as THREE.Material).depthTest = false;
      axes.renderOrder = 10;
      group.add(axes);
      frames.push(axes);
    }
    const link = linkByName.get(model.linkNames[i]);
    for (const shape of link?.visuals ?? []) {
      const holder = new THREE.Group();
      holder.matrixAutoUpdate = false;
      holder.matrix.copy(poseMatrix(shape.origin, scratch));
      group.add(holder);
      const material = makeMaterial(shape, ghost, lightweight);
      materials.push(material);
      const geometry = primitive(shape.geometry);
      if (geometry) {
        holder.add(new THREE.Mesh(geometry, material));
        continue;
      }
      if (shape.geometry.type !== 'mesh') continue;
      const { filename, scale } = shape.geometry;
      holder.matrix.scale(new THREE.Vector3(scale[0], scale[1], scale[2]));
      const url = meshUrl(filename);
      if (!url) {
        failures.push(`${filename}: not a package://, relative or http(s) name`);
        continue;
      }
      pending.push(
        loadMesh(url, material, ghost || shape.material?.color !== undefined)
          .then((object) => {
            if (!ghost) {
              // Own material copies so that limit colouring touches this link alone.
              object.traverse((node) => {
                const mesh = node as THREE.Mesh;
                if (!mesh.isMesh || mesh.material === material) return;
                const own = (Array.isArray(mesh.material) ? mesh.material : [mesh.material]).map((m) => {
                  const copy = m.clone();
                  if (isLit(copy)) materials.push(copy);
                  return copy;
                });
                mesh.material = Array.isArray(mesh.material) ? own : own[0];
              });
            }
            holder.add(object);
          })
          .catch((error: unknown) => {
            failures.push(`${filename}: ${error instanceof Error ? error.message : String(error)}`);
          }),
      );
    }
  }

  const levels = new Int8Array(model.nq);
  return {
    root,
    setPose(X_WL) {
      for (let i = 0; i < linkGroups.length; i++) {
        const o = 12 * i;
        linkGroups[i].matrix.set(
          X_WL[o], X_WL[o + 1], X_WL[o + 2], X_WL[o + 9],
          X_WL[o + 3], X_WL[o + 4], X_WL[o + 5], X_WL[o + 10],
          X_WL[o + 6], X_WL[o + 7], X_WL[o + 8], X_WL[o + 11],
          0, 0, 0, 1,
        );
        linkGroups[i].matrixWorldNeedsUpdate = true;
      }
    },
    showFrames(visible) {
      for (const axes of frames) axes.visible = visible;
    },
    setLimitLevel(k, level) {
      if (ghost || levels[k] === level) return;
      levels[k] = level;
      const emissive = level === LimitLevel.at ? AT_EMISSIVE : level === LimitLevel.near ? NEAR_EMISSIVE : BLACK;
      for (const material of linkMaterials[model.jointLink[k]]) material.emissive.copy(emissive);
    },
    loaded: Promise.all(pending).then(() => failures),
  };
}

/** Limit level of a joint value: 2 within 1% of the range of a limit (or beyond), 1 within 8%, else 0. */
export function limitLevel(q: number, lower: number, upper: number): number {
  if (!(Number.isFinite(lower) && Number.isFinite(upper)) || upper <= lower) return LimitLevel.normal;
  const margin = Math.min(q - lower, upper - q) / (upper - lower);
  return margin <= 0.01 ? LimitLevel.at : margin <= 0.08 ? LimitLevel.near : LimitLevel.normal;
}
