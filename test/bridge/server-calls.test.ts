// Services, ROS 2 actions, rosapi and parameters through the server, with roslib as client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Action, Param, Service, Topic, type Ros } from 'roslib';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { connectRos, rawClient, sleep, startServer, waitFor } from './helpers.ts';

let server: RosbridgeServer;
const clients: Ros[] = [];
async function client(): Promise<Ros> {
  const ros = await connectRos(server.url);
  clients.push(ros);
  return ros;
}
function call(ros: Ros, name: string, type: string, args: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => new Service({ ros, name, serviceType: type }).callService(args as never, resolve, (e) => reject(new Error(String(e)))));
}

beforeAll(async () => {
  server = await startServer({ serviceTimeoutMs: 500 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

/** Serves AddTwoInts (the tutorials' service) under `name` with `serviceType`'s spelling. */
function serveAddTwoInts(ros: Ros, name: string, serviceType: string): Promise<void> {
  return new Service({ ros, name, serviceType }).advertise((req, res) => {
    const { a, b } = req as { a: number; b: number };
    Object.assign(res, { sum: a + b });
    return true;
  });
}

describe('services', () => {
  it('serves the tutorials\' example_interfaces/AddTwoInts between two roslib clients, and refuses an unknown service type', async () => {
    const provider = await client();
    const caller = await client();
    await serveAddTwoInts(provider, '/add_two_ints', 'example_interfaces/AddTwoInts');
    await sleep(30);
    expect(await call(caller, '/add_two_ints', 'example_interfaces/AddTwoInts', { a: 2, b: 40 })).toEqual({ sum: 42 });
    // A request that does not match the type is refused, naming the field.
    await expect(call(caller, '/add_two_ints', 'example_interfaces/AddTwoInts', { a: 'two', b: 40 })).rejects.toThrow(/"a"/);
  });

  it('forwards a call to the client that advertised the service and returns its answer by id', async () => {
    const provider = await client();
    const caller = await client();
    const seen: unknown[] = [];
    await new Service({ ros: provider, name: '/enable', serviceType: 'std_srvs/SetBool' }).advertise((req, res) => {
      seen.push(req);
      Object.assign(res, { success: true, message: `enabled=${String((req as { data: boolean }).data)}` });
      return true;
    });
    await sleep(30);
    const answers = await Promise.all([call(caller, '/enable', 'std_srvs/SetBool', { data: true }), call(caller, '/enable', 'std_srvs/SetBool', { data: false })]);
    expect(answers).toEqual([{ success: true, message: 'enabled=true' }, { success: true, message: 'enabled=false' }]);
    expect(seen).toEqual([{ data: true }, { data: false }]);
  });

  it('answers unknown services with result false and a message', async () => {
    const caller = await client();
    await expect(call(caller, '/nope', 'std_srvs/Trigger', {})).rejects.toThrow(/\/nope does not exist/);
  });

  it('serves in-process services and rejects requests that do not match the type', async () => {
    server.advertiseService('/reset', 'std_srvs/Trigger', () => ({ success: true, message: 'reset' }));
    const caller = await client();
    await expect(call(caller, '/reset', 'std_srvs/Trigger', {})).resolves.toEqual({ success: true, message: 'reset' });
    server.advertiseService('/set', 'std_srvs/SetBool', () => ({ success: true, message: '' }));
    await expect(call(caller, '/set', 'std_srvs/SetBool', { data: 'yes' })).rejects.toThrow(/field "data": got "yes", expected a boolean/);
  });

  it('fails a call whose provider never answers after the timeout', async () => {
    const provider = await client();
    await new Service({ ros: provider, name: '/silent', serviceType: 'std_srvs/Empty' }).advertiseAsync(() => new Promise(() => {}));
    await sleep(30);
    const caller = await client();
    await expect(call(caller, '/silent', 'std_srvs/Empty', {})).rejects.toThrow(/did not answer within 500 ms/);
  });
});

describe('actions (ROS 2 ops)', () => {
  const goal = { trajectory: { joint_names: ['j1'], points: [{ positions: [1], time_from_start: { sec: 1, nanosec: 0 } }] } };

  it('forwards a goal to a client action server, with feedback and result', async () => {
    const serverRos = await client();
    const action = new Action({ ros: serverRos, name: '/follow', actionType: 'control_msgs/action/FollowJointTrajectory' });
    action.advertise((g, id) => {
      const names = (g as typeof goal).trajectory.joint_names;
      action.sendFeedback(id, { joint_names: names, desired: { positions: [0.5] } });
      setTimeout(() => action.setSucceeded(id, { error_code: 0, error_string: 'done' }), 20);
    }, () => {});
    await sleep(30);
    const caller = await client();
    const feedback: unknown[] = [];
    const result = await new Promise((resolve, reject) => {
      new Action({ ros: caller, name: '/follow', actionType: 'control_msgs/action/FollowJointTrajectory' }).sendGoal(goal as never, resolve, (f) => feedback.push(f), reject);
    });
    expect(feedback).toEqual([{ joint_names: ['j1'], desired: { positions: [0.5] } }]);
    expect(result).toEqual({ error_code: 0, error_string: 'done' });
  });

  /** Serves Fibonacci as the tutorials' server does (feedback under `feedbackKey`), then sends one goal from another client. */
  async function fibonacci(name: string, actionType: string, feedbackKey: string, order: number): Promise<{ result: unknown; feedback: unknown[]; serverRos: Ros; caller: Ros }> {
    const serverRos = await client();
    const action = new Action({ ros: serverRos, name, actionType });
    action.advertise((g, id) => {
      const sequence = [0, 1];
      for (let i = 1; i < (g as { order: number }).order; i++) {
        sequence.push(sequence[i] + sequence[i - 1]);
        action.sendFeedback(id, { [feedbackKey]: [...sequence] });
      }
      setTimeout(() => action.setSucceeded(id, { sequence }), 10);
    }, () => {});
    await sleep(30);
    const caller = await client();
    const feedback: unknown[] = [];
    const result = await new Promise((resolve, reject) => {
      new Action({ ros: caller, name, actionType }).sendGoal({ order } as never, resolve, (f) => feedback.push(f), reject);
    });
    return { result, feedback, serverRos, caller };
  }

  it('runs the tutorials\' example_interfaces/action/Fibonacci between two roslib clients, feedback and result', async () => {
    const { result, feedback } = await fibonacci('/fibonacci', 'example_interfaces/action/Fibonacci', 'sequence', 5);
    expect(result).toEqual({ sequence: [0, 1, 1, 2, 3, 5] });
    expect(feedback).toHaveLength(4);
    expect(feedback[3]).toEqual({ sequence: [0, 1, 1, 2, 3, 5] });
  });

  it('knows the other tutorial spellings: action_tutorials_interfaces Fibonacci (partial_sequence) and rospy_tutorials AddTwoInts', async () => {
    const { result, feedback, serverRos, caller } = await fibonacci('/fibonacci_tutorial', 'action_tutorials_interfaces/action/Fibonacci', 'partial_sequence', 3);
    expect(result).toEqual({ sequence: [0, 1, 1, 2] });
    expect(feedback.at(-1)).toEqual({ partial_sequence: [0, 1, 1, 2] });
    await serveAddTwoInts(serverRos, '/add_two_ints_ros1', 'rospy_tutorials/AddTwoInts');
    await sleep(30);
    expect(await call(caller, '/add_two_ints_ros1', 'rospy_tutorials/AddTwoInts', { a: 1, b: 2 })).toEqual({ sum: 3 });
  });

  it('routes a cancel to the action server and reports the goal canceled', async () => {
    const serverRos = await client();
    const action = new Action({ ros: serverRos, name: '/cancellable', actionType: 'control_msgs/FollowJointTrajectory' });
    const canceled: string[] = [];
    action.advertise(() => {}, (id) => {
      canceled.push(id);
      action.setCanceled(id, { error_code: 0, error_string: 'canceled' });
    });
    await sleep(30);
    const caller = await client();
    const sender = new Action({ ros: caller, name: '/cancellable', actionType: 'control_msgs/FollowJointTrajectory' });
    const failure = new Promise<string>((resolve) => {
      const id = sender.sendGoal(goal as never, () => resolve('succeeded?'), undefined, (e) => resolve(String(e)));
      setTimeout(() => sender.cancelGoal(id!), 50);
    });
    expect(await failure).toMatch(/canceled/);
    expect(canceled).toHaveLength(1);
  });

  it('serves goals from an in-process action server and aborts goals for unknown actions', async () => {
    server.advertiseAction('/local_follow', 'control_msgs/FollowJointTrajectory', (_g, ctx) => {
      ctx.feedback({ joint_names: ['j1'] });
      ctx.succeed({ error_code: 0, error_string: 'local' });
    });
    const caller = await client();
    const result = await new Promise((resolve, reject) => {
      new Action({ ros: caller, name: '/local_follow', actionType: 'control_msgs/FollowJointTrajectory' }).sendGoal(goal as never, resolve, undefined, reject);
    });
    expect(result).toEqual({ error_code: 0, error_string: 'local' });
    const failure = await new Promise<string>((resolve) => {
      new Action({ ros: caller, name: '/missing', actionType: 'control_msgs/FollowJointTrajectory' }).sendGoal(goal as never, () => resolve('ok?'), undefined, (e) => resolve(String(e)));
    });
    expect(failure).toMatch(/Action status unknown: Action \/missing does not exist/);
  });

  it('gives the sender of a goal that roslib setFailed aborted the status and a default Result, as rosbridge_server does', async () => {
    const serverRos = await client();
    const action = new Action({ ros: serverRos, name: '/failing', actionType: 'control_msgs/action/FollowJointTrajectory' });
    action.advertise((_g, id) => setTimeout(() => action.setFailed(id), 5), () => {});
    await sleep(30);
    const caller = await client();
    const failure = await new Promise<string>((resolve) => {
      new Action({ ros: caller, name: '/failing', actionType: 'control_msgs/action/FollowJointTrajectory' })
        .sendGoal(goal as never, () => resolve('succeeded?'), undefined, (e) => resolve(String(e)));
    });
    expect(failure).toBe('GoalError: Action was aborted: {"error_code":0,"error_string":""}');
    // The frame itself: result true (the goal ran and ended), status 6, every Result field present.
    const raw = await rawClient(server.url);
    raw.send({ op: 'send_action_goal', id: 'g1', action: '/failing', action_type: 'control_msgs/FollowJointTrajectory', args: goal });
    await waitFor(() => raw.frames.some((f) => f.op === 'action_result'), 2000, 'action_result');
    raw.close();
    expect(raw.frames.find((f) => f.op === 'action_result')).toEqual({
      op: 'action_result', id: 'g1', action: '/failing', values: { error_code: 0, error_string: '' }, status: 6, result: true,
    });
  });

  it('forwards the values and status an action server ends a goal with, the Result completed with defaults', async () => {
    const provider = await rawClient(server.url);
    provider.send({ op: 'advertise_action', action: '/stalls', type: 'control_msgs/FollowJointTrajectory' });
    await sleep(30);
    const caller = await client();
    const sender = new Action({ ros: caller, name: '/stalls', actionType: 'control_msgs/FollowJointTrajectory' });
    const outcomes: string[] = [];
    const next = () => new Promise<void>((resolve) => {
      sender.sendGoal(goal as never, (r) => (outcomes.push(`ok ${JSON.stringify(r)}`), resolve()), undefined, (e) => (outcomes.push(String(e)), resolve()));
    });
    const answer = async (reply: Record<string, unknown>) => {
      const seen = provider.frames.filter((f) => f.op === 'send_action_goal').length;
      const done = next();
      await waitFor(() => provider.frames.filter((f) => f.op === 'send_action_goal').length > seen, 2000, 'goal at the provider');
      const id = provider.frames.filter((f) => f.op === 'send_action_goal')[seen].id;
      provider.send({ op: 'action_result', id, action: '/stalls', ...reply });
      await done;
    };
    await answer({ values: { error_code: -5, error_string: 'stalled' }, status: 6, result: true });
    await answer({ values: { error_string: 'partial' }, status: 4, result: true });
    await answer({ status: 6, result: false });
    await answer({ values: { error_code: 'bad' }, status: 4, result: true });
    expect(outcomes).toEqual([
      'GoalError: Action was aborted: {"error_code":-5,"error_string":"stalled"}',
      'ok {"error_code":0,"error_string":"partial"}',
      'GoalError: Action was aborted: {"error_code":0,"error_string":""}',
      'GoalError: Action was aborted: {"error_code":0,"error_string":""}',
    ]);
    expect(provider.frames.find((f) => f.op === 'status')?.msg).toMatch(/action_result \/stalls: .*field "error_code": got "bad"/);
    provider.close();
  });
});

describe('rosapi and parameters', () => {
  it('lists topics with types, services, nodes, and a topic type, from the server state', async () => {
    const ros = await client();
    new Topic({ ros, name: '/listed', messageType: 'sensor_msgs/JointState' }).advertise();
    await sleep(30);
    const topics = await new Promise<{ topics: string[]; types: string[] }>((r) => ros.getTopics(r as never));
    const i = topics.topics.indexOf('/listed');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(topics.types[i]).toBe('sensor_msgs/msg/JointState');
    expect(await new Promise((r) => ros.getTopicType('/listed', r as never))).toBe('sensor_msgs/msg/JointState');
    const services = await new Promise<string[]>((r) => ros.getServices(r as never));
    expect(services).toContain('/rosapi/get_param');
    const nodes = await new Promise<string[]>((r) => ros.getNodes(r as never));
    expect(nodes).toContain('/rosbridge_websocket');
    // The advertising client's node is listed too, as publishers names it.
    const publishers = (await call(ros, '/rosapi/publishers', 'rosapi/Publishers', { topic: '/listed' })) as { publishers: string[] };
    expect(publishers.publishers.length).toBe(1);
    expect(nodes).toContain(publishers.publishers[0]);
    // rosapi's own service types as rosapi spells them (ROS 2: rosapi_msgs/srv/...).
    expect(await new Promise((r) => ros.getServiceType('/rosapi/topics', r as never))).toBe('rosapi_msgs/srv/Topics');
    expect(await new Promise((r) => ros.getServiceType('/rosapi/get_ros_version', r as never))).toBe('rosapi_msgs/srv/GetROSVersion');
    // And a client's service as ROS 2 spells a service type (srv, not msg).
    await new Service({ ros, name: '/typed', serviceType: 'std_srvs/Trigger' }).advertise(() => true);
    await sleep(30);
    expect(await new Promise((r) => ros.getServiceType('/typed', r as never))).toBe('std_srvs/srv/Trigger');
  });

  it('sets, gets, lists and deletes parameters through roslib Param', async () => {
    const ros = await client();
    const gain = new Param({ ros, name: '/controller/kp' });
    await new Promise((r) => gain.set({ value: 12.5, unit: 'N*m/rad' }, r));
    expect(await new Promise((r) => gain.get(r))).toEqual({ value: 12.5, unit: 'N*m/rad' });
    expect(await new Promise((r) => ros.getParams(r as never))).toContain('/controller/kp');
    await new Promise((r) => gain.delete(r));
    const missing = await new Promise((resolve) => gain.get(() => resolve('found?'), (reason) => resolve(reason)));
    expect(String(missing)).toMatch(/does not exist/);
  });

  it('describes message types field by field, in a form roslib decodes', async () => {
    const ros = await client();
    const typedefs = await new Promise<never>((r) => ros.getMessageDetails('geometry_msgs/WrenchStamped', r as never));
    const decoded = ros.decodeTypeDefs(typedefs) as Record<string, unknown>;
    expect(decoded).toEqual({
      header: { stamp: { sec: 'int32', nanosec: 'uint32' }, frame_id: 'string' },
      wrench: { force: { x: 'float64', y: 'float64', z: 'float64' }, torque: { x: 'float64', y: 'float64', z: 'float64' } },
    });
  });

  it('reports ROS version 2 and the latest /clock as the time', async () => {
    const ros = await client();
    expect(await call(ros, '/rosapi/get_ros_version', 'rosapi/GetROSVersion', {})).toMatchObject({ version: 2 });
    server.publish('/clock', 'rosgraph_msgs/Clock', { clock: { sec: 42, nanosec: 5 } });
    expect(await call(ros, 'rosapi/get_time', 'rosapi/GetTime', {})).toEqual({ time: { sec: 42, nanosec: 5 } });
  });
});
