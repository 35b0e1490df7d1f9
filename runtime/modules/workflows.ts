// The `cloudflare:workflows` module: NonRetryableError fails a step at once,
// without its remaining retries. One class shared with cloudflare:workers.
export { NonRetryableError } from "./workers.ts";
