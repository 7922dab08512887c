// A Chrome trace of the page's main thread over a window: where its time per frame goes. Headless
// Chromium with --disable-gpu composites in software, so each frame whose WebGL canvas changed is
// read back synchronously on the main thread (LayerTreeHost::DoUpdateLayers -> GLES2::ReadPixels ->
// CommandBufferHelper::Finish): the main thread waits there until SwiftShader (in the GPU process)
// has rasterized the frame. This splits that wait from the main thread's own work.
import type { Page } from 'playwright-core';

/** Main-thread figures over the traced window (ms unless named otherwise). */
export interface MainThreadTrace {
  seconds: number;
  /** Animation frames fired (FireAnimationFrame) and rendering updates (BeginMainFrame). */
  animationFrames: number;
  mainFrames: number;
  /** Wall time in top-level tasks, and the CPU time they used (thread time). */
  taskWallMs: number;
  taskCpuMs: number;
  /** Wall time blocked in the synchronous canvas readback (GLES2::ReadPixels), count and CPU in it. */
  readbackWallMs: number;
  readbacks: number;
  readbackCpuMs: number;
  /** Top-level tasks run. */
  tasks: number;
}

interface TraceEvent { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }

/** Traces `page` for `ms` milliseconds and sums its renderer main thread's events. */
export async function traceMainThread(page: Page, ms: number): Promise<MainThreadTrace> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (event) => events.push(...(event.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,gpu,cc', transferMode: 'ReportEvents' });
  await page.waitForTimeout(ms);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'FireAnimationFrame'));
  if (!main) throw new Error('trace: no renderer main thread with animation frames');
  const result: MainThreadTrace = { seconds: ms / 1000, animationFrames: 0, mainFrames: 0, taskWallMs: 0, taskCpuMs: 0, readbackWallMs: 0, readbacks: 0, readbackCpuMs: 0, tasks: 0 };
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.dur === undefined) continue;
    if (e.name === 'FireAnimationFrame') result.animationFrames++;
    else if (e.name === 'ProxyMain::BeginMainFrame') result.mainFrames++;
    else if (e.name === 'ThreadControllerImpl::RunTask') {
      result.tasks++;
      result.taskWallMs += e.dur / 1000;
      result.taskCpuMs += (e.tdur ?? 0) / 1000;
    } else if (e.name === 'GLES2::ReadPixels') {
      result.readbacks++;
      result.readbackWallMs += e.dur / 1000;
      result.readbackCpuMs += (e.tdur ?? 0) / 1000;
    }
  }
  return result;
}

/** Per-frame figures from a trace: wall, wall without the readback wait, CPU (ms per animation frame). */
export function perFrame(trace: MainThreadTrace): { wall: number; wallWithoutReadback: number; cpu: number; readbackPerReadback: number; fps: number } {
  const frames = Math.max(1, trace.animationFrames);
  return {
    wall: trace.taskWallMs / frames,
    wallWithoutReadback: (trace.taskWallMs - trace.readbackWallMs + trace.readbackCpuMs) / frames,
    cpu: trace.taskCpuMs / frames,
    readbackPerReadback: trace.readbackWallMs / Math.max(1, trace.readbacks),
    fps: trace.animationFrames / trace.seconds,
  };
}
