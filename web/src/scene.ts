// The three.js scene: renderer, camera with orbit controls, lights, a floor grid, and `rosRoot`,
// the one place where ROS z-up becomes three.js y-up (a -90° turn about x). Everything from ROS
// (robot, frames, arrows) is added under rosRoot in ROS coordinates.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

/** The viewer's scene objects. */
export interface Viewer {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene: THREE.Scene;
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  /** Parent of everything in ROS coordinates (z up, metres). */
  readonly rosRoot: THREE.Group;
  /**
   * Renders a frame when something changed since the last one: a size or pixel-ratio change, the
   * camera (orbit controls, damping), or `invalidate()`. Returns whether it drew.
   */
  render(): boolean;
  /** Marks the scene changed (pose, overlays, visibility): the next render() draws. */
  invalidate(): void;
  /** True while a change waits for the next render() (the software frame-rate cap deferred it). */
  readonly pending: boolean;
  /** Frames drawn and render() calls skipped (nothing changed, or deferred) so far. */
  readonly drawn: number;
  readonly skipped: number;
  /** Whether WebGL runs on a software rasterizer, and the pixel ratio in use. */
  readonly software: boolean;
  readonly pixelRatio: number;
  /** Points the camera at a box in three.js world coordinates (e.g. Box3.setFromObject(robot)). */
  frame(box: THREE.Box3): void;
}

/** True when WebGL runs on a software rasterizer (SwiftShader, llvmpipe): every pixel costs main-thread time. */
export function softwareRenderer(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return true;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software|basic render/i.test(name);
}

/**
 * Dynamic resolution: lowers the pixel ratio while frames come slower than 30 Hz and raises it back
 * after three seconds above 50 Hz (checked once a second), so a slow GPU or a software rasterizer keeps the page responsive.
 */
function createResolutionGovernor(renderer: THREE.WebGLRenderer, maxRatio: number, minRatio: number) {
  let ratio = maxRatio;
  let windowStart = performance.now();
  let frames = 0;
  let goodWindows = 0;
  return {
    get ratio() {
      return ratio;
    },
    frame(now: number) {
      frames++;
      if (now - windowStart < 1000) return;
      const fps = (frames * 1000) / (now - windowStart);
      windowStart = now;
      frames = 0;
      // Raise only after three good seconds in a row: each change reallocates the canvas, and a
      // frame rate hovering near a threshold would otherwise resize it every second.
      goodWindows = fps > 50 ? goodWindows + 1 : 0;
      const next = fps < 30 ? Math.max(minRatio, ratio * 0.75) : goodWindows >= 3 ? Math.min(maxRatio, ratio * 1.15) : ratio;
      if (goodWindows >= 3) goodWindows = 0;
      if (Math.abs(next - ratio) > 1e-3) {
        ratio = next;
        renderer.setPixelRatio(ratio);
      }
    },
  };
}

/**
 * The floor grid as one quad whose fragment shader draws the lines (anti-aliased by screen-space
 * derivatives): a software rasterizer draws GL lines slowly (ANGLE emulates their rasterization),
 * and in headless Chromium the 82 lines of a GridHelper cost SwiftShader about as much as the robot.
 */
function createShaderGrid(size: number, spacing: number, centerColor: number, lineColor: number): THREE.Mesh {
  const material = new THREE.ShaderMaterial({
    uniforms: THREE.UniformsUtils.merge([
      THREE.UniformsLib.fog,
      { spacing: { value: spacing }, centerColor: { value: new THREE.Color(centerColor) }, lineColor: { value: new THREE.Color(lineColor) } },
    ]),
    vertexShader: `
      varying vec2 vPlane;
      #include <fog_pars_vertex>
      void main() {
        vPlane = position.xz;
        vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
        gl_Position = projectionMatrix * mvPosition;
        #include <fog_vertex>
      }`,
    fragmentShader: `
      uniform float spacing;
      uniform vec3 centerColor;
      uniform vec3 lineColor;
      varying vec2 vPlane;
      #include <fog_pars_fragment>
      void main() {
        vec2 cell = vPlane / spacing;
        vec2 width = fwidth(cell);
        vec2 toLine = abs(fract(cell - 0.5) - 0.5) / width; // pixels to the nearest line
        float line = 1.0 - min(min(toLine.x, toLine.y), 1.0);
        vec2 axis = abs(cell) / width;
        float center = 1.0 - min(min(axis.x, axis.y), 1.0);
        float alpha = max(line, center);
        if (alpha < 0.01) discard;
        gl_FragColor = vec4(center > 0.0 ? centerColor : lineColor, alpha);
        #include <colorspace_fragment>
        #include <fog_fragment>
      }`,
    transparent: true,
    depthWrite: false,
    fog: true,
    side: THREE.DoubleSide,
  });
  const mesh = new THREE.Mesh(new THREE.PlaneGeometry(size, size).rotateX(-Math.PI / 2), material);
  mesh.name = 'grid';
  return mesh;
}

/** Highest pixel ratio used on a software rasterizer. */
export const SOFTWARE_PIXEL_RATIO = 0.5;
/** Highest drawing rate (Hz) on a software rasterizer. */
export const SOFTWARE_MAX_FPS = 30;

/** Creates the viewer inside `container`. */
export function createViewer(container: HTMLElement): Viewer {
  const software = softwareRenderer();
  // No preserveDrawingBuffer: it costs a full-canvas copy per frame (screenshots capture the composited page anyway).
  const renderer = new THREE.WebGLRenderer({ antialias: !software, powerPreference: 'high-performance' });
  renderer.shadowMap.enabled = false;
  const maxRatio = Math.min(window.devicePixelRatio, 2);
  // Under a software rasterizer the compositor reads every drawn frame back synchronously on the
  // main thread (it waits for the whole rasterization): half resolution keeps that wait near 5 ms.
  renderer.setPixelRatio(software ? Math.min(maxRatio, SOFTWARE_PIXEL_RATIO) : maxRatio);
  const governor = createResolutionGovernor(renderer, renderer.getPixelRatio(), 0.35);
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  renderer.setClearColor(0x161b22);
  container.appendChild(renderer.domElement);
  renderer.domElement.dataset.testid = 'viewer-canvas';

  const scene = new THREE.Scene();
  scene.fog = new THREE.Fog(0x161b22, 6, 14);
  const camera = new THREE.PerspectiveCamera(45, 1, 0.01, 100);
  camera.position.set(1.4, 1.1, 1.6);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.set(0, 0.4, 0);
  controls.enableDamping = true;
  let dirty = true;
  let lastDrawAt = -Infinity;
  let drawn = 0;
  let skipped = 0;
  controls.addEventListener('change', () => (dirty = true));

  scene.add(new THREE.HemisphereLight(0xdfe8ff, 0x30343a, 1.4));
  const key = new THREE.DirectionalLight(0xffffff, 2.2);
  key.position.set(2, 4, 3);
  scene.add(key);
  const fill = new THREE.DirectionalLight(0x9fb7ff, 0.6);
  fill.position.set(-3, 2, -2);
  scene.add(fill);

  scene.add(software ? createShaderGrid(4, 0.1, 0x3d4654, 0x262c35) : new THREE.GridHelper(4, 40, 0x3d4654, 0x262c35));

  const rosRoot = new THREE.Group();
  rosRoot.name = 'ros-root';
  rosRoot.rotation.x = -Math.PI / 2; // ROS (x forward, y left, z up) -> three.js (y up)
  scene.add(rosRoot);
  const worldAxes = new THREE.AxesHelper(0.25);
  rosRoot.add(worldAxes);

  let width = 0;
  let height = 0;
  let ratio = renderer.getPixelRatio();
  // Size read from a ResizeObserver, not per frame (clientWidth forces a layout).
  let containerWidth = container.clientWidth;
  let containerHeight = container.clientHeight;
  new ResizeObserver(() => {
    containerWidth = container.clientWidth;
    containerHeight = container.clientHeight;
    dirty = true;
  }).observe(container);
  const render = () => {
    const w = containerWidth;
    const h = containerHeight;
    if (w !== width || h !== height || ratio !== governor.ratio) {
      ratio = governor.ratio;
      width = w;
      height = h;
      renderer.setSize(w, h, false);
      camera.aspect = w / Math.max(1, h);
      camera.updateProjectionMatrix();
      dirty = true;
    }
    // The governor watches the animation-frame rate, drawn or not: an idle page runs at display rate.
    const now = performance.now();
    governor.frame(now);
    if (controls.update()) dirty = true; // damping still moving the camera
    // On a software rasterizer a drawn frame costs the GPU process a core's worth of milliseconds
    // and the main thread a synchronous readback: draw at most SOFTWARE_MAX_FPS (the change waits).
    if (!dirty || (software && now - lastDrawAt < 1000 / SOFTWARE_MAX_FPS - 4)) {
      skipped++;
      return false;
    }
    dirty = false;
    lastDrawAt = now;
    renderer.render(scene, camera);
    drawn++;
    return true;
  };

  const frame = (box: THREE.Box3) => {
    if (box.isEmpty()) return;
    const center = box.getCenter(new THREE.Vector3());
    const size = box.getSize(new THREE.Vector3()).length();
    const distance = Math.max(0.6, size * 1.3);
    controls.target.copy(center);
    camera.position.copy(center).add(new THREE.Vector3(0.75, 0.45, 0.9).normalize().multiplyScalar(distance));
    camera.near = distance / 100;
    camera.far = distance * 50;
    camera.updateProjectionMatrix();
    scene.fog = new THREE.Fog(0x161b22, distance * 3, distance * 8);
    dirty = true;
  };

  return {
    renderer, scene, camera, controls, rosRoot, render, frame, software,
    invalidate() {
      dirty = true;
    },
    get drawn() {
      return drawn;
    },
    get pending() {
      return dirty;
    },
    get skipped() {
      return skipped;
    },
    get pixelRatio() {
      return governor.ratio;
    },
  };
}
