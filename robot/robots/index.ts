// Built-in robots: URDF files written from published facts, and their drive files (no Node API).
//
// The files are located with `new URL(..., import.meta.url)`, which works in Node (file: URLs) and in
// a Vite-built page (asset URLs); reading them is the caller's job (sim/load-robot.ts in Node, fetch in
// the browser).

/** Names of the built-in robots; `servo-arm` is the embedded default. */
export const BUILTIN_ROBOTS = Object.freeze(['servo-arm', 'ur5e', 'panda'] as const);

/** One built-in robot's name. */
export type BuiltinRobotName = (typeof BUILTIN_ROBOTS)[number];

/** The robot used when none is named. */
export const DEFAULT_ROBOT: BuiltinRobotName = 'servo-arm';

/** The URDF and the drive file (`<name>.drive.yaml`, which may not exist yet) of a built-in robot. */
export interface BuiltinRobotFiles {
  urdf: URL;
  drive: URL;
}

/** True when `name` is a built-in robot's name. */
export function isBuiltinRobot(name: string): name is BuiltinRobotName {
  return (BUILTIN_ROBOTS as readonly string[]).includes(name);
}

/** Locations of a built-in robot's files; throws naming the robot and the choices when unknown. */
export function builtinRobotFiles(name: string): BuiltinRobotFiles {
  // Literal URLs, one per robot, so that bundlers see and copy each file.
  switch (name) {
    case 'servo-arm':
      return { urdf: new URL('./servo-arm.urdf', import.meta.url), drive: new URL('./servo-arm.drive.yaml', import.meta.url) };
    case 'ur5e':
      return { urdf: new URL('./ur5e.urdf', import.meta.url), drive: new URL('./ur5e.drive.yaml', import.meta.url) };
    case 'panda':
      return { urdf: new URL('./panda.urdf', import.meta.url), drive: new URL('./panda.drive.yaml', import.meta.url) };
    default:
      throw new Error(`no built-in robot named "${name}" (built-in robots: ${BUILTIN_ROBOTS.join(', ')})`);
  }
}
