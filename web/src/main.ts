// The page's composition root: config, connection, robot model from /robot_description (or a
// file), stores fed by subscriptions, the render loop at display rate, panels at UI rate.
import * as THREE from 'three';
import { buildModel, type RobotModel } from '../../robot/model.ts';
import { createData, type RobotData } from '../../robot/data.ts';
import { forwardKinematics } from '../../robot/kinematics.ts';
import { loadPageConfig, type PageConfig } from './page-config.ts';
import { createConnection, type Connection } from './connection.ts';
import { createViewer, type Viewer } from './scene.ts';
import { createRobotView, limitLevel, type RobotView } from './robot-view.ts';
import { createControllerStateStore, createJointStateStore, ingestControllerState, type ControllerStateStore, type JointStateStore } from './joint-state-store.ts';
import { createSensorStore, ingestImu, ingestWrench, parseDiagnostics } from './sensor-store.ts';
import { createSensorOverlay, type SensorOverlay } from './sensor-overlay.ts';
import { createJointTable, type JointTable, type MotorReadings } from './joint-table.ts';
import { renderDiagnostics, summarizeDiagnostics, type DiagnosticSummary } from './diagnostics-panel.ts';
import { createPlotHistory, createRollingPlot, type PlotHistory, type RollingPlot } from './plots.ts';
import { createTeleop, type Teleop } from './teleop.ts';
import { createEStop } from './estop.ts';
import { createTuningPanel, type TuningPanel } from './tuning-panel.ts';
import { GAINS_RESULT_TOPIC, MULTI_ARRAY_TYPE, TUNING_RESULT_TOPIC } from './tuning-wire.ts';
import { createPagePerf } from './page-perf.ts';
import { createJointStream, ROW_HEADER, rowLength } from './joint-stream.ts';
import { renderSensorPanel } from './sensor-panel.ts';

/** Topic names the page reads (DESIGN.md defaults). */
export const TOPICS = {
  robotDescription: '/robot_description',
  jointStates: '/joint_states',
  imu: '/imu/data',
  wrench: '/ft_sensor/wrench',
  diagnostics: '/diagnostics',
  controllerState: '/embodied/controller_state',
} as const;

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page: element #${id} is missing from index.html`);
  return node as T;
}

/** Everything built per robot model (rebuilt when /robot_description changes). */
interface RobotContext {
  model: RobotModel;
  data: RobotData;
  ghostData: RobotData;
  ghostQ: Float64Array;
  /** Joint positions last drawn (model order). */
  drawnQ: Float64Array;
  state: JointStateStore;
  controller: ControllerStateStore;
  motors: MotorReadings;
  view: RobotView;
  ghost: RobotView;
  overlay: SensorOverlay;
  table: JointTable;
  teleop: Teleop;
  history: PlotHistory;
  tuning: TuningPanel;
  drawnSequence: number;
  framed: boolean;
}

async function start(): Promise<void> {
  const config: PageConfig = await loadPageConfig();
  const viewer: Viewer = createViewer(byId('viewport'));
  const connection: Connection = createConnection(config.rosbridgeUrl, config.dialect, config.token);
  const perf = createPagePerf();
  const sensors = createSensorStore();
  const plotSelect = byId<HTMLSelectElement>('plot-joint');
  const plot: { chart?: RollingPlot } = {};
  let robot: RobotContext | undefined;
  let robotText = '';
  let diagnostics: DiagnosticSummary = { jitterMs: Number.NaN, estop: false, estopReason: '', faults: [], collisions: [] };
  let diagnosticsAt = Number.NaN;
  const collisionLog: string[] = [];
  let jointMessages = 0;
  let rateWindowStart = performance.now();
  let rateWindowCount = 0;
  let rate = Number.NaN;
  let plotNow = 0; // time (s) of the newest plotted sample: the plot's right edge

  // Banner for operator-facing messages.
  const banner = byId('banner');
  let bannerTimer: ReturnType<typeof setTimeout> | undefined;
  const report = (text: string, bad: boolean) => {
    banner.textContent = text;
    banner.hidden = false;
    banner.style.background = bad ? '#5a1d1d' : '#1d3b24';
    if (bannerTimer) clearTimeout(bannerTimer);
    bannerTimer = setTimeout(() => (banner.hidden = true), bad ? 8000 : 3000);
  };

  // Tabs.
  for (const button of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
    button.addEventListener('click', () => {
      for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b === button);
      for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.id === `tab-${button.dataset.tab}`);
    });
  }

  const estop = createEStop({
    connection,
    button: byId('estop'),
    resetButton: byId<HTMLButtonElement>('reset'),
    halt: () => robot?.teleop.halt(),
    report,
  });
  const updateTeleopEnabled = () => robot?.teleop.setEnabled(connection.state === 'connected' && !estop.latched);
  estop.onChange(updateTeleopEnabled);
  connection.onStateChange((state) => {
    updateTeleopEnabled();
    if (state !== 'connected') robot?.teleop.halt();
    // An open socket the server refuses looks like a link that carries nothing: say why.
    if (state === 'refused') {
      report(config.token === null
        ? `${config.rosbridgeUrl} wants a token (${connection.refusal}): open the page at the address \`embodied view\` or \`start\` printed, which ends in #token=...`
        : `${config.rosbridgeUrl} refused this page's token (${connection.refusal})`, true);
    }
  });

  const showFrames = byId<HTMLInputElement>('show-frames');
  const showGhost = byId<HTMLInputElement>('show-ghost');
  const showWrench = byId<HTMLInputElement>('show-wrench');
  const viewerMessage = byId('viewer-message');

  // /joint_states comes from a worker with its own connection (joint-stream.ts), drained once per
  // frame: the main thread never handles the 1 kHz WebSocket frames.
  const jointStream = createJointStream({
    url: config.rosbridgeUrl, dialect: config.dialect, token: config.token, topic: TOPICS.jointStates,
    onError: (reason) => report(reason, true),
  });

  const setupRobot = (text: string, source: string) => {
    if (text === robotText) return;
    let model: RobotModel;
    try {
      model = buildModel(text);
    } catch (error) {
      viewerMessage.textContent = `cannot show the robot from ${source}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    robotText = text;
    if (robot) {
      viewer.rosRoot.remove(robot.view.root, robot.ghost.root, robot.overlay.root);
      robot.teleop.dispose();
      robot.tuning.dispose();
      byId('joint-jog').replaceChildren();
      byId('cartesian').replaceChildren();
      byId('joint-table').querySelector('tbody')!.replaceChildren();
    }
    const data = createData(model);
    const ghostData = createData(model);
    const state = createJointStateStore(model.jointNames);
    const motors: MotorReadings = { current: new Float64Array(model.nq).fill(Number.NaN), temperature: new Float64Array(model.nq).fill(Number.NaN) };
    const view = createRobotView(model, { lightweight: viewer.software });
    const ghost = createRobotView(model, { ghost: true, lightweight: viewer.software });
    const overlay = createSensorOverlay(model, sensors);
    ghost.root.visible = false;
    viewer.rosRoot.add(view.root, ghost.root, overlay.root);
    forwardKinematics(model, data, state.position);
    view.setPose(data.X_WL);
    view.showFrames(showFrames.checked);
    const teleop = createTeleop({
      model, connection, dialect: config.dialect, state,
      jointContainer: byId('joint-jog'), cartesianContainer: byId('cartesian'), deadmanButton: byId('deadman'),
      speedInput: byId<HTMLInputElement>('speed-scale'), speedLabel: byId('speed-scale-value'),
      gamepadLabel: byId('gamepad-state'), frameLabel: byId('twist-frame'),
    });
    const history = createPlotHistory(model.nq);
    plotSelect.replaceChildren(...model.jointNames.map((name, k) => new Option(name, String(k))));
    if (!plot.chart) plot.chart = createRollingPlot(byId('plot'), history);
    else plot.chart = createRollingPlot((byId('plot').replaceChildren(), byId('plot')), history);
    robot = {
      model, data, ghostData, ghostQ: new Float64Array(model.nq), drawnQ: new Float64Array(model.nq).fill(Number.NaN), state, controller: createControllerStateStore(model.nq), motors,
      view, ghost, overlay, table: createJointTable(byId('joint-table').querySelector('tbody')!, model, state, motors), teleop, history,
      tuning: createTuningPanel({ container: byId('tab-tuning'), model, connection, dialect: config.dialect, report }),
      drawnSequence: -1, framed: false,
    };
    jointStream.start(model.jointNames);
    updateTeleopEnabled();
    byId('robot-name').textContent = `${model.name} · ${model.nq} joints`;
    viewerMessage.textContent = '';
    viewer.invalidate();
    view.loaded.then((failures) => {
      viewer.invalidate();
      if (failures.length > 0) viewerMessage.textContent = `meshes not shown: ${failures.join('; ')}`;
    });
  };

  if (config.robotUrl) {
    try {
      const response = await fetch(config.robotUrl, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      setupRobot(await response.text(), config.robotUrl);
    } catch (error) {
      viewerMessage.textContent = `cannot load ${config.robotUrl}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  connection.subscribe(TOPICS.robotDescription, 'std_msgs/String', (message) => {
    if (config.robotUrl && robot) return; // a robot file given on the command line wins
    const text = typeof message === 'object' && message !== null ? (message as Record<string, unknown>).data : undefined;
    if (typeof text !== 'string') {
      viewerMessage.textContent = '/robot_description: expected std_msgs/String with a string "data"';
      return;
    }
    setupRobot(text, TOPICS.robotDescription);
  });

  connection.subscribe(TOPICS.controllerState, 'control_msgs/JointTrajectoryControllerState', (message) => {
    const r = robot;
    const arrived = performance.now();
    if (!r || !ingestControllerState(r.controller, r.model.jointNames, message, arrived)) return;
    const t = Number.isFinite(r.controller.stamp) ? r.controller.stamp : arrived / 1000;
    plotNow = t;
    for (let k = 0; k < r.model.nq; k++) r.history.sample(t, k, r.controller.reference[k], r.controller.feedback[k], r.controller.error[k]);
    r.tuning.controllerSample(t, r.controller.reference, r.controller.feedback);
  });
  connection.subscribe(TUNING_RESULT_TOPIC, MULTI_ARRAY_TYPE, (message) => robot?.tuning.result(message), { queueLength: 10 });
  // The loop's answer to every gains message: shown, marked bad when rejected (e.g. a loop with no gains).
  connection.subscribe(GAINS_RESULT_TOPIC, 'std_msgs/String', (message) => {
    const text = (message as { data?: unknown } | null)?.data;
    if (typeof text === 'string') report(`gains ${text.slice(0, 300)}`, !text.startsWith('applied'));
  }, { queueLength: 10 });
  connection.subscribe(TOPICS.imu, 'sensor_msgs/Imu', (message) => ingestImu(sensors, message, performance.now()), { throttleMs: 20 });
  connection.subscribe(TOPICS.wrench, 'geometry_msgs/WrenchStamped', (message) => ingestWrench(sensors, message, performance.now()), { throttleMs: 20 });
  connection.subscribe(TOPICS.diagnostics, 'diagnostic_msgs/DiagnosticArray', (message) => {
    try {
      const parsed = parseDiagnostics(message);
      diagnostics = summarizeDiagnostics(parsed.status, robot?.model, robot?.motors);
      diagnosticsAt = performance.now();
      for (const event of diagnostics.collisions) {
        const line = `${new Date().toLocaleTimeString()} ${event}`;
        if (collisionLog[0]?.endsWith(event)) continue;
        collisionLog.unshift(line);
        if (collisionLog.length > 50) collisionLog.pop();
      }
      renderDiagnostics(byId('diagnostics'), parsed.status);
    } catch (error) {
      report(`/diagnostics: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  });

  showFrames.addEventListener('change', () => {
    robot?.view.showFrames(showFrames.checked);
    viewer.invalidate();
  });
  showWrench.addEventListener('change', () => {
    robot?.overlay.setWrenchVisible(showWrench.checked);
    viewer.invalidate();
  });
  showGhost.addEventListener('change', () => viewer.invalidate());
  const plotSource = byId('plot-source');
  byId('frame-robot').addEventListener('click', () => robot && viewer.frame(new THREE.Box3().setFromObject(robot.view.root)));

  // Status bar and panels at UI rate.
  const linkState = byId('link-state');
  const rtt = byId('rtt');
  const age = byId('data-age');
  const rateLabel = byId('data-rate');
  const jitter = byId('loop-jitter');
  const estopState = byId('estop-state');
  const pageStats = byId('page-stats');
  const statCells: HTMLElement[] = []; // label, value, label, value, ...
  let statusCalls = 0;
  const updateStatus = () => {
    const now = performance.now();
    linkState.textContent = connection.state;
    linkState.title = connection.refusal;
    linkState.className = `pill ${connection.state === 'connected' ? 'pill-ok' : connection.state === 'connecting' ? 'pill-warn' : 'pill-bad'}`;
    rtt.textContent = Number.isFinite(connection.roundTripMs) ? `${connection.roundTripMs.toFixed(1)} ms` : '–';
    const received = robot?.state.receivedAt ?? Number.NaN;
    const ageMs = now - received;
    age.textContent = Number.isFinite(ageMs) ? (ageMs < 1000 ? `${ageMs.toFixed(0)} ms` : `${(ageMs / 1000).toFixed(1)} s`) : '–';
    age.style.color = Number.isFinite(ageMs) && ageMs < 250 ? '' : '#ff7b72';
    if (now - rateWindowStart >= 1000) {
      rate = (rateWindowCount * 1000) / (now - rateWindowStart);
      rateWindowStart = now;
      rateWindowCount = 0;
    }
    rateLabel.textContent = Number.isFinite(rate) ? `${rate.toFixed(0)} Hz` : '–';
    const diagnosticsFresh = now - diagnosticsAt < 5000;
    jitter.textContent = diagnosticsFresh && Number.isFinite(diagnostics.jitterMs) ? `${diagnostics.jitterMs.toFixed(2)} ms` : '–';
    const loopEstop = diagnosticsFresh && diagnostics.estop;
    if (estop.latched || loopEstop) {
      estopState.textContent = `E-STOP${diagnostics.estopReason ? `: ${diagnostics.estopReason}` : ''}${estop.latched ? '' : ' (loop)'}`;
      estopState.className = 'pill pill-bad';
    } else if (diagnosticsFresh && diagnostics.faults.length > 0) {
      estopState.textContent = `FAULT: ${diagnostics.faults[0]}`;
      estopState.className = 'pill pill-warn';
    } else {
      estopState.textContent = connection.state === 'connected' ? 'RUN' : 'NO LINK';
      estopState.className = `pill ${connection.state === 'connected' ? 'pill-ok' : 'pill-warn'}`;
    }
    // The timing summary sorts its rings (up to 8192 frames): once a second is enough.
    if (++statusCalls % 4 !== 1) return;
    const summary = perf.summary();
    const stats: [string, string][] = [
      ['frame work p50', `${summary.frameWorkMs.median.toFixed(2)} ms`],
      ['frame work p99', `${summary.frameWorkMs.p99.toFixed(2)} ms`],
      ['msg → frame p50', `${summary.arrivalToFrameMs.median.toFixed(1)} ms`],
      ['joint msgs', String(jointMessages)],
      ['rejected msgs', String(robot?.state.rejected ?? 0)],
      ['reconnects', String(Math.max(0, connection.connectCount - 1))],
    ];
    stats.forEach(([key, value], i) => {
      let label = statCells[2 * i];
      if (!label) {
        label = document.createElement('span');
        label.textContent = key;
        statCells.push(label, document.createElement('span'));
        pageStats.append(label, statCells[2 * i + 1]);
      }
      if (statCells[2 * i + 1].textContent !== value) statCells[2 * i + 1].textContent = value;
    });
  };
  setInterval(updateStatus, 250);

  // Render loop at display rate, drawing only when something visible changed: the pose (by more
  // than POSE_EPSILON), the ghost, sensor overlays, view options or the camera (scene.ts).
  const POSE_EPSILON = 1e-5; // rad or m: below a pixel at any sensible zoom
  let lastUi = 0;
  let lastPlot = 0;
  let overlaySequence = -1;
  let ghostWasShown = false;
  // One /joint_states row: plot it (unless the controller state is plotting), keep the newest.
  let drainRobot: RobotContext | undefined;
  let drainControllerFresh = false;
  let drainFirst = Number.NaN;
  let drainLast = -1;
  let drainRows: Float64Array<ArrayBufferLike> = new Float64Array(0);
  const onRow = (rows: Float64Array<ArrayBufferLike>, at: number) => {
    const r = drainRobot!;
    if (Number.isNaN(drainFirst)) drainFirst = rows[at];
    drainRows = rows;
    drainLast = at;
    if (drainControllerFresh) return;
    // Bucket by the sender's stamp: arrival times bunch up whenever a thread was busy.
    const t = Number.isFinite(rows[at + 1]) ? rows[at + 1] : rows[at] / 1000;
    plotNow = t;
    for (let k = 0; k < r.model.nq; k++) {
      const reference = r.teleop.target[k];
      const feedback = rows[at + ROW_HEADER + k];
      r.history.sample(t, k, reference, feedback, reference - feedback);
    }
  };
  const drainJointStates = (r: RobotContext, now: number) => {
    drainRobot = r;
    drainControllerFresh = now - r.controller.receivedAt < 500;
    drainFirst = Number.NaN;
    drainLast = -1;
    const count = jointStream.drain(onRow);
    jointMessages += count;
    rateWindowCount += count;
    r.state.rejected = jointStream.rejected;
    r.state.lastError = jointStream.lastError;
    if (count === 0) return;
    const nq = r.model.nq;
    const state = r.state;
    const at = drainLast + ROW_HEADER;
    for (let k = 0; k < nq; k++) {
      state.position[k] = drainRows[at + k];
      state.velocity[k] = drainRows[at + nq + k];
      state.effort[k] = drainRows[at + 2 * nq + k];
    }
    state.receivedAt = drainRows[drainLast];
    state.stamp = drainRows[drainLast + 1];
    state.sequence += count;
    perf.message(drainFirst, performance.now() - now, true, count, drainRows[drainLast]);
  };

  const frame = () => {
    requestAnimationFrame(frame);
    const r = robot;
    if (r) drainJointStates(r, performance.now());
    const now = performance.now();
    perf.frameStart(now);
    if (r) {
      let poseChanged = false;
      if (r.state.sequence !== r.drawnSequence) {
        r.drawnSequence = r.state.sequence;
        for (let k = 0; k < r.model.nq; k++) {
          if (!(Math.abs(r.state.position[k] - r.drawnQ[k]) <= POSE_EPSILON)) poseChanged = true; // NaN: never drawn
        }
        if (poseChanged) {
          r.drawnQ.set(r.state.position);
          forwardKinematics(r.model, r.data, r.state.position);
          r.view.setPose(r.data.X_WL);
          for (let k = 0; k < r.model.nq; k++) r.view.setLimitLevel(k, limitLevel(r.state.position[k], r.model.lowerLimit[k], r.model.upperLimit[k]));
          viewer.invalidate();
        }
        if (!r.framed && r.state.sequence > 0) {
          r.framed = true;
          viewer.rosRoot.updateMatrixWorld(true);
          viewer.frame(new THREE.Box3().setFromObject(r.view.root));
        }
      }
      // Ghost: slider targets first, else the controller's reference.
      let ghostShown = false;
      let ghostChanged = false;
      const controllerFresh = now - r.controller.receivedAt < 500;
      for (let k = 0; k < r.model.nq; k++) {
        const target = r.teleop.target[k];
        const reference = controllerFresh ? r.controller.reference[k] : Number.NaN;
        const value = Number.isFinite(target) ? target : Number.isFinite(reference) ? reference : r.state.position[k];
        if (Math.abs(value - r.state.position[k]) > 1e-3) ghostShown = true;
        if (Math.abs(value - r.ghostQ[k]) > POSE_EPSILON) ghostChanged = true;
        r.ghostQ[k] = value;
      }
      ghostShown = ghostShown && showGhost.checked;
      if (ghostShown !== ghostWasShown) {
        ghostWasShown = ghostShown;
        r.ghost.root.visible = ghostShown;
        viewer.invalidate();
      }
      if (ghostShown && (ghostChanged || poseChanged)) {
        forwardKinematics(r.model, r.ghostData, r.ghostQ);
        r.ghost.setPose(r.ghostData.X_WL);
        viewer.invalidate();
      }
      const sensorSequence = sensors.imuSequence + sensors.wrenchSequence;
      if (poseChanged || sensorSequence !== overlaySequence) {
        overlaySequence = sensorSequence;
        r.overlay.update(r.data.X_WL);
        viewer.invalidate();
      }
      if (now - lastUi > 100) {
        lastUi = now;
        r.table.update();
        r.teleop.refresh();
        renderSensorPanel(sensors, collisionLog);
      }
      if (plot.chart && now - lastPlot > 100) {
        lastPlot = now;
        const k = Math.max(0, Math.min(r.model.nq - 1, Number(plotSelect.value) || 0));
        plot.chart.redraw(k, plotNow, r.model.linkJointType[r.model.jointLink[k]] === 2 ? 'm' : 'deg');
        const source = controllerFresh ? 'from the controller state' : 'feedback from /joint_states, reference = slider target';
        if (plotSource.textContent !== source) plotSource.textContent = source;
      }
    }
    const drew = viewer.render();
    perf.frameEnd(performance.now(), drew, viewer.pending);
  };
  requestAnimationFrame(frame);

  // For the e2e suite and for debugging from the console.
  (window as unknown as Record<string, unknown>).__embodied = {
    perf,
    viewer,
    connection,
    estop,
    /** Read-only scene probe: TF axes (visible / total) and each link's emissive colour (linear RGB). */
    get scene() {
      if (!robot) return undefined;
      let frames = 0;
      let framesVisible = 0;
      robot.view.root.traverse((node) => {
        if (node.type === 'AxesHelper') frames++;
      });
      robot.view.root.traverseVisible((node) => {
        if (node.type === 'AxesHelper') framesVisible++;
      });
      const emissive = robot.model.linkNames.map((name) => {
        let colour: number[] = [0, 0, 0];
        robot!.view.root.getObjectByName(name)?.traverse((node) => {
          const material = (node as THREE.Mesh).material as THREE.MeshStandardMaterial | undefined;
          if ((node as THREE.Mesh).isMesh && material?.emissive && colour.every((c) => c === 0)) colour = material.emissive.toArray();
        });
        return colour;
      });
      return { frames, framesVisible, emissive };
    },
    get robot() {
      return robot ? { tuning: robot.tuning.status, name: robot.model.name, nq: robot.model.nq, sequence: robot.state.sequence, position: Array.from(robot.state.position), plotted: plot.chart?.shown ?? 0 } : undefined;
    },
  };
}

start().catch((error: unknown) => {
  document.body.insertAdjacentHTML('afterbegin', '<pre class="banner"></pre>');
  document.querySelector('pre.banner')!.textContent = `page failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
});
