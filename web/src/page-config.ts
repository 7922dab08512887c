// The page's settings from the server's /config.json (or the URL's query), validated from unknown.
import type { Dialect } from '../../bridge/message-build.ts';

/** What the page needs to start: where rosbridge is, an optional robot file, the ROS dialect. */
export interface PageConfig {
  rosbridgeUrl: string;
  /** URL of a URDF to show before /robot_description arrives, or null. */
  robotUrl: string | null;
  dialect: Dialect;
}

/** Validates a parsed config object; throws naming the field, value and what was expected. */
export function parsePageConfig(value: unknown): PageConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`config: expected an object, got ${value === null ? 'null' : typeof value}`);
  }
  const record = value as Record<string, unknown>;
  const url = record.rosbridgeUrl;
  if (typeof url !== 'string' || !/^wss?:\/\/\S+$/.test(url)) {
    throw new Error(`config.rosbridgeUrl = ${JSON.stringify(url)}, expected a ws:// or wss:// URL`);
  }
  const robotUrl = record.robotUrl ?? null;
  if (robotUrl !== null && typeof robotUrl !== 'string') {
    throw new Error(`config.robotUrl = ${JSON.stringify(robotUrl)}, expected a string or null`);
  }
  const dialect = record.dialect ?? 'ros2';
  if (dialect !== 'ros1' && dialect !== 'ros2') throw new Error(`config.dialect = ${JSON.stringify(dialect)}, expected "ros1" or "ros2"`);
  return { rosbridgeUrl: url, robotUrl, dialect };
}

/** Loads /config.json; `?url=ws://...` in the page address overrides the rosbridge URL. */
export async function loadPageConfig(): Promise<PageConfig> {
  let raw: unknown = {};
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) raw = await response.json();
  } catch {
    // Served without our server (e.g. vite dev): fall back to the query or the default.
  }
  const record = typeof raw === 'object' && raw !== null ? { ...(raw as Record<string, unknown>) } : {};
  const query = new URLSearchParams(location.search).get('url');
  if (query) record.rosbridgeUrl = query;
  if (record.rosbridgeUrl === undefined) record.rosbridgeUrl = `ws://${location.hostname || '127.0.0.1'}:9090`;
  return parsePageConfig(record);
}
