/**
 * Services of a test file's own, for tests that stop, pause or restart them: started whatever
 * MONGODB_URI or TEMPORAL_ADDRESS name for the rest of the suite (a run against a real MongoDB
 * must not hand such a test the shared server, nor a restart hand it back).
 */
export async function ownService<T>(start: () => Promise<T>): Promise<T> {
  const saved = { mongo: process.env.MONGODB_URI, temporal: process.env.TEMPORAL_ADDRESS };
  delete process.env.MONGODB_URI;
  delete process.env.TEMPORAL_ADDRESS;
  try {
    return await start();
  } finally {
    if (saved.mongo !== undefined) process.env.MONGODB_URI = saved.mongo;
    if (saved.temporal !== undefined) process.env.TEMPORAL_ADDRESS = saved.temporal;
  }
}
