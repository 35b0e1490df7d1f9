// A `workflows` entry of the wrangler config.
export interface WorkflowConfig {
  binding: string;
  name: string;
  class_name: string;
  script_name?: string;
}
