import mongoose from 'mongoose';

/**
 * Connects mongoose to `uri` and builds every index before the first write, so that uniqueness
 * holds from the start (FerretDB and MongoDB alike).
 */
export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  return mongoose;
}

export async function ensureIndexes(models: Array<{ init(): Promise<unknown> }>): Promise<void> {
  await Promise.all(models.map((model) => model.init()));
}

/** The connection's model `name`, created on first use; one module may be loaded twice in tests. */
export function modelFor<T>(connection: mongoose.Connection, name: string, schema: mongoose.Schema<T>): mongoose.Model<T> {
  return (connection.models[name] as mongoose.Model<T> | undefined) ?? connection.model<T>(name, schema);
}
