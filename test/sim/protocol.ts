// What the main thread (the world) and a worker thread (one execution at a time) say to each other. Every message
// crosses a MessagePort (structured clone: Dates, arrays and plain objects arrive intact) and is announced through a
// SharedArrayBuffer, so both sides can block with Atomics.wait and pick it up with receiveMessageOnPort: a service
// call is a synchronous round trip, as it is for a script in Apps Script.

/** A service object lives in the world; the worker holds its id and the shape of its class. */
export interface HandleRef {
  $handle: number;
  shape: number;
  /** Sent the first time a worker meets this shape. */
  def?: Shape;
}

/** The methods of an Apps Script class, and the enum-like constants it carries (`Utilities.Charset`, …). */
export interface Shape {
  kind: string;
  methods: string[];
  constants: Record<string, unknown>;
}

export interface ThrownError {
  name: string;
  message: string;
}

/** Main → worker. */
export type Command =
  | {
      type: 'run';
      execution: number;
      fn: string;
      args: unknown[];
      globals: Record<string, HandleRef>;
      now: number;
      seed: number;
    }
  | { type: 'reply'; now: number; value?: unknown; error?: ThrownError; killed?: boolean }
  | { type: 'quit' };

/** Worker → main. */
export type Report =
  | { type: 'call'; handle: number; method: string; args: unknown[] }
  | { type: 'done'; value?: unknown; error?: ThrownError }
  | { type: 'crash'; error: ThrownError };

/** Layout of the shared Int32Array: one wake-up counter for the main thread, then two flags per worker. */
export const SIGNAL = 0;
export const toMainFlag = (slot: number): number => 1 + 2 * slot;
export const toWorkerFlag = (slot: number): number => 2 + 2 * slot;
export const controlLength = (slots: number): number => 1 + 2 * slots;

/** The message a worker shows when Apps Script stops an execution at its time limit. */
export const KILLED_MESSAGE = 'Exceeded maximum execution time';

export function isHandleRef(value: unknown): value is HandleRef {
  return value !== null && typeof value === 'object' && typeof (value as HandleRef).$handle === 'number';
}
