// The page server: serves the Vite-built page from dist/web (building it first when it is missing or
// older than its sources), a /config.json telling the page where rosbridge is, the robot file when
// one was given, and mesh files behind `package://` and relative URDF mesh names.
//
// Routes: GET /config.json, GET /robot.urdf (with robotFile), GET /package/<pkg>/<path>,
// GET /robot-dir/<path> (relative to the robot file), everything else from dist/web.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, delimiter, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Folder the built page lives in. */
export const WEB_DIST_DIR = join(repoRoot, 'dist', 'web');
const SOURCE_DIRS = ['web', 'robot', 'perception', 'bridge'].map((d) => join(repoRoot, d));
const STAMP_FILE = '.build-fingerprint';

/** Options of the page server. */
export interface WebServerOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** rosbridge WebSocket URL the page connects to, e.g. ws://127.0.0.1:9090. */
  rosbridgeUrl: string;
  /** A URDF file to show instead of (or before) /robot_description; its folder resolves relative mesh names. */
  robotFile?: string;
  /** ROS dialect of the peer: time and type spelling of what the page publishes (default ros2). */
  dialect?: 'ros1' | 'ros2';
  /** Extra folders searched for `package://NAME/...` (each holding NAME/ or being NAME). */
  packagePaths?: string[];
  /** Log line sink (default: none). */
  log?: (line: string) => void;
  /** Send COOP/COEP so the page may share memory with its /joint_states worker (default true). */
  crossOriginIsolation?: boolean;
}

/** A running page server. */
export interface WebServer {
  /** http://host:port/ */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.stl': 'model/stl',
  '.dae': 'model/vnd.collada+xml',
  '.urdf': 'application/xml',
  '.xml': 'application/xml',
  '.obj': 'text/plain',
  '.tga': 'image/x-tga',
};

function collectSources(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) collectSources(full, out);
    else if (/\.(ts|html|css|json)$/.test(entry.name)) out.push(full);
  }
}

/** A hash over the page's sources (names, sizes, modification times): changes whenever a rebuild is due. */
export function webSourceFingerprint(): string {
  const files: string[] = [];
  for (const dir of SOURCE_DIRS) collectSources(dir, files);
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const s = statSync(file);
    hash.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function builtFingerprint(): string | undefined {
  const stamp = join(WEB_DIST_DIR, STAMP_FILE);
  return existsSync(stamp) && existsSync(join(WEB_DIST_DIR, 'index.html')) ? readFileSync(stamp, 'utf8').trim() : undefined;
}

let buildInFlight: Promise<void> | undefined;

/**
 * Builds the page into dist/web with Vite unless the build there matches the sources. Builds into a
 * temporary folder and renames it, so a concurrent server never serves half a build.
 */
export async function ensureWebBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  if (buildInFlight) return buildInFlight;
  const fingerprint = webSourceFingerprint();
  if (!options.force && builtFingerprint() === fingerprint) return;
  buildInFlight = (async () => {
    const started = performance.now();
    options.log?.('building the web page with vite...');
    const temporary = join(repoRoot, 'dist', `.web-build-${process.pid}-${Date.now()}`);
    mkdirSync(dirname(temporary), { recursive: true });
    const { build } = await import('vite');
    await build({ configFile: join(repoRoot, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: temporary, emptyOutDir: true } });
    writeFileSync(join(temporary, STAMP_FILE), fingerprint);
    for (let attempt = 0; ; attempt++) {
      try {
        rmSync(WEB_DIST_DIR, { recursive: true, force: true });
        renameSync(temporary, WEB_DIST_DIR);
        break;
      } catch (error) {
        // Another process finished the same build between our rm and rename: keep theirs if it matches.
        if (builtFingerprint() === fingerprint || attempt >= 5) {
          rmSync(temporary, { recursive: true, force: true });
          if (builtFingerprint() !== fingerprint) throw error;
          break;
        }
      }
    }
    options.log?.(`web page built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  })().finally(() => {
    buildInFlight = undefined;
  });
  return buildInFlight;
}

/** `path` when it lies inside `root` (after resolving `..`), else undefined. */
function inside(root: string, relative: string): string | undefined {
  const full = resolve(root, relative);
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

function packageXmlName(dir: string): string | undefined {
  const file = join(dir, 'package.xml');
  if (!existsSync(file)) return undefined;
  const match = /<name>\s*([^<\s]+)\s*<\/name>/.exec(readFileSync(file, 'utf8'));
  return match?.[1];
}

/** The nearest ancestor of `dir` (itself included, up to 6 levels) holding a package.xml, else `dir`. */
function packageRootOf(dir: string): string {
  let current = dir;
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(join(current, 'package.xml'))) return current;
    const up = dirname(current);
    if (up === current) break;
    current = up;
  }
  return dir;
}

/** Folder of ROS package `name`: searched in the given paths, ROS_PACKAGE_PATH, AMENT_PREFIX_PATH/share, the robot file's ancestors and robot/robots. */
export function findPackage(name: string, options: { robotFile?: string; packagePaths?: string[] } = {}): string | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') return undefined;
  const roots: string[] = [...(options.packagePaths ?? [])];
  for (const variable of ['ROS_PACKAGE_PATH']) for (const p of (process.env[variable] ?? '').split(delimiter)) if (p) roots.push(p);
  for (const p of (process.env.AMENT_PREFIX_PATH ?? '').split(delimiter)) if (p) roots.push(join(p, 'share'));
  if (options.robotFile) {
    let dir = dirname(resolve(options.robotFile));
    for (let depth = 0; depth < 6; depth++) {
      if (basename(dir) === name || packageXmlName(dir) === name) return dir;
      roots.push(dir);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  roots.push(join(repoRoot, 'robot', 'robots'));
  for (const root of roots) {
    const candidate = join(resolve(root), name);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (basename(resolve(root)) === name && existsSync(root)) return resolve(root);
  }
  return undefined;
}

function send(response: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', cache = 'no-cache'): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': cache, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function sendFile(response: ServerResponse, file: string | undefined, cache = 'no-cache'): Promise<void> {
  if (!file || !existsSync(file) || !statSync(file).isFile()) return send(response, 404, 'not found\n');
  const body = await readFile(file);
  send(response, 200, body, CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', cache);
}

/** Validates the options; throws naming the field, value and what was expected. */
function checkOptions(options: WebServerOptions): void {
  if (typeof options.rosbridgeUrl !== 'string' || !/^wss?:\/\/[^\s]+$/.test(options.rosbridgeUrl)) {
    throw new Error(`web server: rosbridgeUrl = ${JSON.stringify(options.rosbridgeUrl)}, expected ws://HOST:PORT or wss://...`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new Error(`web server: port = ${options.port}, expected an integer 0..65535`);
  }
  if (options.robotFile !== undefined && !existsSync(options.robotFile)) {
    throw new Error(`web server: robotFile = ${JSON.stringify(options.robotFile)} does not exist`);
  }
  if (options.dialect !== undefined && options.dialect !== 'ros1' && options.dialect !== 'ros2') {
    throw new Error(`web server: dialect = ${JSON.stringify(options.dialect)}, expected "ros1" or "ros2"`);
  }
}

/** Starts the page server (building the page first if needed) and resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  await ensureWebBuilt({ log: options.log });
  const robotFile = options.robotFile ? resolve(options.robotFile) : undefined;
  const robotDir = robotFile ? dirname(robotFile) : undefined;
  // Relative mesh names may climb out of the URDF's folder (urdf/../meshes) but not out of its ROS
  // package (the nearest ancestor with a package.xml), or of its own folder when it has none.
  const robotRoot = robotDir ? packageRootOf(robotDir) : undefined;
  const config = JSON.stringify({
    rosbridgeUrl: options.rosbridgeUrl,
    robotUrl: robotFile ? 'robot.urdf' : null,
    dialect: options.dialect ?? 'ros2',
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Cross-origin isolation: the page's /joint_states worker shares its sample ring with the main
    // thread through a SharedArrayBuffer (web/src/joint-stream.ts), which needs both headers.
    if (options.crossOriginIsolation !== false) {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'credentialless');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'only GET\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    } catch {
      return send(response, 400, 'bad URL\n');
    }
    if (path.includes('\0')) return send(response, 400, 'bad URL\n');
    if (path === '/config.json') return send(response, 200, config, 'application/json');
    if (path === '/robot.urdf') return robotFile ? sendFile(response, robotFile) : send(response, 404, 'no robot file given\n');
    if (path.startsWith('/package/')) {
      const [, , name, ...rest] = path.split('/');
      const root = findPackage(name ?? '', { robotFile, packagePaths: options.packagePaths });
      return sendFile(response, root ? inside(root, rest.join('/')) : undefined, 'max-age=3600');
    }
    if (path.startsWith('/robot-dir/')) {
      const full = robotDir && robotRoot ? resolve(robotDir, path.slice('/robot-dir/'.length)) : undefined;
      return sendFile(response, full && robotRoot ? inside(robotRoot, relative(robotRoot, full)) : undefined, 'max-age=3600');
    }
    const file = inside(WEB_DIST_DIR, path === '/' ? 'index.html' : path.slice(1));
    const cache = path.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache';
    if (file && existsSync(file) && statSync(file).isFile()) return sendFile(response, file, cache);
    return sendFile(response, join(WEB_DIST_DIR, 'index.html'));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`web server: ${String(error)}`);
      if (!response.headersSent) send(response, 500, 'internal error\n');
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}
