/**
 * The body of a webhook request. `id` is the event's id: a receiver that stores the ids it has
 * processed turns at-least-once delivery (retries, manual re-deliveries) into exactly-once effects.
 */
export interface WebhookPayload {
  id: string;
  type: string;
  createdAt: string;
  organizationId: string;
  subject: { type: string; id: string };
  data: unknown;
}

export function webhookPayload(event: {
  id: string;
  type: string;
  occurred_at: Date;
  organization_id: string;
  subject_type: string;
  subject_id: string;
  data: unknown;
}): string {
  const payload: WebhookPayload = {
    id: event.id,
    type: event.type,
    createdAt: event.occurred_at.toISOString(),
    organizationId: event.organization_id,
    subject: { type: event.subject_type, id: event.subject_id },
    data: event.data,
  };
  return JSON.stringify(payload);
}
