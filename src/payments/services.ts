/**
 * What every payment service is given. Routes of every profile call the
 * services and map their results to HTTP; the services call the store and
 * tell the event port what was committed.
 */
import type { Control } from '../admin/control.js';
import type { DeliveryOutcome, EngineEvents } from '../events.js';
import type { Logger } from '../log.js';
import type { Delivery } from '../store/delivery.repository.js';
import type { Store } from '../store/store.js';

export interface ServiceDeps {
  store: Store;
  control: Pick<Control, 'scenarios' | 'resolve'>;
  events: EngineEvents;
  /** Sends one claimed delivery now and records the attempt (the dispatcher's). */
  deliver: (delivery: Delivery) => Promise<DeliveryOutcome>;
  /** Sends one claimed delivery in the background, as the dispatcher's own sends (a stop waits for it). */
  dispatch: (delivery: Delivery) => void;
  /** Asks the dispatcher to claim what is due now (deliveries requeued in bulk). */
  wake: () => void;
  log: Logger;
}
