/** API keys, stored by key id with the hash of their secret; never the secret itself. */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { Role } from '../contracts/roles';
import { modelFor } from './connect';

export interface ApiKeyRecord {
  keyId: string;
  secretHash: string;
  name: string;
  role: Role;
  queues?: string[];
  owner?: string;
  createdAt: Date;
  createdBy: string;
  revokedAt?: Date;
}

/** A key as lists show it: everything but the hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

const apiKeySchema = new Schema<ApiKeyRecord>(
  {
    keyId: { type: String, required: true, unique: true },
    secretHash: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    queues: { type: [String], default: undefined },
    owner: String,
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    revokedAt: Date,
  },
  { collection: 'api_keys', versionKey: false },
);

export function createApiKeyRepository(connection: Connection = mongoose.connection) {
  const ApiKey = modelFor(connection, 'ApiKey', apiKeySchema);
  return {
    model: ApiKey,
    async insert(record: ApiKeyRecord): Promise<void> {
      await ApiKey.create(record);
    },
    /** The active key with this id, hash included, for checking a presented secret. */
    async findActive(keyId: string): Promise<ApiKeyRecord | null> {
      return ApiKey.findOne({ keyId, revokedAt: { $exists: false } }, { _id: 0 }).lean<ApiKeyRecord>();
    },
    async list(): Promise<ApiKeyView[]> {
      return ApiKey.find({}, { _id: 0, secretHash: 0 }).sort({ createdAt: 1 }).lean<ApiKeyView[]>();
    },
    /** Revokes a key; false when there was no active key with that id. */
    async revoke(keyId: string): Promise<boolean> {
      const result = await ApiKey.updateOne({ keyId, revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
      return result.modifiedCount === 1;
    },
    async countActiveAdmins(): Promise<number> {
      return ApiKey.countDocuments({ role: 'admin', revokedAt: { $exists: false } });
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
