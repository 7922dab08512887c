// The page's settings from the server's /config.json (or the URL's query), validated from unknown;
// the rosbridge token from the page address's fragment (#token=...), never from the page server: a
// browser does not send the fragment anywhere, so the token is not in the page server's hands, its
// logs or a proxy's, and a page server bound beyond 127.0.0.1 gives it to no one.
import type { Dialect } from '../../bridge/message-build.ts';

/** What the page needs to start: where rosbridge is, an optional robot file, the ROS dialect, the token. */
export interface PageConfig {
  rosbridgeUrl: string;
  /** URL of a URDF to show before /robot_description arrives, or null. */
  robotUrl: string | null;
  dialect: Dialect;
  /** Token for the rosbridge `auth` op (the page and its /joint_states worker send it first), or null. */
  token: string | null;
}

/** sessionStorage key that keeps the token for reloads of the tab (the address loses it, see takePageToken). */
const TOKEN_STORAGE_KEY = 'embodied.rosbridgeToken';

/** The page's address with the rosbridge token in its fragment (as `embodied view` and `start` print it). */
export function pageAddressWithToken(pageUrl: string, token: string | undefined): string {
  return token === undefined ? pageUrl : `${pageUrl.replace(/#.*$/, '')}#token=${encodeURIComponent(token)}`;
}

/**
 * The token of the address's fragment, which is then taken out of the address bar (not bookmarked,
 * shared or shown) and kept in sessionStorage for reloads of this tab; else the one kept; else null.
 */
function takePageToken(): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const given = fragment.get('token');
  if (given === null) {
    try {
      return sessionStorage.getItem(TOKEN_STORAGE_KEY);
    } catch {
      return null; // storage refused (privacy settings): no kept token
    }
  }
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  try {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, given);
  } catch {
    // Not kept: a reload will need the address with the token again.
  }
  return given;
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
  const token = record.token ?? null;
  if (token !== null && (typeof token !== 'string' || token.trim() === '')) {
    throw new Error(`config.token = ${JSON.stringify(token)}, expected a non-empty string or null`);
  }
  return { rosbridgeUrl: url, robotUrl, dialect, token };
}

/** Loads /config.json; `?url=ws://...` in the page address overrides the rosbridge URL, `#token=...` gives the token. */
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
  const token = takePageToken();
  if (token !== null) record.token = token;
  return parsePageConfig(record);
}
