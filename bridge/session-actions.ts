// The ROS 2 action ops of a session: a client serving an action (goals forwarded to it under
// hub ids, its feedback and results routed back) and a client sending goals and cancels.
// Results reach the sender as rosbridge_server (ROS 2) sends them (rosbridge_library
// capabilities send_action_goal / action_result): a goal that ended, however it ended, gives
// `result:true` with its status and the action's complete Result message (fields the server left
// out at their defaults; a `result:false` from the serving client aborts the goal with a default
// Result); a goal that never reached a server gives `result:false`, status 0 and the error text.
import { GOAL_STATUS } from './bus.ts';
import type { Session } from './hub-session.ts';
import { buildMessage } from './message-build.ts';
import { actionSchema } from './message-schema.ts';
import { validateAgainst } from './message-validate.ts';
import { type Frame, absoluteName } from './protocol.ts';

/** `values` laid over a default Result of `actionType` (as is when not an object or the type is unknown). */
function completeResult(session: Session, actionType: string, values: unknown): unknown {
  const schema = actionSchema(actionType);
  if (!schema || typeof values !== 'object' || values === null || Array.isArray(values)) return values;
  return buildMessage(schema.result.name, values as Record<string, unknown>, session.hub.dialect);
}

/** Handles advertise_action, unadvertise_action, send_action_goal, cancel_action_goal, action_feedback, action_result. */
export function handleActionFrame(session: Session, frame: Frame): void {
  const calls = session.hub.calls;
  switch (frame.op) {
    case 'advertise_action': {
      const spelling = frame.action;
      const error = calls.addAction(absoluteName(spelling), frame.type, session, {
        start: (id, goal, type) => session.sendReply({ op: 'send_action_goal', id, action: spelling, action_type: type, args: goal, feedback: true }),
        cancel: (id) => session.sendReply({ op: 'cancel_action_goal', id, action: spelling }),
      });
      if (error) session.error(`advertise_action: ${error}`);
      return;
    }
    case 'unadvertise_action':
      if (!calls.removeAction(absoluteName(frame.action), session)) session.warn(`unadvertise_action: ${frame.action} is not advertised by this client`);
      return;
    case 'send_action_goal': {
      const { id, action } = frame;
      const wantFeedback = frame.feedback !== false;
      const actionType = calls.actions.get(absoluteName(action))?.type ?? frame.action_type;
      const hubId = calls.sendGoal(
        absoluteName(action),
        frame.action_type,
        frame.args,
        (values) => {
          if (wantFeedback) session.sendReply({ op: 'action_feedback', id, action, values }, frame.compression, frame.fragment_size);
        },
        (status, values, reached) => {
          session.goals.delete(id);
          const reply = reached
            ? { op: 'action_result', id, action, values: completeResult(session, actionType, values), status, result: true }
            : { op: 'action_result', id, action, values, status: GOAL_STATUS.unknown, result: false };
          session.sendReply(reply, frame.compression, frame.fragment_size);
        },
      );
      session.goals.set(id, hubId);
      return;
    }
    case 'cancel_action_goal': {
      const hubId = session.goals.get(frame.id);
      if (hubId === undefined || !calls.cancelGoal(hubId)) session.warn(`cancel_action_goal: no goal ${frame.id} of this client is running`, frame.id);
      return;
    }
    case 'action_feedback':
      if (!calls.goalFeedback(frame.id, session, frame.values)) session.warn(`action_feedback: goal ${frame.id} is not running on this client`, frame.id);
      return;
    case 'action_result': {
      const type = calls.goalType(frame.id, session);
      if (type === undefined) return session.warn(`action_result: goal ${frame.id} is not running on this client`, frame.id);
      if (!frame.result) {
        // roslib's setFailed: the goal is aborted and its sender gets a default Result.
        calls.goalResult(frame.id, session, GOAL_STATUS.aborted, {});
        return;
      }
      const schema = actionSchema(type);
      const problem = schema && frame.values !== undefined ? validateAgainst(schema.result, frame.values) : null;
      if (problem !== null) {
        session.error(`action_result ${frame.action}: ${problem}; goal ${frame.id} aborted`, frame.id);
        calls.goalResult(frame.id, session, GOAL_STATUS.aborted, {});
        return;
      }
      calls.goalResult(frame.id, session, frame.status, frame.values ?? {});
      return;
    }
    default:
      session.error(`${frame.op}: not handled by this server`);
  }
}
