import { EVENT_DEFINITIONS, type EventDataMap, type EventType } from '../event-types.ts';
import { formatters } from './format.ts';
import { type LayoutContext, type RenderedMessage, renderMessage } from './layout.ts';
import { messageFor } from './messages.ts';

/** One event for one recipient: its words in the recipient's language, in the sender's brand. */
export function renderNotification<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  context: Omit<LayoutContext, 'essential'>,
): RenderedMessage {
  const copy = messageFor(type, context.locale, data, formatters(context.locale));
  return renderMessage(copy, { ...context, essential: EVENT_DEFINITIONS[type].essential });
}
