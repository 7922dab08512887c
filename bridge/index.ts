// The browser-safe face of bridge/: protocol, schemas, codecs, hub (in-process bus), client, adapters.
export * from './protocol.ts';
export { ValidationError } from './check.ts';
export * from './message-schema.ts';
export { validateMessage, validateAgainst, type ValidateOptions } from './message-validate.ts';
export * from './message-build.ts';
export * from './bus.ts';
export { BridgeHub, type HubOptions } from './hub.ts';
export { encodePngFrame, decodePngData } from './codec-png.ts';
export { encodeCborPublish, encodeCborFrame, toCborValue } from './codec-cbor.ts';
export { splitIntoFragments, FragmentAssembler, type FragmentOutcome } from './fragments.ts';
export { Session, type Transport, type SessionLimits } from './hub-session.ts';
export { RosbridgeClient, type ClientOptions } from './client.ts';
export { TopicStats } from './topic-stats.ts';
export { JointStateReader, ImuReader, WrenchReader, SimClockReader } from './adapter-state.ts';
export { ForwardCommandWriter, TrajectoryCommandWriter, DEFAULT_FORWARD_TOPICS, type ForwardTopics, type WriteStatus } from './adapter-commands.ts';
export { fastCborTransportFactory } from './cbor-transport.ts';
