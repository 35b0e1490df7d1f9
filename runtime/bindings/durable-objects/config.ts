// A `durable_objects.bindings` entry of the wrangler config.
export interface DurableObjectBindingConfig {
  name: string;
  class_name: string;
  script_name?: string;
}
