/** V8 flags the `embodied` command sets (see v8-flags.js). */
export declare const V8_FLAGS: string[];
