// Service and action routing: who serves what, calls and goals in flight under fresh ids, and
// their replies matched back by id. Providers are in-process handlers or client sessions.
import { GOAL_STATUS } from './bus.ts';
import { actionSchema, serviceSchema } from './message-schema.ts';
import { validateAgainst } from './message-validate.ts';

/** Answers a call: `result` false means failure and `values` then holds the reason. */
export type Reply = (result: boolean, values: unknown) => void;

/** Runs a call with the hub's fresh id; the provider later answers through `reply`. */
export type ServiceRunner = (id: string, args: unknown, reply: Reply) => void;

/** An action server as the hub drives it. */
export interface ActionRunner {
  start(id: string, goal: unknown, type: string): void;
  cancel(id: string): void;
}

interface ServiceEntry { type: string; owner: object; run: ServiceRunner }
interface ActionEntry { type: string; owner: object; runner: ActionRunner }
interface PendingCall { owner: object; reply: Reply; timer: ReturnType<typeof setTimeout> | undefined }
/**
 * The end of a goal: its GoalStatus and result values (or an error text). `reached` is false when
 * the goal never reached an action server (unknown action, invalid goal): rosbridge_server then
 * answers `result:false`, status unknown, instead of a result.
 */
export type GoalResultHandler = (status: number, values: unknown, reached: boolean) => void;

interface Goal {
  action: string;
  owner: object;
  onFeedback: (values: unknown) => void;
  onResult: GoalResultHandler;
}

/** Services and actions of a hub. */
export class HubCalls {
  /** Services by absolute name. */
  readonly services = new Map<string, ServiceEntry>();
  /** Actions by absolute name. */
  readonly actions = new Map<string, ActionEntry>();
  private readonly pending = new Map<string, PendingCall>();
  private readonly goals = new Map<string, Goal>();
  private counter = 0;

  constructor(
    private readonly defaultTimeoutMs: number,
    private readonly allowUnknownTypes: boolean,
  ) {}

  /** A new id, unique within this hub. */
  freshId(prefix: string): string {
    return `${prefix}:${++this.counter}`;
  }

  /** Registers a service; returns an error text when the name is taken or the type unknown. */
  addService(name: string, type: string, owner: object, run: ServiceRunner): string | null {
    const existing = this.services.get(name);
    if (existing && existing.owner !== owner) return `service ${name} is already advertised`;
    if (!type.startsWith('rosapi') && !serviceSchema(type) && !this.allowUnknownTypes) return `unknown service type "${type}"`;
    this.services.set(name, { type, owner, run });
    return null;
  }

  /** Withdraws a service if `owner` holds it; calls in flight to it fail. */
  removeService(name: string, owner: object): boolean {
    const entry = this.services.get(name);
    if (!entry || entry.owner !== owner) return false;
    this.services.delete(name);
    for (const [id, call] of this.pending) if (call.owner === owner) this.complete(id, owner, false, `service ${name} was unadvertised`);
    return true;
  }

  /** Calls `name`; `reply` runs exactly once (answer, failure, or timeout). */
  invoke(name: string, args: unknown, timeoutMs: number, reply: Reply): void {
    const entry = this.services.get(name);
    if (!entry) {
      reply(false, `Service ${name} does not exist`);
      return;
    }
    const schema = serviceSchema(entry.type);
    if (schema) {
      const error = validateAgainst(schema.request, args);
      if (error) {
        reply(false, `call_service ${name}: ${error}`);
        return;
      }
    }
    const id = this.freshId(`call_service:${name}`);
    const limit = timeoutMs > 0 ? timeoutMs : this.defaultTimeoutMs;
    const timer = setTimeout(() => this.complete(id, entry.owner, false, `service ${name} did not answer within ${limit} ms`), limit);
    this.pending.set(id, { owner: entry.owner, reply, timer });
    try {
      entry.run(id, args, (result, values) => this.complete(id, entry.owner, result, values));
    } catch (error) {
      this.complete(id, entry.owner, false, error instanceof Error ? error.message : String(error));
    }
  }

  /** Delivers the answer to call `id`; ignored unless `owner` is the provider it went to. */
  complete(id: string, owner: object, result: boolean, values: unknown): boolean {
    const call = this.pending.get(id);
    if (!call || call.owner !== owner) return false;
    this.pending.delete(id);
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.reply(result, values);
    return true;
  }

  /** Registers an action server. */
  addAction(name: string, type: string, owner: object, runner: ActionRunner): string | null {
    const existing = this.actions.get(name);
    if (existing && existing.owner !== owner) return `action ${name} is already advertised`;
    if (!actionSchema(type) && !this.allowUnknownTypes) return `unknown action type "${type}"`;
    this.actions.set(name, { type, owner, runner });
    return null;
  }

  /** Withdraws an action server; its goals end aborted. */
  removeAction(name: string, owner: object): boolean {
    const entry = this.actions.get(name);
    if (!entry || entry.owner !== owner) return false;
    this.actions.delete(name);
    for (const [id, goal] of this.goals) if (goal.owner === owner) this.goalResult(id, owner, GOAL_STATUS.aborted, `action ${name} was unadvertised`);
    return true;
  }

  /** Starts a goal; returns its hub id. Unknown actions and invalid goals end at once, aborted. */
  sendGoal(name: string, type: string, goal: unknown, onFeedback: (values: unknown) => void, onResult: GoalResultHandler): string {
    const id = this.freshId(`send_action_goal:${name}`);
    const entry = this.actions.get(name);
    if (!entry) {
      queueMicrotask(() => onResult(GOAL_STATUS.aborted, `Action ${name} does not exist`, false));
      return id;
    }
    const schema = actionSchema(entry.type);
    const error = schema ? validateAgainst(schema.goal, goal) : null;
    if (error) {
      queueMicrotask(() => onResult(GOAL_STATUS.aborted, `send_action_goal ${name}: ${error}`, false));
      return id;
    }
    this.goals.set(id, { action: name, owner: entry.owner, onFeedback, onResult });
    try {
      entry.runner.start(id, goal, type || entry.type);
    } catch (e) {
      this.goalResult(id, entry.owner, GOAL_STATUS.aborted, e instanceof Error ? e.message : String(e));
    }
    return id;
  }

  /** Asks the goal's server to cancel it. */
  cancelGoal(id: string): boolean {
    const goal = this.goals.get(id);
    if (!goal) return false;
    this.actions.get(goal.action)?.runner.cancel(id);
    return true;
  }

  /** Cancels every goal of an action (the `<action>/_action/cancel_goal` service). */
  cancelAll(name: string): number {
    let n = 0;
    for (const [id, goal] of this.goals) if (goal.action === name && this.cancelGoal(id)) n++;
    return n;
  }

  /** Feedback from the goal's server. */
  goalFeedback(id: string, owner: object, values: unknown): boolean {
    const goal = this.goals.get(id);
    if (!goal || goal.owner !== owner) return false;
    goal.onFeedback(values);
    return true;
  }

  /** The action type `owner` serves goal `id` with, while the goal runs. */
  goalType(id: string, owner: object): string | undefined {
    const goal = this.goals.get(id);
    return goal && goal.owner === owner ? this.actions.get(goal.action)?.type : undefined;
  }

  /** The end of a goal, from its server. */
  goalResult(id: string, owner: object, status: number, values: unknown): boolean {
    const goal = this.goals.get(id);
    if (!goal || goal.owner !== owner) return false;
    this.goals.delete(id);
    goal.onResult(status, values, true);
    return true;
  }

  /** Withdraws everything `owner` serves. */
  dropOwner(owner: object): void {
    for (const [name, entry] of [...this.services]) if (entry.owner === owner) this.removeService(name, owner);
    for (const [name, entry] of [...this.actions]) if (entry.owner === owner) this.removeAction(name, owner);
  }
}
