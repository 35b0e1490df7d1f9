// workerd's EventTarget.dispatchEvent calls the target's `on<type>` property, when it
// is a function, before every listener: with the global object as `this`, a return of
// `true` cancelling the event (dispatchEvent then answers false), and an exception
// thrown out of dispatchEvent with no listener run after it. Bun's EventTarget knows
// only the handler attributes of its own classes (AbortSignal's onabort, ...), which
// it runs itself; any other `on<type>`, on a plain EventTarget or a subclass, is
// called here. The worker shares the host's EventTarget, so this is installed once
// for the process; the host's own targets set no such properties (WorkerWebSocket
// runs its handlers itself and dispatches with `dispatchToListeners`).

/** Bun's own dispatchEvent: the listeners only. */
export const dispatchToListeners: (this: EventTarget, event: Event) => boolean = EventTarget.prototype.dispatchEvent;

const isNative = (fn: unknown) => typeof fn === "function" && Function.prototype.toString.call(fn).endsWith("{ [native code] }");

/** The `on<type>` function workerd would call, read as it dispatches (a getter runs); none where Bun runs it itself. */
function handlerOf(target: object, type: string): Function | undefined {
  const name = `on${type}`;
  for (let holder: object | null = target; holder; holder = Object.getPrototypeOf(holder)) {
    const descriptor = Object.getOwnPropertyDescriptor(holder, name);
    if (!descriptor) continue;
    if (descriptor.get && isNative(descriptor.get)) return undefined;
    const value: unknown = Reflect.get(target, name);
    return typeof value === "function" ? value : undefined;
  }
  return undefined;
}

function dispatchEvent(this: EventTarget, event: Event): boolean {
  const handler = event instanceof Event ? handlerOf(this, event.type) : undefined;
  if (!handler) return dispatchToListeners.call(this, event);
  let cancelled = false;
  let failure: { error: unknown } | undefined;
  // At the target, capture listeners run before the others: the handler then sees the
  // event dispatched (target, currentTarget, eventPhase) as workerd shows it.
  const first = () => {
    try {
      if (handler.call(globalThis, event) === true) {
        cancelled = true;
        event.preventDefault();
      }
    } catch (error) {
      // Bun would report a listener's exception and go on; workerd stops and throws it.
      failure = { error };
      event.stopImmediatePropagation();
    }
  };
  this.addEventListener(event.type, first, { capture: true, once: true });
  let answer: boolean;
  try {
    answer = dispatchToListeners.call(this, event);
  } finally {
    this.removeEventListener(event.type, first, { capture: true });
  }
  if (failure) throw failure.error;
  return answer && !cancelled;
}

const own = Object.getOwnPropertyDescriptor(EventTarget.prototype, "dispatchEvent");
Object.defineProperty(EventTarget.prototype, "dispatchEvent", { ...own, value: dispatchEvent });
