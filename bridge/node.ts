// The Node-only face of bridge/: the ws server, plus everything browser-safe.
export * from './index.ts';
export { RosbridgeServer, type ServerOptions } from './server.ts';
