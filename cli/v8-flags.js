// V8 flags the `embodied` command sets before any hot code is compiled (process-wide, workers
// included); the alloc-cli test project runs with them too, so its heap probes test what ships.
//
// A larger inlining budget for the optimizing compiler. The drive step's phases (firmware,
// winding, reducer, friction) are separate functions; with V8's default budget (460 bytes of
// bytecode per callee, 920 inlined into one function) each sub-step made several real calls.
// V8 also caps the inlined bytecode of one function at `--max-inlined-bytecode-size-absolute`
// (4600 by default) whatever the cumulative figure says, so that cap is raised with it: at 4600 the
// plant step's tree (dynamics, drives, sensors; about 11 kB of bytecode) did not fit, and which
// part was left as calls depended on the call counts seen when V8 compiled it, so `sim/step-ur5e`
// read 5.6-6.3 us in most processes and 7.4-8.8 us in some (1 in 10 to 3 in 4, by the day). With
// 16000 it fits: 5.4-6.1 us in 24 of 24 processes the same day; drive/step-rigid and otg/7dof 5-15 %
// faster; the drive/step-averaged microbenchmark (not the simulator's path) read 124-131 ns instead
// of 69-76 ns in 4 of 17 runs. Processes spend about 0.2 s more compiling at the start. A library
// user's process keeps V8's defaults unless it passes the same flags to node.
export const V8_FLAGS = [
  '--max-inlined-bytecode-size-absolute=16000',
  '--max-inlined-bytecode-size-cumulative=16000',
  '--max-inlined-bytecode-size=2000',
];
