// workerd's EventTarget dispatch, where Bun's differs:
// - The target's `on<type>` property, when it is a function, is called before every
//   listener, with the global object as `this`; a return of `true` cancels the event
//   (dispatchEvent then answers false). Bun knows only the handler attributes of its own
//   classes, which it runs itself in attribute order; any other `on<type>`, on a plain
//   EventTarget or a subclass, is called here, and AbortSignal's `onabort` is made one
//   that runs first too.
// - A listener that throws ends the dispatch: no later listener runs, and the exception
//   comes out of dispatchEvent (or abort()) to its caller. Bun reports it as uncaught and
//   goes on. Each listener is wrapped when added to stop the event and keep its exception
//   for the call that dispatched it; a dispatch Bun starts itself (a timeout's abort, a
//   WebSocket's message) has no such caller, so the exception is reported as uncaught, as
//   workerd reports it.
// - dispatchEvent answers false after any preventDefault(), as workerd's does, and
//   addEventListener / removeEventListener refuse capture (and passive) listeners: the
//   runtime's own capture listeners (the handlers above) are added past that check.
// The worker shares the host's EventTarget, so this is installed once for the process.

// Bun's own, called with what the worker gave (null and non-objects included) for its errors.
const addEventListener: Function = EventTarget.prototype.addEventListener;
const removeEventListener: Function = EventTarget.prototype.removeEventListener;

/** Bun's own dispatchEvent: the listeners only. */
export const dispatchToListeners: (this: EventTarget, event: Event) => boolean = EventTarget.prototype.dispatchEvent;

/** The exception of the dispatch this process's code started and is waiting on, if a listener threw. */
let dispatching: { failure?: { error: unknown } } | undefined;

/** Runs `dispatch` as one whose listener's exception is thrown out of it. */
function throwingListeners<T>(dispatch: () => T): T {
  const outer = dispatching;
  const frame: { failure?: { error: unknown } } = {};
  dispatching = frame;
  let answer: T;
  try {
    answer = dispatch();
  } finally {
    dispatching = outer;
  }
  if (frame.failure) throw frame.failure.error;
  return answer;
}

/**
 * A listener function's `this`: its target with set_event_target_this (from 2025-08-01), else the
 * global object as the worker sees it. Set by each worker that loads: the process's workers share
 * this one EventTarget, so workers of one session with dates either side of the flag's all follow
 * the last loaded.
 */
let listenerThis: object | undefined;

export function setEventTargetThis(on: boolean, global: object): void {
  listenerThis = on ? undefined : global;
}

/** A listener as workerd calls it: its exception stops the event, for the dispatching call to throw. */
function guarded(listener: EventListener | EventListenerObject): EventListener {
  return function (this: EventTarget, event: Event) {
    try {
      if (typeof listener === "function") listener.call(listenerThis ?? this, event);
      else listener.handleEvent(event);
    } catch (error) {
      event.stopImmediatePropagation();
      if (!dispatching) throw error;
      dispatching.failure ??= { error };
    }
  };
}

/** The wrapper Bun holds for a listener, per type, so removeEventListener finds it. */
const wrappers = new WeakMap<object, Map<string, EventListener>>();

/** workerd refuses capture listeners (and passive ones) with these words. */
function checkOptions(method: string, options: unknown, passive: boolean): void {
  if (typeof options !== "object" || options === null) {
    if (options) throw new TypeError(`${method}(): useCapture must be false.`);
    return;
  }
  if ((options as AddEventListenerOptions).capture) throw new TypeError(`${method}(): options.capture must be false.`);
  if (passive && (options as AddEventListenerOptions).passive) throw new TypeError(`${method}(): options.passive must be false.`);
}

const isListener = (value: unknown): value is EventListener | EventListenerObject => typeof value === "function" || (typeof value === "object" && value !== null);

Object.defineProperty(EventTarget.prototype, "addEventListener", {
  ...Object.getOwnPropertyDescriptor(EventTarget.prototype, "addEventListener"),
  value: function (this: EventTarget, type: string, listener: EventListener | EventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    checkOptions("addEventListener", options, true);
    if (!isListener(listener)) return addEventListener.call(this, type, listener, options);
    let byType = wrappers.get(listener);
    if (!byType) wrappers.set(listener, (byType = new Map()));
    const key = String(type);
    let wrapper = byType.get(key);
    if (!wrapper) byType.set(key, (wrapper = guarded(listener)));
    return addEventListener.call(this, type, wrapper, options);
  },
});

Object.defineProperty(EventTarget.prototype, "removeEventListener", {
  ...Object.getOwnPropertyDescriptor(EventTarget.prototype, "removeEventListener"),
  value: function (this: EventTarget, type: string, listener: EventListener | EventListenerObject | null, options?: boolean | EventListenerOptions) {
    checkOptions("removeEventListener", options, false);
    const wrapper = isListener(listener) ? wrappers.get(listener)?.get(String(type)) : undefined;
    return removeEventListener.call(this, type, wrapper ?? listener, options);
  },
});

// workerd's dispatchEvent answers false after a preventDefault() even on an event that is
// not cancelable (whose defaultPrevented stays false): the events it was called on.
const prevented = new WeakSet<Event>();
const { preventDefault } = Event.prototype;
Object.defineProperty(Event.prototype, "preventDefault", {
  ...Object.getOwnPropertyDescriptor(Event.prototype, "preventDefault"),
  value: function (this: Event) {
    prevented.add(this);
    return preventDefault.call(this);
  },
});

/** Calls an `on<type>` handler as workerd does: a return of true is preventDefault(). */
function runHandler(handler: Function, event: Event): void {
  if (handler.call(globalThis, event) === true) event.preventDefault();
}

const isNative = (fn: unknown) => typeof fn === "function" && Function.prototype.toString.call(fn).endsWith("{ [native code] }");

// AbortSignal's onabort, kept here rather than by Bun: run by a capture listener, which
// Bun calls at the target before the others, so it runs first whenever it was set.
const onabortOf = new WeakMap<AbortSignal, unknown>();
const onabort = {
  get(this: AbortSignal) {
    return onabortOf.get(this) ?? null;
  },
  set(this: AbortSignal, value: unknown) {
    if (!onabortOf.has(this)) {
      const run = (event: Event) => {
        const handler = onabortOf.get(this);
        if (typeof handler === "function") runHandler(handler, event);
      };
      addEventListener.call(this, "abort", guarded(run), { capture: true });
    }
    // workerd keeps a function or an object (calling only a function), anything else as null.
    onabortOf.set(this, typeof value === "function" || (typeof value === "object" && value !== null) ? value : null);
  },
};
Object.defineProperty(AbortSignal.prototype, "onabort", { ...Object.getOwnPropertyDescriptor(AbortSignal.prototype, "onabort"), ...onabort });

/** The `on<type>` function workerd would call, read as it dispatches (a getter runs); none where a listener runs it. */
function handlerOf(target: object, type: string): Function | undefined {
  const name = `on${type}`;
  for (let holder: object | null = target; holder; holder = Object.getPrototypeOf(holder)) {
    const descriptor = Object.getOwnPropertyDescriptor(holder, name);
    if (!descriptor) continue;
    if (descriptor.get && (isNative(descriptor.get) || descriptor.get === onabort.get)) return undefined;
    const value: unknown = Reflect.get(target, name);
    return typeof value === "function" ? value : undefined;
  }
  return undefined;
}

function dispatchEvent(this: EventTarget, event: Event): boolean {
  const handler = event instanceof Event ? handlerOf(this, event.type) : undefined;
  if (event instanceof Event) prevented.delete(event);
  // At the target, capture listeners run before the others: the handler then sees the
  // event dispatched (target, currentTarget, eventPhase) as workerd shows it.
  const first = handler && guarded((event: Event) => runHandler(handler, event));
  if (first) addEventListener.call(this, event.type, first, { capture: true, once: true });
  try {
    return throwingListeners(() => dispatchToListeners.call(this, event)) && !prevented.has(event);
  } finally {
    if (first) removeEventListener.call(this, event.type, first, { capture: true });
  }
}

Object.defineProperty(EventTarget.prototype, "dispatchEvent", { ...Object.getOwnPropertyDescriptor(EventTarget.prototype, "dispatchEvent"), value: dispatchEvent });

const { abort } = AbortController.prototype;
Object.defineProperty(AbortController.prototype, "abort", {
  ...Object.getOwnPropertyDescriptor(AbortController.prototype, "abort"),
  value: function (this: AbortController, reason?: unknown) {
    return throwingListeners(() => abort.apply(this, arguments as unknown as [reason?: unknown]));
  },
});
