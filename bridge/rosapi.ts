// The rosapi services roslib's `Ros.get*`, `Param` and `Action` call, answered from the hub's
// own state: topics, types, services, nodes, parameters, message details, time, ROS version.
import type { BridgeHub } from './hub.ts';
import { makeTime } from './message-build.ts';
import { canonicalTypeName, dialectTypeName, serviceSchema, typeDefs } from './message-schema.ts';
import { absoluteName } from './protocol.ts';

type Handler = (args: Record<string, unknown>) => unknown;

/**
 * The distro our get_ros_version reports: this server's identity for clients. RosbridgeClient's
 * 'auto' compression picks CBOR on it alone (it encodes every type, string[] included).
 */
export const SERVER_DISTRO = 'embodied';

/** Node names the hub reports for itself. */
export const BRIDGE_NODES = ['/rosbridge_websocket', '/rosapi'] as const;

function text(args: Record<string, unknown>, key: string): string {
  const value = args[key];
  if (typeof value !== 'string') throw new Error(`field "${key}": expected a string, got ${value === undefined ? 'nothing' : typeof value}`);
  return value;
}

/** Service types as rosapi names them: get_ros_version -> rosapi/GetROSVersion (ROS 1), rosapi_msgs/srv/GetROSVersion (ROS 2). */
export function rosapiServiceType(service: string, dialect: 'ros1' | 'ros2'): string {
  const special: Record<string, string> = { get_ros_version: 'GetROSVersion', action_servers: 'GetActionServers' };
  const camel = special[service] ?? service.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  return dialect === 'ros1' ? `rosapi/${camel}` : `rosapi_msgs/srv/${camel}`;
}

/** Registers every rosapi service on the hub (as in-process services). */
export function registerRosapi(hub: BridgeHub): void {
  const owner = { node: '/rosapi' };
  const spell = (type: string, kind: 'msg' | 'srv' = 'msg') => (type.includes('/') ? dialectTypeName(type, hub.dialect, kind) : type);
  const topicTypes = () => hub.topics.list().filter((t) => !t.name.startsWith('/rosapi'));
  const services = () => [...hub.calls.services.keys()];
  const handlers: Record<string, Handler> = {
    topics: () => {
      const list = topicTypes();
      return { topics: list.map((t) => t.name), types: list.map((t) => (t.type ? spell(t.type) : '')) };
    },
    topics_for_type: (a) => {
      const wanted = canonicalTypeName(text(a, 'type'));
      return { topics: topicTypes().filter((t) => t.type && canonicalTypeName(t.type) === wanted).map((t) => t.name) };
    },
    topic_type: (a) => {
      const entry = hub.topics.find(absoluteName(text(a, 'topic')));
      return { type: entry?.type ? spell(entry.type) : '' };
    },
    topics_and_raw_types: () => {
      const list = topicTypes();
      return { topics: list.map((t) => t.name), types: list.map((t) => (t.type ? spell(t.type) : '')), typedefs_full_text: list.map(() => '') };
    },
    publishers: (a) => ({ publishers: [...(hub.topics.find(absoluteName(text(a, 'topic')))?.publishers.values() ?? [])].map((p) => p.node) }),
    subscribers: (a) => ({ subscribers: [...new Set(hub.topics.find(absoluteName(text(a, 'topic')))?.subscriberNodes.values() ?? [])] }),
    services: () => ({ services: services() }),
    services_for_type: (a) => {
      const wanted = canonicalTypeName(text(a, 'type'));
      return { services: [...hub.calls.services].filter(([, s]) => canonicalTypeName(s.type) === wanted).map(([n]) => n) };
    },
    service_type: (a) => {
      const entry = hub.calls.services.get(absoluteName(text(a, 'service')));
      return { type: entry ? spell(entry.type, 'srv') : '' };
    },
    service_request_details: (a) => {
      const s = serviceSchema(text(a, 'type'));
      return { typedefs: s ? typeDefs(s.request.name, hub.dialect) : [] };
    },
    service_response_details: (a) => {
      const s = serviceSchema(text(a, 'type'));
      return { typedefs: s ? typeDefs(s.response.name, hub.dialect) : [] };
    },
    message_details: (a) => ({ typedefs: typeDefs(text(a, 'type'), hub.dialect) }),
    nodes: () => {
      // The bridge's own nodes and every client node that publishes or subscribes (as publishers/subscribers report them).
      const nodes = new Set<string>(BRIDGE_NODES);
      for (const { name } of hub.topics.list()) {
        const entry = hub.topics.find(name)!;
        for (const p of entry.publishers.values()) nodes.add(p.node);
        for (const node of entry.subscriberNodes.values()) nodes.add(node);
      }
      return { nodes: [...nodes] };
    },
    node_details: (a) => {
      const node = text(a, 'node');
      const publishing: string[] = [];
      const subscribing: string[] = [];
      for (const { name } of hub.topics.list()) {
        const entry = hub.topics.find(name)!;
        if ([...entry.publishers.values()].some((p) => p.node === node)) publishing.push(name);
        if ([...entry.subscriberNodes.values()].includes(node)) subscribing.push(name);
      }
      return { subscribing, publishing, services: node === '/rosapi' ? services().filter((s) => s.startsWith('/rosapi/')) : [] };
    },
    action_servers: () => ({ action_servers: [...hub.calls.actions.keys()] }),
    get_param: (a) => {
      const name = text(a, 'name');
      if (hub.params.has(name)) return { value: JSON.stringify(hub.params.get(name)), successful: true, reason: '' };
      const fallback = typeof a.default === 'string' && a.default !== '' ? a.default : undefined;
      if (fallback !== undefined) return { value: fallback, successful: true, reason: '' };
      return { value: '', successful: false, reason: `parameter ${name} does not exist` };
    },
    set_param: (a) => {
      const name = text(a, 'name');
      let value: unknown;
      try {
        value = JSON.parse(text(a, 'value'));
      } catch {
        return { successful: false, reason: `set_param ${name}: value is not JSON text` };
      }
      hub.params.set(name, value);
      return { successful: true, reason: '' };
    },
    has_param: (a) => ({ exists: hub.params.has(text(a, 'name')) }),
    delete_param: (a) => {
      const name = text(a, 'name');
      const existed = hub.params.delete(name);
      return { successful: existed, reason: existed ? '' : `parameter ${name} does not exist` };
    },
    get_param_names: () => ({ names: [...hub.params.keys()] }),
    search_param: (a) => {
      const name = text(a, 'name');
      return { global_name: [...hub.params.keys()].find((k) => k === name || k.endsWith(`/${name}`)) ?? '' };
    },
    get_time: () => ({ time: makeTime(hub.now(), hub.dialect) }),
    get_ros_version: () => ({ version: hub.dialect === 'ros1' ? 1 : 2, distro: SERVER_DISTRO }),
  };
  for (const [name, handler] of Object.entries(handlers)) {
    const service = `/rosapi/${name}`;
    hub.calls.addService(service, rosapiServiceType(name, hub.dialect), owner, (_id, args, reply) => {
      try {
        const record = typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
        reply(true, handler(record));
      } catch (error) {
        reply(false, `${service}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
}
