// URDF mesh file names -> URLs on the page server, and STL / Collada loading with a per-URL cache.
import * as THREE from 'three';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { ColladaLoader } from 'three/examples/jsm/loaders/ColladaLoader.js';

/**
 * The page-server URL of a URDF mesh name: `package://pkg/path` -> `package/pkg/path`, a relative
 * name -> `robot-dir/<name as one encoded segment>` (so the browser keeps a leading `../`, as in
 * `../meshes/x.stl` from a package's urdf/ folder), http(s) unchanged; undefined for anything else.
 */
export function meshUrl(filename: string): string | undefined {
  const name = filename.trim();
  const pkg = /^package:\/\/([^/]+)\/(.+)$/.exec(name);
  if (pkg) return `package/${encodeURIComponent(pkg[1])}/${pkg[2].split('/').map(encodeURIComponent).join('/')}`;
  if (/^https?:\/\//.test(name)) return name;
  if (/^[a-z]+:/i.test(name) || name.startsWith('/')) return undefined;
  return `robot-dir/${encodeURIComponent(name)}`;
}

const cache = new Map<string, Promise<THREE.Object3D>>();
const stl = new STLLoader();
const collada = new ColladaLoader();

/**
 * Loads a mesh as an Object3D in its file's own frame (Collada's up-axis turn is undone: the URDF
 * places meshes in ROS link frames). STL gets `material`; Collada keeps its own unless `override`.
 * Each call returns a fresh clone sharing geometry.
 */
export async function loadMesh(url: string, material: THREE.Material, override: boolean): Promise<THREE.Object3D> {
  const extension = url.split('?')[0].split('.').pop()?.toLowerCase();
  let pending = cache.get(url);
  if (!pending) {
    if (extension === 'stl') {
      pending = stl.loadAsync(url).then((geometry) => {
        geometry.computeVertexNormals();
        return new THREE.Mesh(geometry);
      });
    } else if (extension === 'dae') {
      pending = collada.loadAsync(url).then((result) => {
        if (!result) throw new Error(`mesh ${url}: not a Collada document`);
        const root = result.scene;
        root.rotation.set(0, 0, 0);
        root.updateMatrix();
        return root;
      });
    } else {
      pending = Promise.reject(new Error(`mesh ${url}: only .stl and .dae are supported`));
    }
    cache.set(url, pending);
  }
  const template = await pending;
  const copy = template.clone(true);
  copy.traverse((node) => {
    const mesh = node as THREE.Mesh;
    if (!mesh.isMesh) return;
    if (extension === 'stl' || override) mesh.material = material;
  });
  return copy;
}
