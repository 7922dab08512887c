// V8 flags the `embodied` command sets before any hot code is compiled (process-wide, workers
// included); the alloc test project runs with them too, so its heap probes test what ships.
//
// A larger inlining budget for the optimizing compiler: the drive step's phases (firmware,
// winding, reducer, friction) are separate functions and together exceed the default budget (920
// bytes of bytecode inlined into one function, 460 per callee), so each sub-step made several
// real calls. Measured with `embodied bench`: drive/step 84-95 ns against 103-113 ns (6 runs
// each). A library user's process keeps V8's defaults unless it passes the same flags to node.
export const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=8000', '--max-inlined-bytecode-size=2000'];
