// A `services` entry of the wrangler config.
export interface ServiceBindingConfig {
  binding: string;
  service: string;
  entrypoint?: string;
  environment?: string;
  /** What the entrypoint sees as `this.ctx.props`. */
  props?: Record<string, unknown>;
}
