import mongoose from 'mongoose';

/**
 * Connects mongoose to `uri`, waiting up to 10 s for the database to answer.
 *
 * With `failFastMs`, an operation gives up after that long when the database does not answer
 * (instead of waiting for it to come back), so that a request can be answered 503 at once; the
 * connection itself keeps reconnecting.
 */
export async function connectDatabase(uri: string, options: { failFastMs?: number } = {}): Promise<typeof mongoose> {
  const wait = options.failFastMs ?? 10_000;
  if (options.failFastMs !== undefined) mongoose.set('bufferTimeoutMS', options.failFastMs);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await mongoose.connect(uri, { serverSelectionTimeoutMS: wait });
      return mongoose;
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function ensureIndexes(models: Array<{ init(): Promise<unknown> }>): Promise<void> {
  await Promise.all(models.map((model) => model.init()));
}

/** The connection's model `name`, created on first use; one module may be loaded twice in tests. */
export function modelFor<T>(connection: mongoose.Connection, name: string, schema: mongoose.Schema<T>): mongoose.Model<T> {
  return (connection.models[name] as mongoose.Model<T> | undefined) ?? connection.model<T>(name, schema);
}
