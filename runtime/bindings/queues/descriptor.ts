// [[queues.producers]]: env.QUEUE sends into the store, where the dev
// server's consumer pump (src/dev/pumps/queues.ts) delivers from.
import type { BindingDescriptor } from "../descriptor.ts";
import type { QueueProducerConfig } from "./config.ts";
import { queueProducerNotObject, validateQueueProducer, validateQueuesConfig } from "./validate.ts";
import { QUEUE_MIGRATIONS } from "./schema.ts";

const queues = () => require("./index.ts") as typeof import("./index.ts");
const registry = () => require("./registry.ts") as typeof import("./registry.ts");

export const queuesDescriptor: BindingDescriptor<QueueProducerConfig> = {
  key: "queues.producers",
  kind: "Queue",
  entries: (config) => config.queues?.producers ?? [],
  bindingName: (entry) => entry.binding,
  validate: validateQueueProducer,
  notObject: queueProducerNotObject,
  // Producers and consumers are one `queues` table: checked together.
  validateSection: validateQueuesConfig,
  row: (entry) => ({ name: entry.binding, type: "Queue", value: entry.queue, mode: "local" }),
  createEnv: (entry, ctx) => queues().createQueueProducer({ store: ctx.store(), queue: entry.queue, deliveryDelay: entry.delivery_delay }),
  typeName: () => "Queue",
  schema: { component: "queues", migrations: QUEUE_MIGRATIONS },
  resources: (store) => registry().listQueues(store).map((queue) => ({ id: queue.id, name: queue.name })),
};
