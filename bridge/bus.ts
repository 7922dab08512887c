// The publish/subscribe/service/action interface shared by the rosbridge client (over a socket),
// the server's in-process side, and the in-process bus (no socket). Code written against `Bus`
// runs unchanged in one process or across a network. No Node API.
import type { Dialect } from './message-build.ts';

/** Called with each message; the message object is shared and must be treated as read-only. */
export type MessageHandler = (msg: unknown) => void;

/** Options of a subscription (rosbridge `subscribe` fields). */
export interface SubscribeOptions {
  /** Minimum time between two deliveries in ms (0: every message). */
  throttleMs?: number;
  /** Messages kept while throttled or while the link is busy (drop-oldest beyond). */
  queueLength?: number;
  /** Wire encoding the server should use for this subscription. */
  compression?: 'none' | 'cbor' | 'png';
}

/** Options of a publication. */
export interface PublishOptions {
  /** Keep the last message and hand it to every later subscriber. */
  latch?: boolean;
}

/** A live subscription. */
export interface Subscription {
  /** Stops delivery to this handler. */
  unsubscribe(): void;
}

/** A service or action this side serves; `unadvertise` withdraws it. */
export interface Advertisement {
  /** Withdraws the service or action. */
  unadvertise(): void;
}

/** Serves one service request: returns the response values (or a promise); throwing fails the call. */
export type ServiceHandler = (args: unknown) => unknown | Promise<unknown>;

/** action_msgs/GoalStatus codes used on the wire. */
export const GOAL_STATUS = { unknown: 0, accepted: 1, executing: 2, canceling: 3, succeeded: 4, canceled: 5, aborted: 6 } as const;

/** How a goal ended: its GoalStatus code and the result values (or an error text). */
export interface GoalOutcome {
  status: number;
  values: unknown;
}

/** A goal in flight, as the sender sees it. */
export interface GoalHandle {
  /** The goal id on the sender's side. */
  readonly id: string;
  /** Resolves when the goal ends (succeeded, canceled or aborted); never rejects. */
  readonly result: Promise<GoalOutcome>;
  /** Asks the action server to cancel the goal. */
  cancel(): void;
}

/** What an action server's handler gets for each goal. */
export interface GoalContext {
  readonly id: string;
  /** Sends feedback values to the goal's sender. */
  feedback(values: unknown): void;
  /** Ends the goal as succeeded with the result values. */
  succeed(values: unknown): void;
  /** Ends the goal as aborted. */
  abort(values?: unknown): void;
  /** Ends the goal as canceled (after a cancel request). */
  canceled(values?: unknown): void;
  /** Registers what to do when the sender cancels. */
  onCancel(callback: () => void): void;
}

/** Serves one goal of an action. */
export type ActionHandler = (goal: unknown, context: GoalContext) => void;

/** Publish/subscribe/services/actions, over a socket or in process. */
export interface Bus {
  /** Dialect used for type names and time stamps this side builds. */
  readonly dialect: Dialect;
  /** Declares that this side publishes `topic` with `type`. */
  advertise(topic: string, type: string, options?: PublishOptions): void;
  /** Publishes one message (advertising first when needed). */
  publish(topic: string, type: string, msg: unknown, options?: PublishOptions): void;
  /** Delivers every message of `topic` to `handler`. */
  subscribe(topic: string, type: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Calls a service; rejects with the server's message when the call fails. */
  callService(name: string, type: string, args: unknown, timeoutMs?: number): Promise<unknown>;
  /** Serves a service. */
  advertiseService(name: string, type: string, handler: ServiceHandler): Advertisement;
  /** Sends an action goal; `onFeedback` receives feedback values. */
  sendGoal(action: string, type: string, goal: unknown, onFeedback?: (values: unknown) => void): GoalHandle;
  /** Serves an action. */
  advertiseAction(action: string, type: string, handler: ActionHandler): Advertisement;
}
