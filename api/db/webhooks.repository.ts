/**
 * Registered webhooks. The secret is stored as given: LeadFlow needs it to sign every delivery
 * (unlike an API key, which only has to be recognised), so lists never show it.
 */
import type { WebhookEvent } from '../contracts/webhooks.contract';
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';


export interface WebhookRecord {
  webhookId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  description?: string;
  createdAt: Date;
  createdBy: string;
}

export type WebhookView = Omit<WebhookRecord, 'secret'>;

const webhookSchema = new Schema<WebhookRecord>(
  {
    webhookId: { type: String, required: true, unique: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    secret: { type: String, required: true },
    description: String,
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: 'webhooks', versionKey: false },
);

export function createWebhookRepository(connection: Connection = mongoose.connection) {
  const Webhook = modelFor(connection, 'Webhook', webhookSchema);
  return {
    model: Webhook,
    async insert(record: WebhookRecord): Promise<void> {
      await Webhook.create(record);
    },
    async list(): Promise<WebhookView[]> {
      return Webhook.find({}, { _id: 0, secret: 0 }).sort({ createdAt: 1 }).lean<WebhookView[]>();
    },
    /** With secrets: for delivering. */
    async subscribers(): Promise<WebhookRecord[]> {
      return Webhook.find({}, { _id: 0 }).lean<WebhookRecord[]>();
    },
    async remove(webhookId: string): Promise<boolean> {
      return (await Webhook.deleteOne({ webhookId })).deletedCount === 1;
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
