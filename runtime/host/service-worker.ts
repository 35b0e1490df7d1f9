// Service-worker syntax: a script that calls addEventListener("fetch" | "scheduled") while it
// loads. Its listeners are kept on an EventTarget of the worker's own (several workers, and a
// reloaded one, share this process's global), and the runtime's events are real Events
// dispatched to them as wrangler's service-worker facade does under workerd:
// - A FetchEvent's respondWith() stops the dispatch (later listeners do not run); a second call,
//   or one after the dispatch, is an InvalidStateError; no call at all is "No response!".
// - A listener's exception ends the dispatch and fails the request (event-handlers.ts makes
//   every EventTarget's dispatchEvent throw it).
// - Listener objects (`handleEvent`), `once`, removeEventListener and stopImmediatePropagation
//   work as on any EventTarget; a listener function's `this` follows set_event_target_this.
import "./event-handlers.ts";

/** The event types the runtime dispatches to a service-worker script (queue is module syntax only, but kept off the global too). */
export const SCRIPT_EVENTS = new Set(["fetch", "scheduled", "queue"]);

export type ListenerArg = EventListener | EventListenerObject | null | undefined;

/** workerd's words, once per worker, for a listener that returns a promise. */
const PROMISE_IGNORED =
  "An event handler returned a promise that will be ignored. Event handlers should not have a return value and should not be async functions.";

/** One worker's listeners, added while its script loads. */
export class ScriptListeners {
  private readonly target = new EventTarget();
  private readonly wrappers = new WeakMap<object, EventListener>();
  private warnedOfPromise = false;
  /**
   * `self`: the global object as the worker's code sees it. A listener function's `this` is the
   * target the listeners are on with set_event_target_this (as wrangler's facade dispatches under
   * workerd), else the global (what a sloppy script's function gets for none).
   */
  constructor(
    private readonly self: object,
    private readonly targetAsThis: boolean,
  ) {}

  /** Whether the script added any: it is then a service worker (workerd decides by its exports, which a service worker has none of). */
  used = false;

  add(type: string, listener: ListenerArg, options?: boolean | AddEventListenerOptions): void {
    this.used = true;
    this.target.addEventListener(type, this.called(listener) as EventListener, options);
  }

  remove(type: string, listener: ListenerArg, options?: boolean | EventListenerOptions): void {
    this.target.removeEventListener(type, this.called(listener) as EventListener, options);
  }

  /** Dispatches a fetch event; resolves to what respondWith() was given. */
  fetch(request: Request, ctx: ExtendableContext): Promise<unknown> {
    const event = new FetchEvent(request, ctx);
    try {
      this.target.dispatchEvent(event);
    } finally {
      dispatched.add(event);
    }
    const response = responses.get(event);
    if (!response) throw new Error("No response!");
    return response;
  }

  /** Dispatches a scheduled event to every listener. */
  scheduled(controller: ScheduledControllerLike, ctx: ExtendableContext): void {
    this.target.dispatchEvent(new ScheduledEvent(controller, ctx));
  }

  /**
   * The listener as workerd calls it: a function with the global object as `this`, and a promise it
   * returns ignored (its rejection too), with workerd's warning the first time. The same wrapper
   * each time, so removal finds it.
   */
  private called(listener: ListenerArg): ListenerArg {
    if (typeof listener !== "function" && (typeof listener !== "object" || listener === null)) return listener;
    let wrapper = this.wrappers.get(listener);
    if (!wrapper) {
      wrapper = (event: Event) => {
        const result: unknown =
          typeof listener === "function" ? listener.call(this.targetAsThis ? this.target : this.self, event) : listener.handleEvent(event);
        if (typeof (result as PromiseLike<unknown> | undefined)?.then !== "function") return;
        if (!this.warnedOfPromise) process.stderr.write(`${PROMISE_IGNORED}\n`);
        this.warnedOfPromise = true;
        (result as PromiseLike<unknown>).then(undefined, () => {});
      };
      this.wrappers.set(listener, wrapper);
    }
    return wrapper;
  }
}

export interface ExtendableContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

interface ScheduledControllerLike {
  cron: string;
  scheduledTime: number;
  noRetry(): void;
}

// Kept off the events themselves, so a worker sees no own properties on them (as on workerd's).
const contexts = new WeakMap<Event, ExtendableContext>();
const responses = new WeakMap<Event, Promise<unknown>>();
const dispatched = new WeakSet<Event>();
const requests = new WeakMap<Event, Request>();
const controllers = new WeakMap<Event, ScheduledControllerLike>();

function contextOf(event: Event): ExtendableContext {
  const ctx = contexts.get(event);
  if (!ctx) throw new TypeError("Illegal invocation");
  return ctx;
}

/** Bun's DOMException has no stack: given one, the error shows the worker's line that caused it, as workerd's does. */
function invalidState(message: string): DOMException {
  const error = new DOMException(message, "InvalidStateError");
  const frames = new Error().stack!;
  Object.defineProperty(error, "stack", { value: `${error.name}: ${message}${frames.slice(frames.indexOf("\n"))}`, writable: true, configurable: true });
  return error;
}

class ExtendableEvent extends Event {
  constructor(type: string, ctx: ExtendableContext) {
    super(type);
    contexts.set(this, ctx);
  }

  waitUntil(promise: Promise<unknown>): void {
    contextOf(this).waitUntil(promise);
  }
}

class FetchEvent extends ExtendableEvent {
  constructor(request: Request, ctx: ExtendableContext) {
    super("fetch", ctx);
    requests.set(this, request);
  }

  get request(): Request {
    return requests.get(this)!;
  }

  respondWith(response: Response | Promise<Response>): void {
    contextOf(this);
    if (responses.has(this)) throw invalidState("FetchEvent.respondWith() has already been called; it can only be called once.");
    if (dispatched.has(this)) throw invalidState("Too late to call FetchEvent.respondWith(). It must be called synchronously in the event handler.");
    this.stopImmediatePropagation();
    responses.set(this, Promise.resolve(response));
  }

  passThroughOnException(): void {
    contextOf(this).passThroughOnException();
  }
}

class ScheduledEvent extends ExtendableEvent {
  constructor(controller: ScheduledControllerLike, ctx: ExtendableContext) {
    super("scheduled", ctx);
    controllers.set(this, controller);
  }

  get cron(): string {
    return controllers.get(this)!.cron;
  }

  get scheduledTime(): number {
    return controllers.get(this)!.scheduledTime;
  }

  noRetry(): void {
    contextOf(this);
    controllers.get(this)!.noRetry();
  }
}
