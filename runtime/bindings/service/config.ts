// A `services` entry of the wrangler config.
export interface ServiceBindingConfig {
  binding: string;
  service: string;
  entrypoint?: string;
  environment?: string;
}
