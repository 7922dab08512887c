// The ROS 2 action ops of a session: a client serving an action (goals forwarded to it under
// hub ids, its feedback and results routed back) and a client sending goals and cancels.
import { GOAL_STATUS } from './bus.ts';
import type { Session } from './hub-session.ts';
import { type Frame, absoluteName } from './protocol.ts';

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
      const hubId = calls.sendGoal(
        absoluteName(action),
        frame.action_type,
        frame.args,
        (values) => {
          if (wantFeedback) session.sendReply({ op: 'action_feedback', id, action, values }, frame.compression, frame.fragment_size);
        },
        (status, values) => {
          session.goals.delete(id);
          session.sendReply({ op: 'action_result', id, action, values, status, result: status !== GOAL_STATUS.aborted }, frame.compression, frame.fragment_size);
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
    case 'action_result':
      if (!calls.goalResult(frame.id, session, frame.status, frame.values ?? {})) session.warn(`action_result: goal ${frame.id} is not running on this client`, frame.id);
      return;
    default:
      session.error(`${frame.op}: not handled by this server`);
  }
}
